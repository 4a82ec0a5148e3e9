package rpc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"relayd/internal/syncbuf"
)

// newTestServer serves an echo method (and one that panics) on
// 127.0.0.1:0 with the given config changes, returning its URL.
func newTestServer(t *testing.T, tweak func(*ServerConfig)) (string, *Server, *syncbuf.Buffer) {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cfg := DefaultServerConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if tweak != nil {
		tweak(&cfg)
	}
	s := NewServer(cfg)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Register(Method{Names: []string{"echo"}, Handler: func(_ context.Context, p []Value) (Value, error) {
		if len(p) != 1 {
			return Value{}, Faultf(CodeInvalidParams, "echo takes one parameter")
		}
		return p[0], nil
	}}))
	must(s.Register(Method{Names: []string{"add"}, Help: "add two ints", Signature: [][]string{{"int", "int", "int"}},
		Handler: func(_ context.Context, p []Value) (Value, error) {
			if len(p) != 2 || p[0].Kind != KindInt || p[1].Kind != KindInt {
				return Value{}, Faultf(CodeInvalidParams, "add takes two ints")
			}
			return Int(p[0].Int + p[1].Int), nil
		}}))
	must(s.Register(Method{Names: []string{"boom"}, Handler: func(context.Context, []Value) (Value, error) {
		panic("secret detail 42")
	}}))
	must(s.Register(Method{Names: []string{"fails"}, Handler: func(context.Context, []Value) (Value, error) {
		return Value{}, errors.New("database password is hunter2")
	}}))
	must(s.Register(Method{Names: []string{"huge"}, Handler: func(context.Context, []Value) (Value, error) {
		return Int(1 << 33), nil
	}}))
	must(s.Register(Method{Names: []string{"nan"}, Handler: func(context.Context, []Value) (Value, error) {
		return Double(nanValue()), nil
	}}))
	must(s.Register(Method{Names: []string{"badutf8"}, Handler: func(context.Context, []Value) (Value, error) {
		return String("a\xffb"), nil
	}}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer(ln.Addr().String())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/RPC2", s, logs
}

func nanValue() float64 {
	var zero float64
	return zero / zero
}

// post sends body and returns the status, headers and body of the reply.
func post(t *testing.T, url string, body []byte, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

func callBody(method, paramsXML string) []byte {
	return []byte(`<?xml version="1.0"?><methodCall><methodName>` + method + `</methodName><params>` + paramsXML + `</params></methodCall>`)
}

func param(v string) string { return "<param><value>" + v + "</value></param>" }

// decodeReply decodes a 200 reply and returns its value or fault.
func decodeReply(t *testing.T, status int, body []byte) (Value, *Fault) {
	t.Helper()
	if status != http.StatusOK {
		t.Fatalf("status %d, body %q", status, body)
	}
	v, err := DecodeResponse(body, DefaultLimits())
	var f *Fault
	if errors.As(err, &f) {
		return Value{}, f
	}
	if err != nil {
		t.Fatalf("undecodable reply %q: %v", body, err)
	}
	return v, nil
}

func TestServerHTTPCases(t *testing.T) {
	url, _, _ := newTestServer(t, nil)
	base := strings.TrimSuffix(url, "/RPC2")
	okCall := callBody("echo", param("<int>7</int>"))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(okCall)
	zw.Close()
	var bomb bytes.Buffer
	zw = gzip.NewWriter(&bomb)
	zw.Write(callBody("echo", param("<string>")))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i < 100; i++ {
		zw.Write(chunk)
	}
	zw.Close()
	deep := strings.Repeat("<value><array><data>", 1000000)

	tests := []struct {
		name   string
		url    string
		body   []byte
		header map[string]string
		status int
		want   *Value
	}{
		{name: "case 41 one million levels (43 MB) refused before parsing", body: callBody("echo", "<param>"+deep), status: 413},
		{name: "case 61 body of 1 MiB + 1", body: append(callBody("echo", param("<string>")), bytes.Repeat([]byte("x"), 1<<20)...), status: 413},
		{name: "case 62 gzip request processed", body: gz.Bytes(), header: map[string]string{"Content-Encoding": "gzip"}, status: 200, want: &Value{Kind: KindInt, Int: 7}},
		{name: "case 62 gzip bomb refused", body: bomb.Bytes(), header: map[string]string{"Content-Encoding": "gzip"}, status: 413},
		{name: "case 62 corrupt gzip", body: []byte("\x1f\x8bnot gzip at all"), header: map[string]string{"Content-Encoding": "gzip"}, status: 400},
		{name: "case 62 deflate refused", body: okCall, header: map[string]string{"Content-Encoding": "deflate"}, status: 415},
		{name: "case 63 POST / processed", url: base + "/", body: okCall, status: 200, want: &Value{Kind: KindInt, Int: 7}},
		{name: "case 63 POST /other processed (any path, PROTOCOL.md 1)", url: base + "/other", body: okCall, status: 200, want: &Value{Kind: KindInt, Int: 7}},
		{name: "case 65 form content type still processed", body: okCall, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 200, want: &Value{Kind: KindInt, Int: 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := url
			if tc.url != "" {
				u = tc.url
			}
			status, _, body := post(t, u, tc.body, tc.header)
			if status != tc.status {
				t.Fatalf("status %d, want %d (body %.200q)", status, tc.status, body)
			}
			if tc.want != nil {
				v, f := decodeReply(t, status, body)
				if f != nil || !v.Equal(*tc.want) {
					t.Fatalf("got %+v fault %v, want %+v", v, f, *tc.want)
				}
			}
		})
	}
}

func TestServerRefusesHugeContentLengthUnread(t *testing.T) {
	// case 61: Content-Length 2,000,000,000 with a small body: 413 from the header alone.
	url, _, _ := newTestServer(t, nil)
	addr := strings.TrimPrefix(strings.TrimSuffix(url, "/RPC2"), "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 2000000000\r\n\r\n<methodCall>")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 413 {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestServerChunkedBodyOverLimit(t *testing.T) {
	// case 61: a chunked body beyond 1 MiB.
	url, _, _ := newTestServer(t, nil)
	pr, pw := io.Pipe()
	go func() {
		pw.Write(callBody("echo", param("<string>")))
		big := bytes.Repeat([]byte("y"), 64<<10)
		for i := 0; i < 20; i++ {
			if _, err := pw.Write(big); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, url, pr)
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pr.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestServerGetGoesToPages(t *testing.T) {
	// case 63: GET is for pages (PROTOCOL.md 1); without a page handler it is 404.
	url, _, _ := newTestServer(t, nil)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("GET without pages: %d, want 404", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPut, url, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || !strings.Contains(resp.Header.Get("Allow"), "POST") {
		t.Fatalf("PUT: %d Allow %q, want 405 with POST allowed", resp.StatusCode, resp.Header.Get("Allow"))
	}

	pagesURL, _, _ := newTestServer(t, func(c *ServerConfig) {
		c.Pages = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page "+r.URL.Path) })
	})
	resp, err = http.Get(pagesURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "page /RPC2" {
		t.Fatalf("GET with pages: %q", body)
	}
}

func TestServerSlowClientsAreCutOff(t *testing.T) {
	// case 64: headers or body at a trickle: the connection is closed after
	// the configured timeouts.
	url, _, _ := newTestServer(t, func(c *ServerConfig) {
		c.ReadHeaderTimeout = 200 * time.Millisecond
		c.ReadTimeout = 400 * time.Millisecond
	})
	addr := strings.TrimPrefix(strings.TrimSuffix(url, "/RPC2"), "http://")
	for _, partial := range []string{
		"POST /RPC2 HTTP/1.1\r\nHost: x\r\n",
		"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<methodCall>",
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, partial)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		start := time.Now()
		_, err = io.ReadAll(conn) // returns when the server closes the connection
		conn.Close()
		if err != nil {
			t.Fatalf("server did not close a slow connection: %v", err)
		}
		t.Logf("slow client cut off after %v", time.Since(start).Round(time.Millisecond))
	}
}

func TestServerReplyShape(t *testing.T) {
	// cases 67 and 69: exact envelope of a success and of a fault.
	url, _, _ := newTestServer(t, nil)
	status, h, body := post(t, url, callBody("echo", param("<string>x</string>")), nil)
	if status != 200 || h.Get("Content-Type") != "text/xml" || h.Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Fatalf("status %d headers %v", status, h)
	}
	want := `<?xml version="1.0"?>` + "\n" + `<methodResponse><params><param><value><string>x</string></value></param></params></methodResponse>`
	if got := strings.TrimSpace(string(body)); got != want {
		t.Fatalf("success reply:\n%s\nwant\n%s", got, want)
	}
	status, h, body = post(t, url, callBody("no.such", ""), nil)
	if status != 200 || h.Get("Content-Type") != "text/xml" {
		t.Fatalf("fault status %d headers %v", status, h)
	}
	if !bytes.Contains(body, []byte(`<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>-32601</int></value></member><member><name>faultString</name><value><string>`)) {
		t.Fatalf("fault reply: %s", body)
	}
	_, f := decodeReply(t, status, body)
	if f == nil || f.Code != CodeMethodNotFound {
		t.Fatalf("fault %v", f)
	}
}

func TestServerFaultsAndPolicies(t *testing.T) {
	url, _, logs := newTestServer(t, nil)
	tests := []struct {
		name   string
		body   []byte
		code   int
		want   *Value
		hidden string // must not appear in the reply
	}{
		{name: "case 70 panic is -32603 with a generic text", body: callBody("boom", ""), code: CodeInternal, hidden: "secret detail"},
		{name: "plain error is -32603, detail only logged", body: callBody("fails", ""), code: CodeInternal, hidden: "hunter2"},
		{name: "case 71 int64 2^33 goes out as i8", body: callBody("huge", ""), want: &Value{Kind: KindInt, Int: 1 << 33}},
		{name: "case 71 NaN result is -32603", body: callBody("nan", ""), code: CodeInternal},
		{name: "case 71 invalid UTF-8 result is -32603", body: callBody("badutf8", ""), code: CodeInternal},
		{name: "case 43 no params element", body: []byte(`<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName></methodCall>`)},
		{name: "case 47 unknown method", body: callBody("no.such", ""), code: CodeMethodNotFound},
		{name: "wrong params for a method", body: callBody("add", param("<int>1</int>")), code: CodeInvalidParams},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := post(t, url, tc.body, nil)
			v, f := decodeReply(t, status, body)
			if tc.hidden != "" && bytes.Contains(body, []byte(tc.hidden)) {
				t.Fatalf("reply leaks %q: %s", tc.hidden, body)
			}
			if tc.code != 0 {
				if f == nil || f.Code != tc.code {
					t.Fatalf("got %+v / %v, want fault %d", v, f, tc.code)
				}
				return
			}
			if f != nil {
				t.Fatalf("unexpected fault %v", f)
			}
			if tc.want != nil && !v.Equal(*tc.want) {
				t.Fatalf("got %+v, want %+v", v, *tc.want)
			}
		})
	}
	for _, detail := range []string{"secret detail 42", "hunter2"} {
		if !strings.Contains(logs.String(), detail) {
			t.Errorf("the log should keep the detail %q for the operator", detail)
		}
	}
}

func call(t *testing.T, url, method string, params ...Value) (Value, *Fault) {
	t.Helper()
	body, err := AppendCall(nil, method, params)
	if err != nil {
		t.Fatal(err)
	}
	status, _, reply := post(t, url, body, nil)
	return decodeReply(t, status, reply)
}

func TestIntrospection(t *testing.T) {
	url, _, _ := newTestServer(t, nil)

	// case 72: sorted, with the standard names.
	v, f := call(t, url, "system.listMethods")
	if f != nil {
		t.Fatal(f)
	}
	var names []string
	for _, e := range v.Array {
		names = append(names, e.Str)
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("not sorted: %v", names)
		}
	}
	for _, want := range []string{"system.listMethods", "system.methodHelp", "system.methodSignature", "system.multicall", "sys.listMethods", "co2.co2_get_method_names", "echo"} {
		if !contains(names, want) {
			t.Errorf("listMethods lacks %s", want)
		}
	}
	for _, alias := range listNames {
		w, f := call(t, url, alias, Struct())
		if f != nil || !w.Equal(v) {
			t.Errorf("%s differs from system.listMethods: %v", alias, f)
		}
	}

	tests := []struct {
		name   string
		method string
		params []Value
		want   Value
		code   int
	}{
		{"case 73 signature undef", "system.methodSignature", []Value{String("echo")}, String("undef"), 0},
		{"case 73 signature declared", "system.methodSignature", []Value{String("add")}, Array(Strings([]string{"int", "int", "int"})), 0},
		{"case 73 signature of nosuch", "system.methodSignature", []Value{String("nosuch")}, Value{}, CodeMethodNotFound},
		{"case 74 help", "system.methodHelp", []Value{String("add")}, String("add two ints"), 0},
		{"case 74 empty help", "system.methodHelp", []Value{String("echo")}, String(""), 0},
		{"case 74 help of nosuch", "system.methodHelp", []Value{String("nosuch")}, Value{}, CodeMethodNotFound},
		{"help by struct", "sys.methodHelp", []Value{Struct(Member{"method_name", String("add")})}, String("add two ints"), 0},
		{"help with an int", "co2.get_method_help", []Value{Int(1)}, Value{}, CodeInvalidParams},
		{"co2 signature", "co2.get_method_signature", []Value{String("system.methodHelp")}, Struct(
			Member{"args", Strings([]string{"method_name"})}, Member{"args_d", Struct()},
			Member{"args_v", Array()}, Member{"args_kw", Array()}), 0},
		{"listMethods with an int", "system.listMethods", []Value{Int(1)}, Value{}, CodeInvalidParams},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, f := call(t, url, tc.method, tc.params...)
			if tc.code != 0 {
				if f == nil || f.Code != tc.code {
					t.Fatalf("got %+v / %v, want fault %d", v, f, tc.code)
				}
				return
			}
			if f != nil || !v.Equal(tc.want) {
				t.Fatalf("got %+v / %v, want %+v", v, f, tc.want)
			}
		})
	}
}

func TestMulticall(t *testing.T) {
	url, _, _ := newTestServer(t, nil)
	item := func(name string, params ...Value) Value {
		return Struct(Member{"methodName", String(name)}, Member{"params", Array(params...)})
	}
	// case 75, the RFC's example.
	v, f := call(t, url, "system.multicall", Array(
		item("echo", Int(1)),
		item("nosuch"),
		item("system.multicall"),
		Struct(Member{"methodName", String("echo")}),
		String("not a struct"),
		item("echo", Int(2)),
	))
	if f != nil {
		t.Fatal(f)
	}
	if len(v.Array) != 6 {
		t.Fatalf("multicall returned %d entries, want 6", len(v.Array))
	}
	if !v.Array[0].Equal(Array(Int(1))) || !v.Array[5].Equal(Array(Int(2))) {
		t.Fatalf("successes: %+v %+v", v.Array[0], v.Array[5])
	}
	wantCodes := map[int]int{1: CodeMethodNotFound, 2: CodeInvalidRequest, 3: CodeInvalidRequest, 4: CodeInvalidRequest}
	for i, code := range wantCodes {
		c, ok := v.Array[i].Get("faultCode")
		if !ok || c.Int != int64(code) || len(v.Array[i].Members) != 2 {
			t.Errorf("entry %d: %+v, want fault %d", i, v.Array[i], code)
		}
	}
	vals, errs, err := MulticallResults(v, 6)
	if err != nil || !vals[0].Equal(Int(1)) || errs[1] == nil || errs[0] != nil {
		t.Fatalf("MulticallResults: %v %v %v", vals, errs, err)
	}

	// case 76.
	v, f = call(t, url, "system.multicall", Array())
	if f != nil || v.Kind != KindArray || len(v.Array) != 0 {
		t.Fatalf("empty multicall: %+v %v", v, f)
	}
	many := make([]Value, 101)
	for i := range many {
		many[i] = item("echo", Int(int64(i)))
	}
	if _, f = call(t, url, "system.multicall", Array(many...)); f == nil || f.Code != CodeLimitExceeded {
		t.Fatalf("101 calls: %v, want %d", f, CodeLimitExceeded)
	}
	if _, f = call(t, url, "system.multicall", Array(), Array()); f == nil || f.Code != CodeInvalidParams {
		t.Fatalf("two params: %v, want %d", f, CodeInvalidParams)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestZeroConfigServerTakesTheDefaultLimits(t *testing.T) {
	s := NewServer(ServerConfig{})
	if err := s.Register(Method{Names: []string{"echo"}, Handler: func(_ context.Context, p []Value) (Value, error) { return p[0], nil }}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s}
	go srv.Serve(ln)
	defer srv.Close()
	status, _, body := post(t, "http://"+ln.Addr().String()+"/", callBody("echo", param("<int>3</int>")), nil)
	v, f := decodeReply(t, status, body)
	if f != nil || v.Int != 3 {
		t.Fatalf("got %+v %v", v, f)
	}
}
