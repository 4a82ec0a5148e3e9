package relayd

import (
	"bufio"
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"relayd/internal/rawhttp"
	"relayd/rpc"
)

// FuzzRelayHandler feeds whole HTTP requests to a real relay's handler
// (New, never Run: no goroutines, the fan-out's queue simply fills). Every
// request comes from fuzzRelayPeer. Whatever the bytes: no panic, an
// allowed status, a true Content-Length, a 200 to a POST that decodes as a
// methodResponse, never the notify_pass of a satellite, and the satellite
// registered from another IP is never changed by the fuzzed peer. Crashers
// found by `go test -fuzz` live in testdata/fuzz/FuzzRelayHandler.

const (
	// fuzzRelayPeer is where every fuzzed request comes from; it has a
	// satellite of its own, fuzzRelayPeerSat, so relay.relay gets past the
	// sender check.
	fuzzRelayPeer    = "127.0.0.1:40123"
	fuzzRelayPeerSat = "127.0.0.1:5000"
	// fuzzRelayOther registers fuzzRelayOtherSat with fuzzRelayPass, which
	// no reply may ever carry.
	fuzzRelayOther    = "127.0.0.2:40124"
	fuzzRelayOtherSat = "127.0.0.2:4000"
	fuzzRelayPass     = "np-5bd1e3c0a7f94e2d9c61"
)

// fuzzRelayStatuses are the statuses the relay's handler may answer with.
var fuzzRelayStatuses = map[int]bool{
	http.StatusOK:                    true,
	http.StatusBadRequest:            true,
	http.StatusNotFound:              true,
	http.StatusMethodNotAllowed:      true,
	http.StatusRequestEntityTooLarge: true,
	http.StatusUnsupportedMediaType:  true,
}

// newFuzzRelay builds a relay with a state file and small queues and
// registers the two satellites the invariants rely on.
func newFuzzRelay(tb testing.TB) *Relay {
	cfg := DefaultConfig()
	cfg.StatePath = filepath.Join(tb.TempDir(), "relayd-state.xml")
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.MaxSats = 4
	cfg.Intake, cfg.SenderQueue, cfg.Outbox = 8, 4, 4
	r, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(r.Close)
	fuzzRelayRegister(tb, r, fuzzRelayOther, 4000, fuzzRelayPass)
	fuzzRelayRegister(tb, r, fuzzRelayPeer, 5000, "")
	return r
}

// fuzzRelayRegister registers a satellite at port from peer through the
// handler, as a satellite would.
func fuzzRelayRegister(tb testing.TB, r *Relay, peer string, port int64, pass string) {
	tb.Helper()
	body := fuzzRelayCall(tb, "relay.register", rpc.Struct(
		rpc.Member{Name: "port", Value: rpc.Int(port)},
		rpc.Member{Name: "nick", Value: rpc.String("fuzz")},
		rpc.Member{Name: "notify_pass", Value: rpc.String(pass)},
	))
	req := httptest.NewRequest(http.MethodPost, "/RPC2", bytes.NewReader(body))
	req.RemoteAddr = peer
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	v, err := rpc.DecodeResponse(rec.Body.Bytes(), rpc.DefaultLimits())
	if err != nil || v.Kind != rpc.KindString {
		tb.Fatalf("registering from %s: %v %v", peer, v, err)
	}
}

func fuzzRelayCall(tb testing.TB, method string, params ...rpc.Value) []byte {
	tb.Helper()
	body, err := rpc.AppendCall(nil, method, params)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// fuzzRelayPythonRegister is relay.register as Python's xmlrpc.client
// writes it.
const fuzzRelayPythonRegister = `<?xml version='1.0'?>
<methodCall>
<methodName>relay.register</methodName>
<params>
<param>
<value><struct>
<member>
<name>port</name>
<value><int>5001</int></value>
</member>
<member>
<name>nick</name>
<value><string>py&amp;sat</string></value>
</member>
<member>
<name>plugins</name>
<value><array><data>
<value><string>chat</string></value>
</data></array></value>
</member>
<member>
<name>notify_pass</name>
<value><string>not-the-secret</string></value>
</member>
</struct></value>
</param>
</params>
</methodCall>
`

func fuzzRelaySeeds(tb testing.TB) [][]byte {
	hostID := func(id string) rpc.Value { return rpc.Struct(rpc.Member{Name: "host_id", Value: rpc.String(id)}) }
	python := func(body []byte) []byte {
		return rawhttp.Request(http.MethodPost, "/RPC2", []string{
			"Accept-Encoding: gzip", "Content-Type: text/xml", "User-Agent: Python-xmlrpc/3.11",
		}, body)
	}
	post := func(headers []string, body []byte) []byte {
		return rawhttp.Request(http.MethodPost, "/", headers, body)
	}
	relayMsg := fuzzRelayCall(tb, "relay.relay", rpc.Struct(
		rpc.Member{Name: "host_id", Value: rpc.String(fuzzRelayPeerSat)},
		rpc.Member{Name: "data", Value: rpc.Struct(rpc.Member{Name: "chat", Value: rpc.String("hello <all> & you")})},
	))
	multicall := fuzzRelayCall(tb, "system.multicall", rpc.Array(
		rpc.Struct(rpc.Member{Name: "methodName", Value: rpc.String("relay.get_satellite_props")},
			rpc.Member{Name: "params", Value: rpc.Array(hostID(fuzzRelayOtherSat))}),
		rpc.Struct(rpc.Member{Name: "methodName", Value: rpc.String("relay.deregister")},
			rpc.Member{Name: "params", Value: rpc.Array(hostID(fuzzRelayOtherSat))}),
	))
	return [][]byte{
		python([]byte(fuzzRelayPythonRegister)),
		python(relayMsg),
		python(fuzzRelayCall(tb, "relay.get_satellites")),
		python(fuzzRelayCall(tb, "co2.get_num_satellites", rpc.Struct())),
		python(fuzzRelayCall(tb, "relay.get_max_satellites")),
		python(fuzzRelayCall(tb, "relay.get_satellite_props", hostID(fuzzRelayOtherSat))),
		python(fuzzRelayCall(tb, "relay.get_satellite_props_raw", hostID(fuzzRelayPeerSat))),
		python(fuzzRelayCall(tb, "co2.get_satellite_ctime", hostID(fuzzRelayOtherSat))),
		python(fuzzRelayCall(tb, "relay.deregister", hostID(fuzzRelayOtherSat))),
		python(fuzzRelayCall(tb, "relay.deregister", hostID(fuzzRelayPeerSat))),
		python(fuzzRelayCall(tb, "call_method", rpc.Struct(
			rpc.Member{Name: "method_name", Value: rpc.String("relay.get_satellite_props")},
			rpc.Member{Name: "data", Value: hostID(fuzzRelayOtherSat)}))),
		python(fuzzRelayCall(tb, "system.get_properties")),
		python(fuzzRelayCall(tb, "test", rpc.Struct(rpc.Member{Name: "a", Value: rpc.Array(rpc.Int(1), rpc.Nil())}))),
		python(fuzzRelayCall(tb, "ping")),
		python(fuzzRelayCall(tb, "system.listMethods")),
		python(fuzzRelayCall(tb, "system.methodHelp", rpc.String("relay.register"))),
		python(fuzzRelayCall(tb, "system.methodSignature", rpc.String("relay.relay"))),
		python(multicall),
		post([]string{"Content-Encoding: gzip", "Content-Type: text/xml"}, rawhttp.Gzip(relayMsg)),
		post([]string{"Content-Encoding: gzip"}, []byte("\x1f\x8b\x08\x00garbage")),
		post([]string{"Content-Encoding: br"}, relayMsg),
		post([]string{"Content-Length: 2000000000"}, relayMsg),
		post([]string{"Transfer-Encoding: chunked"}, rawhttp.Chunked(relayMsg, 23)),
		post([]string{"Transfer-Encoding: chunked", "Content-Encoding: gzip"}, rawhttp.Chunked(rawhttp.Gzip(relayMsg), 11)),
		post(nil, []byte("<methodCall><methodName>relay.relay</methodName><params><param><value><struct><member><name>host_id</name><value>"+fuzzRelayPeerSat+"</value></member><member><name>data</name><value><base64>aGk=</base64></value></member></struct></value></param></params></methodCall>")),
		rawhttp.Request(http.MethodGet, "/", nil, nil),
		rawhttp.Request(http.MethodGet, "/satellites", nil, nil),
		rawhttp.Request(http.MethodGet, "/methods", nil, nil),
		rawhttp.Request(http.MethodGet, "/healthz", nil, nil),
		rawhttp.Request(http.MethodGet, "/nosuch", nil, nil),
		rawhttp.Request(http.MethodHead, "/satellites", nil, nil),
		rawhttp.Request(http.MethodGet, "//satellites", nil, nil),
		rawhttp.Request(http.MethodGet, "/a/../methods?x=1", nil, nil),
		rawhttp.Request(http.MethodDelete, "/", nil, nil),
	}
}

func FuzzRelayHandler(f *testing.F) {
	for _, s := range fuzzRelaySeeds(f) {
		f.Add(s)
	}
	r := newFuzzRelay(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzRelayServe(t, r, raw)
	})
}

// fuzzRelayServe serves raw (if it parses as a request) from
// fuzzRelayPeer, checks every invariant and returns the reply (nil when
// raw is no request).
func fuzzRelayServe(t *testing.T, r *Relay, raw []byte) *httptest.ResponseRecorder {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil
	}
	req.RemoteAddr = fuzzRelayPeer
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	checkFuzzRelayReply(t, req, rec)
	if bytes.Contains(rec.Body.Bytes(), []byte(fuzzRelayPass)) && !bytes.Contains(raw, []byte(fuzzRelayPass)) {
		t.Fatalf("the reply carries another satellite's notify_pass: %q", rec.Body.Bytes())
	}
	if sat, ok := r.reg.Get(fuzzRelayOtherSat); !ok || sat.NotifyPass != fuzzRelayPass {
		t.Fatalf("a request from %s changed the satellite of %s: %+v, registered %v", fuzzRelayPeer, fuzzRelayOther, sat, ok)
	}
	// The peer may deregister its own satellite; put it back (making room
	// if its own registrations filled the relay) so that the next input
	// finds the relay it expects.
	if _, ok := r.reg.Get(fuzzRelayPeerSat); !ok {
		for _, id := range r.reg.IDs() {
			if id != fuzzRelayOtherSat {
				r.reg.Remove(id)
				r.lim.RemoveTarget(id)
			}
		}
		fuzzRelayRegister(t, r, fuzzRelayPeer, 5000, "")
	}
	return rec
}

// checkFuzzRelayReply holds the invariants of every reply: an allowed
// status, a Content-Length (when sent) equal to the body's length, and for
// a 200 to a POST a text/xml methodResponse that decodes as a value or a
// fault.
func checkFuzzRelayReply(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if fuzzRelayRedirect(t, req, rec) {
		return
	}
	if !fuzzRelayStatuses[rec.Code] {
		t.Fatalf("%s %q answered with status %d: %q", req.Method, req.URL, rec.Code, rec.Body.Bytes())
	}
	if cl := rec.Header().Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err != nil || n != rec.Body.Len() {
			t.Fatalf("Content-Length %q but the body has %d bytes", cl, rec.Body.Len())
		}
	}
	if req.Method != http.MethodPost || rec.Code != http.StatusOK {
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/xml" {
		t.Fatalf("a 200 reply with Content-Type %q", ct)
	}
	if _, err := rpc.DecodeResponse(rec.Body.Bytes(), rpc.DefaultLimits()); err != nil {
		var fault *rpc.Fault
		if !errors.As(err, &fault) {
			t.Fatalf("a 200 reply that does not decode: %v\n%q", err, rec.Body.Bytes())
		}
	}
}

// fuzzRelayRedirect reports whether rec is the page mux sending a GET or
// HEAD of an unclean path ("//satellites", "/a/../methods") to the clean
// one; it fails the test when the Location leaves the relay.
func fuzzRelayRedirect(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) bool {
	t.Helper()
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return false
	}
	if rec.Code != http.StatusMovedPermanently && rec.Code != http.StatusTemporaryRedirect && rec.Code != http.StatusPermanentRedirect {
		return false
	}
	loc := rec.Header().Get("Location")
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		t.Fatalf("the pages redirect %q off the relay, to %q", req.URL, loc)
	}
	return true
}

// TestFuzzRelaySeedsReachEveryStatus keeps the seed corpus honest: between
// them the seeds draw every allowed status and a successful relay.relay.
func TestFuzzRelaySeedsReachEveryStatus(t *testing.T) {
	r := newFuzzRelay(t)
	seen := map[int]int{}
	relayed := false
	for _, raw := range fuzzRelaySeeds(t) {
		rec := fuzzRelayServe(t, r, raw)
		if rec == nil {
			t.Fatalf("seed does not parse as a request: %q", raw)
		}
		seen[rec.Code]++
		if bytes.Contains(rec.Body.Bytes(), []byte("<string>OK</string>")) {
			relayed = true
		}
	}
	for status := range fuzzRelayStatuses {
		if seen[status] == 0 {
			t.Errorf("no seed draws status %d (seen %v)", status, seen)
		}
	}
	if !relayed {
		t.Error("no seed gets an OK (relay.relay or deregister) past the sender check")
	}
}
