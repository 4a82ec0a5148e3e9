package rpc

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"relayd/internal/pytest"
)

// pythonEchoServer is a SimpleXMLRPCServer with multicall, as Python
// satellites run it. It prints its port, then serves.
const pythonEchoServer = `
import sys
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler
class Quiet(SimpleXMLRPCRequestHandler):
    def log_message(self, *a): pass
s = SimpleXMLRPCServer(("127.0.0.1", 0), requestHandler=Quiet, allow_none=True, logRequests=False)
s.register_function(lambda x: x, "echo")
s.register_function(lambda *a: "pong", "ping")
def fail(code):
    import xmlrpc.client
    raise xmlrpc.client.Fault(code, "custom fault")
s.register_function(fail, "fail")
s.register_multicall_functions()
s.register_introspection_functions()
print(s.server_address[1], flush=True)
s.serve_forever()
`

func everyTypeValue() Value {
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	return Struct(
		Member{"int", Int(42)}, Member{"min", Int(-2147483648)},
		Member{"bool", Bool(true)}, Member{"double", Double(-0.5)}, Member{"negzero", Double(negZero())},
		// No \r: Python's encoder sends it raw and every XML parser reads
		// a raw CR as LF, so no Python peer can echo one back.
		Member{"string", String("a<b>&c\n\t ]]> \u2603 \U0001F600")}, Member{"empty", String("")},
		Member{"date", DateTime(when)},
		Member{"raw_date", Value{Kind: KindDateTime, Time: when, TimeRaw: "2024-01-02T03:04:05Z"}},
		Member{"bytes", Base64(bytes.Repeat([]byte{0, 1, 2, 255}, 100))},
		Member{"nobytes", Base64([]byte{})},
		Member{"nil", Nil()},
		Member{"list", Array(Int(1), Array(String("a"), Array(Double(2.5), Array())), Struct())},
		Member{"nested", Struct(Member{"a&b", Struct(Member{"", String("emptykey")}, Member{"deeper", Array(Struct(Member{"x", Array(Bool(false))}))})})},
	)
}

func negZero() float64 {
	var z float64
	return -z
}

func TestClientAgainstPythonServer(t *testing.T) {
	proc := pytest.Start(t, pythonEchoServer)
	url := "http://127.0.0.1:" + proc.Line(t) + "/"
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	ctx := context.Background()

	in := everyTypeValue()
	got, err := c.Call(ctx, url, "echo", in)
	if err != nil {
		t.Fatal(err)
	}
	// A dateTime comes back with the text it travelled as.
	want := everyTypeValue()
	want.Members[7].Value.TimeRaw = "20240102T03:04:05"
	if !got.Equal(want) {
		t.Fatalf("echo through Python changed the value at %s", firstDifference("", got, want))
	}
	if v, err := c.Call(ctx, url, "ping"); err != nil || v.Str != "pong" {
		t.Fatalf("ping: %+v %v", v, err)
	}

	var f *Fault
	if _, err := c.Call(ctx, url, "fail", Int(42)); !errors.As(err, &f) || f.Code != 42 || f.String != "custom fault" {
		t.Fatalf("fault: %v", err)
	}
	// Python answers an unknown method with fault 1, not -32601.
	if _, err := c.Call(ctx, url, "no.such"); !errors.As(err, &f) || f.Code != 1 {
		t.Fatalf("unknown method: %v", err)
	}

	item := func(name string, ps ...Value) Value {
		return Struct(Member{"methodName", String(name)}, Member{"params", Array(ps...)})
	}
	reply, err := c.Call(ctx, url, "system.multicall", Array(item("echo", in), item("fail", Int(7)), item("ping")))
	if err != nil {
		t.Fatal(err)
	}
	vals, errs, err := MulticallResults(reply, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !vals[0].Equal(want) || vals[2].Str != "pong" || !errors.As(errs[1], &f) || f.Code != 7 {
		t.Fatalf("multicall: %+v %v", vals, errs)
	}
	methods, err := c.Call(ctx, url, "system.listMethods")
	if err != nil || !strings.Contains(showNames(methods), "system.multicall") {
		t.Fatalf("listMethods: %+v %v", methods, err)
	}
}

func showNames(v Value) string {
	var names []string
	for _, e := range v.Array {
		names = append(names, e.Str)
	}
	return strings.Join(names, " ")
}

func TestClientDeadlineOnHungPeer(t *testing.T) {
	// A peer that accepts and never answers must not hold a call past its
	// deadline, nor block other calls on the same client.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				buf := make([]byte, 1024)
				for {
					if _, err := c.Read(buf); err != nil {
						c.Close()
						return
					}
				}
			}()
		}
	}()
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, err := c.Call(ctx, "http://"+ln.Addr().String()+"/", "ping")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("hung peer: %v, want a deadline error", err)
			}
		}()
	}
	wg.Wait()
	ln.Close()
	c.Close()
}

func TestClientRefusesBadReplies(t *testing.T) {
	deep := strings.Repeat("<value><array><data>", 500000)
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`<?xml version="1.0"?><methodResponse><params><param><value><string>`))
	zw.Write(bytes.Repeat([]byte("a"), 50<<20))
	zw.Close()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(error) bool
	}{
		{"oversized reply", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`<?xml version="1.0"?><methodResponse><params><param><value><string>`))
			w.Write(bytes.Repeat([]byte("a"), 2<<20))
		}, func(err error) bool { return errors.Is(err, ErrResponseTooLarge) }},
		{"gzip bomb", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		}, func(err error) bool { return errors.Is(err, ErrResponseTooLarge) }},
		{"deep nesting", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`<?xml version="1.0"?><methodResponse><params><param>` + deep[:900000]))
		}, func(err error) bool { return errors.Is(err, ErrMalformedResponse) }},
		{"HTTP 500", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(500)
		}, func(err error) bool { var h *HTTPError; return errors.As(err, &h) && h.Status == 500 }},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
		}, func(err error) bool { var h *HTTPError; return errors.As(err, &h) && h.Status == 302 }},
		{"garbage", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte("hello"))
		}, func(err error) bool { return errors.Is(err, ErrMalformedResponse) }},
		{"string fault code", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><string>Server.Err</string></value></member><member><name>faultString</name><value>bad</value></member></struct></value></fault></methodResponse>`))
		}, func(err error) bool { var f *Fault; return errors.As(err, &f) && f.String != "" }},
	}
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			_, err := c.Call(context.Background(), srv.URL, "ping")
			if err == nil || !tc.check(err) {
				t.Fatalf("got %v (%T)", err, err)
			}
		})
	}
}

func TestClientAsksForNoCompression(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(`<?xml version="1.0"?><methodResponse><params><param><value>ok</value></param></params></methodResponse>`))
	}))
	defer srv.Close()
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	v, err := c.Call(context.Background(), srv.URL, "ping")
	if err != nil || v.Str != "ok" {
		t.Fatalf("%+v %v", v, err)
	}
	if got.Get("Accept-Encoding") != "" || got.Get("Content-Type") != "text/xml" {
		t.Fatalf("request headers: %v", got)
	}
}

// firstDifference names the first place where a and b differ ("" if none),
// so a failing comparison says where to look.
func firstDifference(path string, a, b Value) string {
	if a.Kind != b.Kind {
		return path + ": kind " + a.Kind.String() + " vs " + b.Kind.String()
	}
	switch a.Kind {
	case KindArray:
		if len(a.Array) != len(b.Array) {
			return path + ": array lengths differ"
		}
		for i := range a.Array {
			if d := firstDifference(path+"["+string(rune('0'+i%10))+"]", a.Array[i], b.Array[i]); d != "" {
				return d
			}
		}
		return ""
	case KindStruct:
		if len(a.Members) != len(b.Members) {
			return path + ": member counts differ"
		}
		for i := range a.Members {
			if a.Members[i].Name != b.Members[i].Name {
				return path + ": member " + a.Members[i].Name + " vs " + b.Members[i].Name
			}
			if d := firstDifference(path+"."+a.Members[i].Name, a.Members[i].Value, b.Members[i].Value); d != "" {
				return d
			}
		}
		return ""
	}
	if !a.Equal(b) {
		return path + ": " + showScalar(a) + " vs " + showScalar(b)
	}
	return ""
}

func showScalar(v Value) string {
	b, err := AppendResponse(nil, v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
