package rpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// echoServer is a Server whose one method, echo, returns its first param.
func echoServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer(DefaultServerConfig())
	if err := s.Register(Method{Names: []string{"echo"}, Handler: func(_ context.Context, ps []Value) (Value, error) {
		return ps[0], nil
	}}); err != nil {
		t.Fatal(err)
	}
	return s
}

// writeCounter counts the writes on the client's connections.
type writeCounter struct {
	net.Conn
	writes *atomic.Int64
}

func (c writeCounter) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// A call goes out in one write: headers and body in one packet, not two
// (net/http flushes the headers first for a body it does not know to be in
// memory), so the peer reads each call once.
func TestClientSendsACallInOneWrite(t *testing.T) {
	s := echoServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	var writes atomic.Int64
	dial := c.dial
	c.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return writeCounter{conn, &writes}, nil
	}
	const calls = 5
	for i := range calls {
		text := strings.Repeat("x", i*300)
		if v, err := c.Call(context.Background(), srv.URL, "echo", String(text)); err != nil || v.Str != text {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := writes.Load(); got != calls {
		t.Errorf("%d calls took %d writes, want one each", calls, got)
	}
}

func TestReadAtMost(t *testing.T) {
	tests := []struct {
		name     string
		in       int
		capacity int
		max      int64
		want     int
	}{
		{"empty", 0, 0, 10, 0},
		{"shorter than max, growing from nothing", 5, 0, 10, 5},
		{"exactly max", 10, 4, 10, 10},
		{"cut at max", 25, 4, 10, 10},
		{"long input into a roomy buffer", 5000, 8192, 1 << 20, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bytes.Repeat([]byte("x"), tt.in)
			// iotest.OneByteReader-like: small reads exercise the loop.
			got, err := readAtMost(make([]byte, 0, tt.capacity), io.LimitReader(bytes.NewReader(in), int64(tt.in)), tt.max)
			if err != nil || len(got) != tt.want || !bytes.Equal(got, in[:tt.want]) {
				t.Errorf("readAtMost = %d bytes, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

// Calls from many goroutines share the buffer pool: each gets its own
// reply, also while a peer answers some calls before reading their bodies
// or redirects them.
func TestClientBuffersAreNotShared(t *testing.T) {
	s := echoServer(t)
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.HandleFunc("/early", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		w.Write(AppendFault(nil, &Fault{Code: 7, String: "answered before reading"}))
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/", http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := NewClient(DefaultClientConfig())
	defer c.Close()

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 12 {
				// From a few bytes to beyond what the pool keeps.
				text := fmt.Sprintf("%d/%d ", g, i) + strings.Repeat("relayed", (g*12+i)*853%(10<<10))
				switch g {
				case 0:
					_, err := c.Call(context.Background(), srv.URL+"/early", "echo", String(text))
					var f *Fault
					if !errors.As(err, &f) || f.Code != 7 {
						t.Errorf("early answer: %v", err)
					}
					continue
				case 1:
					_, err := c.Call(context.Background(), srv.URL+"/redirect", "echo", String(text))
					var he *HTTPError
					if !errors.As(err, &he) || he.Status != http.StatusTemporaryRedirect {
						t.Errorf("redirect: %v", err)
					}
					continue
				}
				v, err := c.Call(context.Background(), srv.URL, "echo", String(text))
				if err != nil || v.Str != text {
					t.Errorf("call %d/%d: got %d bytes starting %.12q, %v; want its own text", g, i, len(v.Str), v.Str, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestClientPost(t *testing.T) {
	s := echoServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := NewClient(DefaultClientConfig())
	defer c.Close()

	reply, err := c.Post(context.Background(), srv.URL, func(dst []byte) ([]byte, error) {
		dst = AppendMulticallHead(dst)
		for _, word := range []string{"one", "two"} {
			var err error
			if dst, err = AppendMulticallItem(dst, "echo", []Value{String(word)}); err != nil {
				return nil, err
			}
		}
		return AppendMulticallTail(dst), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	vals, errs, err := MulticallResults(reply, 2)
	if err != nil || errs[0] != nil || errs[1] != nil || vals[0].Str != "one" || vals[1].Str != "two" {
		t.Errorf("multicall through Post: %v %v %v", vals, errs, err)
	}

	errEncode := errors.New("cannot encode")
	if _, err := c.Post(context.Background(), srv.URL, func(dst []byte) ([]byte, error) { return dst, errEncode }); err != errEncode {
		t.Errorf("Post with a failing encode: %v, want its error", err)
	}
}
