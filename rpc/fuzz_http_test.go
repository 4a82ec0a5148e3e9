package rpc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"relayd/internal/rawhttp"
)

// FuzzServeHTTP feeds whole HTTP requests (request line, headers, body) to
// a Server. Whatever the bytes, the server must not panic, must answer
// with one of the statuses PROTOCOL.md allows, and a 200 to a POST must be
// a methodResponse our own decoder accepts, with a true Content-Length;
// a reply to echo must be exactly what the encoder writes for its param.
// Crashers found by `go test -fuzz` live in testdata/fuzz/FuzzServeHTTP.

// fuzzHTTPPeer is the address every fuzzed request comes from.
const fuzzHTTPPeer = "127.0.0.1:40123"

// fuzzHTTPSecret is what the panicking method panics with; it must never
// reach the caller.
const fuzzHTTPSecret = "panic detail 7f3a"

// fuzzHTTPStatuses are the only statuses the server may answer with.
var fuzzHTTPStatuses = map[int]bool{
	http.StatusOK:                    true,
	http.StatusBadRequest:            true,
	http.StatusNotFound:              true,
	http.StatusMethodNotAllowed:      true,
	http.StatusRequestEntityTooLarge: true,
	http.StatusUnsupportedMediaType:  true,
}

// fuzzHTTPServer is a server with the default limits, an echo method and
// one that panics, and no pages (GET is 404).
func fuzzHTTPServer(tb testing.TB) *Server {
	s := NewServer(DefaultServerConfig())
	methods := []Method{
		{Names: []string{"echo"}, Handler: func(_ context.Context, p []Value) (Value, error) {
			if len(p) != 1 {
				return Value{}, Faultf(CodeInvalidParams, "echo takes one parameter")
			}
			return p[0], nil
		}},
		{Names: []string{"peer"}, Handler: func(ctx context.Context, _ []Value) (Value, error) {
			ap, ok := Peer(ctx)
			if !ok {
				return Value{}, errors.New("no peer in the context")
			}
			return String(ap.String()), nil
		}},
		{Names: []string{"boom"}, Handler: func(context.Context, []Value) (Value, error) {
			panic(fuzzHTTPSecret)
		}},
	}
	for _, m := range methods {
		if err := s.Register(m); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// fuzzHTTPPython is how Python's xmlrpc.client frames a call.
func fuzzHTTPPython(body string) []byte {
	return rawhttp.Request(http.MethodPost, "/RPC2", []string{
		"Accept-Encoding: gzip", "Content-Type: text/xml", "User-Agent: Python-xmlrpc/3.11",
	}, []byte(body))
}

func fuzzHTTPSeeds() [][]byte {
	echo := codecCall("<int>7</int>")
	multicall := `<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>` +
		`<value><struct><member><name>methodName</name><value>echo</value></member><member><name>params</name><value><array><data><value><i4>1</i4></value></data></array></value></member></struct></value>` +
		`<value><struct><member><name>methodName</name><value>boom</value></member><member><name>params</name><value><array><data/></array></value></member></struct></value>` +
		`</data></array></value></param></params></methodCall>`
	seeds := [][]byte{
		fuzzHTTPPython(codecPythonCapture),
		fuzzHTTPPython(string(callBody("boom", ""))),
		fuzzHTTPPython(string(callBody("peer", ""))),
		fuzzHTTPPython(string(callBody("system.listMethods", ""))),
		fuzzHTTPPython(string(callBody("system.methodHelp", param("<string>echo</string>")))),
		fuzzHTTPPython(multicall),
		fuzzHTTPPython(string(callBody("nosuch", ""))),
		// Go's net/http client, as kolo/xmlrpc uses it.
		rawhttp.Request(http.MethodPost, "/", []string{"User-Agent: Go-http-client/1.1", "Content-Type: text/xml", "Accept-Encoding: gzip"}, []byte(echo)),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Encoding: gzip", "Content-Type: text/xml"}, rawhttp.Gzip([]byte(echo))),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Encoding: x-gzip"}, rawhttp.Gzip([]byte(codecPythonCapture))),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Encoding: gzip"}, []byte("\x1f\x8bnot gzip at all")),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Encoding: deflate"}, []byte(echo)),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Length: 2000000000"}, []byte(echo)),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Length: 1048577"}, []byte(echo)),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Length: " + strconv.Itoa(len(echo)+10)}, []byte(echo)),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Transfer-Encoding: chunked"}, rawhttp.Chunked([]byte(echo), 17)),
		rawhttp.Request(http.MethodPost, "/RPC2", []string{"Transfer-Encoding: chunked", "Content-Encoding: gzip"}, rawhttp.Chunked(rawhttp.Gzip([]byte(echo)), 9)),
		rawhttp.Request(http.MethodPost, "/RPC2", nil, nil),
		rawhttp.Request(http.MethodGet, "/", nil, nil),
		rawhttp.Request(http.MethodHead, "/RPC2", nil, nil),
		rawhttp.Request(http.MethodPut, "/RPC2", []string{"Content-Type: text/xml"}, []byte(echo)),
		rawhttp.Request(http.MethodOptions, "*", nil, nil),
	}
	for _, body := range codecSeedBodies() {
		seeds = append(seeds, rawhttp.Request(http.MethodPost, "/RPC2", []string{"Content-Type: text/xml"}, []byte(body)))
	}
	return seeds
}

func FuzzServeHTTP(f *testing.F) {
	for _, s := range fuzzHTTPSeeds() {
		f.Add(s)
	}
	srv := fuzzHTTPServer(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzHTTPServe(t, srv, raw)
	})
}

// fuzzHTTPServe serves raw (if it parses as a request) from fuzzHTTPPeer
// and checks every invariant. It returns the reply (nil when raw is no
// request) and whether the reply was checked as an echo.
func fuzzHTTPServe(t *testing.T, srv *Server, raw []byte) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, false
	}
	req.RemoteAddr = fuzzHTTPPeer
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	checkFuzzHTTPReply(t, req.Method, rec)
	if bytes.Contains(rec.Body.Bytes(), []byte(fuzzHTTPSecret)) {
		t.Fatalf("the reply carries the handler's panic text: %q", rec.Body.Bytes())
	}
	param, ok := fuzzHTTPEchoParam(raw)
	if ok && rec.Code == http.StatusOK {
		checkFuzzHTTPEcho(t, param, rec.Body.Bytes())
	}
	return rec, ok
}

// fuzzHTTPEchoParam reads raw again, on its own, and returns the one
// param when it is a plain (not compressed) POST of echo with one param.
func fuzzHTTPEchoParam(raw []byte) (Value, bool) {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil || req.Method != http.MethodPost || req.Header.Get("Content-Encoding") != "" {
		return Value{}, false
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, DefaultLimits().MaxBodyBytes+1))
	if err != nil {
		return Value{}, false
	}
	call, err := DecodeCall(body, DefaultLimits())
	if err != nil || call.Method != "echo" || len(call.Params) != 1 {
		return Value{}, false
	}
	return call.Params[0], true
}

// checkFuzzHTTPEcho holds that the server's reply to echo is, byte for
// byte, the encoder's reply for the param: nothing of an earlier request
// (the server pools its buffers) may show through.
func checkFuzzHTTPEcho(t *testing.T, param Value, reply []byte) {
	t.Helper()
	want, err := AppendResponse(nil, param)
	if err != nil {
		_, err := DecodeResponse(reply, DefaultLimits())
		var fault *Fault
		if !errors.As(err, &fault) || fault.Code != CodeInternal {
			t.Fatalf("echo of an unencodable value answered %q", reply)
		}
		return
	}
	if !bytes.Equal(reply, want) {
		t.Fatalf("echo answered\n%q\nwant\n%q", reply, want)
	}
}

// checkFuzzHTTPReply holds the invariants every reply keeps: an allowed
// status, a Content-Length (when sent) equal to the body's length, and for
// a 200 to a POST a text/xml methodResponse that DecodeResponse accepts as
// a value or a fault.
func checkFuzzHTTPReply(t *testing.T, method string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if !fuzzHTTPStatuses[rec.Code] {
		t.Fatalf("%s answered with status %d: %q", method, rec.Code, rec.Body.Bytes())
	}
	if cl := rec.Header().Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err != nil || n != rec.Body.Len() {
			t.Fatalf("Content-Length %q but the body has %d bytes", cl, rec.Body.Len())
		}
	}
	if method != http.MethodPost || rec.Code != http.StatusOK {
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/xml" {
		t.Fatalf("a 200 reply with Content-Type %q", ct)
	}
	if _, err := DecodeResponse(rec.Body.Bytes(), DefaultLimits()); err != nil {
		var fault *Fault
		if !errors.As(err, &fault) {
			t.Fatalf("a 200 reply that does not decode: %v\n%q", err, rec.Body.Bytes())
		}
	}
}

// TestFuzzServeHTTPSeedsReachEveryStatus keeps the seed corpus honest: the
// seeds must between them draw every allowed status and include echo
// calls, so the fuzzer starts from each of the server's paths.
func TestFuzzServeHTTPSeedsReachEveryStatus(t *testing.T) {
	srv := fuzzHTTPServer(t)
	seen := map[int]int{}
	echoes := 0
	for _, raw := range fuzzHTTPSeeds() {
		rec, echoed := fuzzHTTPServe(t, srv, raw)
		if rec == nil {
			t.Fatalf("seed does not parse as a request: %q", raw)
		}
		seen[rec.Code]++
		if echoed {
			echoes++
		}
	}
	if echoes == 0 {
		t.Error("no seed is an echo call the reply can be compared with")
	}
	for status := range fuzzHTTPStatuses {
		if seen[status] == 0 {
			t.Errorf("no seed draws status %d (seen %v)", status, seen)
		}
	}
}
