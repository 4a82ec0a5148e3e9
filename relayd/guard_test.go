package relayd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"relayd/guard"
	"relayd/internal/pytest"
	"relayd/rpc"
)

// The access rules and limits of guard.go, each through real HTTP on the
// loopback, with 127.0.0.1 and 127.0.0.2 as two callers.

// reply is what one call through callFrom got back.
type reply struct {
	Value  rpc.Value
	Fault  *rpc.Fault // nil on success
	Status int        // HTTP status
	Header http.Header
}

// loopbackClient is an HTTP client whose connections leave from the
// loopback address from and are closed after each request, so that tests
// can count connections.
func loopbackClient(from string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{
		Transport: &http.Transport{DialContext: d.DialContext, Proxy: nil, DisableKeepAlives: true},
		Timeout:   15 * time.Second,
	}
}

// callFrom calls method at url from the loopback address from. url may
// carry user:password@, which Go's client sends as basic auth.
func callFrom(t *testing.T, from, url, method string, params ...rpc.Value) reply {
	t.Helper()
	body, err := rpc.AppendCall(nil, method, params)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := loopbackClient(from).Post(url, "text/xml", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("%s from %s: %v", method, from, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	got := reply{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode != http.StatusOK {
		return got
	}
	got.Value, err = rpc.DecodeResponse(data, rpc.DefaultLimits())
	if err != nil && !errors.As(err, &got.Fault) {
		t.Fatalf("%s from %s: %v", method, from, err)
	}
	return got
}

// mustOK fails the test unless the call succeeded.
func (r reply) mustOK(t *testing.T, what string) rpc.Value {
	t.Helper()
	if r.Status != http.StatusOK || r.Fault != nil {
		t.Fatalf("%s: HTTP %d, fault %v", what, r.Status, r.Fault)
	}
	return r.Value
}

// mustFault fails the test unless the call faulted with code and a text
// that starts with prefix.
func (r reply) mustFault(t *testing.T, what string, code int, prefix string) {
	t.Helper()
	if r.Status != http.StatusOK || r.Fault == nil || r.Fault.Code != code || !strings.HasPrefix(r.Fault.String, prefix) {
		t.Fatalf("%s: HTTP %d, fault %v; want fault %d %q...", what, r.Status, r.Fault, code, prefix)
	}
}

// multicallFrom sends calls as one system.multicall and returns one error
// (a *rpc.Fault) or nil per call.
func multicallFrom(t *testing.T, from, url string, calls ...rpc.Value) []error {
	t.Helper()
	v := callFrom(t, from, url, "system.multicall", rpc.Array(calls...)).mustOK(t, "system.multicall")
	_, errs, err := rpc.MulticallResults(v, len(calls))
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

func subCall(method string, params ...rpc.Value) rpc.Value {
	return rpc.Struct(member("methodName", rpc.String(method)), member("params", rpc.Array(params...)))
}

// pageFrom GETs path from the loopback address from, with basic auth when
// user is not empty.
func pageFrom(t *testing.T, from, base, path, user, password string) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(base, "/")+path, nil)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := loopbackClient(from).Do(req)
	if err != nil {
		t.Fatalf("GET %s from %s: %v", path, from, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

// intProp reads one int of system.get_properties, asked from 127.0.0.2.
func intProp(t *testing.T, tr *testRelay, name string) int64 {
	t.Helper()
	props := callFrom(t, "127.0.0.2", tr.URL, "system.get_properties").mustOK(t, "get_properties")
	v, ok := props.Get(name)
	if !ok || v.Kind != rpc.KindInt {
		t.Fatalf("system.get_properties has no int %q", name)
	}
	return v.Int
}

func registration(port int) rpc.Value { return rpc.Struct(member("port", rpc.Int(int64(port)))) }

func TestAllowGuardsEveryWayToWrite(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.Allow = guard.MustParseAllowList("127.0.0.2/32") })
	member2 := callFrom(t, "127.0.0.2", tr.URL, "relay.register", registration(7001)).mustOK(t, "register from 127.0.0.2").Str
	if member2 != "127.0.0.2:7001" {
		t.Fatalf("host_id %q", member2)
	}
	writes := []struct {
		action string
		method string
		param  rpc.Value
	}{
		{"register", "relay.register", registration(7002)},
		{"relay", "relay.relay", rpc.Struct(member("host_id", rpc.String(member2)), member("data", rpc.String("x")))},
		{"deregister", "relay.deregister", rpc.Struct(member("host_id", rpc.String(member2)))},
	}
	for _, w := range writes {
		want := "Co2RegistryError: address 127.0.0.1 may not " + w.action + " here"
		t.Run(w.action, func(t *testing.T) {
			callFrom(t, "127.0.0.1", tr.URL, w.method, w.param).mustFault(t, "direct", 1, want)
			callFrom(t, "127.0.0.1", tr.URL, "call_method", rpc.Struct(member("method_name", rpc.String(w.method)), member("data", w.param))).
				mustFault(t, "through call_method", 1, want)
			errs := multicallFrom(t, "127.0.0.1", tr.URL, subCall(w.method, w.param))
			var f *rpc.Fault
			if !errors.As(errs[0], &f) || f.Code != 1 || f.String != want {
				t.Fatalf("through system.multicall: %v, want %q", errs[0], want)
			}
		})
	}
	// Reads stay open (no --allow-read), and the member still writes.
	ids := callFrom(t, "127.0.0.1", tr.URL, "relay.get_satellites").mustOK(t, "read from 127.0.0.1")
	if len(ids.Array) != 1 || ids.Array[0].Str != member2 {
		t.Fatalf("satellites %v: a refused write changed the registry", ids.Array)
	}
	callFrom(t, "127.0.0.2", tr.URL, "relay.relay", rpc.Struct(member("host_id", rpc.String(member2)), member("data", rpc.String("x")))).mustOK(t, "relay from 127.0.0.2")
	callFrom(t, "127.0.0.2", tr.URL, "relay.deregister", rpc.Struct(member("host_id", rpc.String(member2)))).mustOK(t, "deregister from 127.0.0.2")
	if n := intProp(t, tr, "access_denied_writes"); n != 9 {
		t.Fatalf("access_denied_writes %d, want 9", n)
	}
}

func TestAllowReadGuardsPagesAndReadMethods(t *testing.T) {
	tests := []struct {
		name, allow, allowRead, from string
		mayRead, mayWrite            bool
	}{
		{name: "outside allow-read, allow empty", allowRead: "127.0.0.2", from: "127.0.0.1", mayRead: false, mayWrite: true},
		{name: "inside allow-read", allowRead: "127.0.0.2", from: "127.0.0.2", mayRead: true, mayWrite: true},
		{name: "in allow, outside allow-read", allow: "127.0.0.2", allowRead: "127.0.0.3", from: "127.0.0.2", mayRead: true, mayWrite: true},
		{name: "outside both", allow: "127.0.0.2", allowRead: "127.0.0.3", from: "127.0.0.1", mayRead: false, mayWrite: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := startRelay(t, func(c *Config) {
				c.Allow, c.AllowRead = guard.MustParseAllowList(tc.allow), guard.MustParseAllowList(tc.allowRead)
			})
			wantPage := map[bool]int{true: 200, false: 403}[tc.mayRead]
			for _, path := range []string{"/", "/satellites", "/methods", "/healthz"} {
				if status, _ := pageFrom(t, tc.from, tr.URL, path, "", ""); status != wantPage {
					t.Errorf("GET %s: %d, want %d", path, status, wantPage)
				}
			}
			read := callFrom(t, tc.from, tr.URL, "relay.get_satellites")
			readInBatch := multicallFrom(t, tc.from, tr.URL, subCall("relay.get_num_satellites"), subCall("system.get_properties"))
			if tc.mayRead {
				read.mustOK(t, "read")
				if readInBatch[0] != nil || readInBatch[1] != nil {
					t.Fatalf("reads in a multicall: %v", readInBatch)
				}
			} else {
				want := "access denied: address " + tc.from + " may not read here"
				read.mustFault(t, "read", codeAccessDenied, want)
				for _, err := range readInBatch {
					var f *rpc.Fault
					if !errors.As(err, &f) || f.Code != codeAccessDenied || f.String != want {
						t.Fatalf("a read in a multicall: %v", err)
					}
				}
			}
			write := callFrom(t, tc.from, tr.URL, "relay.register", registration(7001))
			if tc.mayWrite {
				write.mustOK(t, "register")
			} else {
				write.mustFault(t, "register", 1, "Co2RegistryError: address")
			}
		})
	}
}

func TestBasicAuthGuardsPagesAndReadsNotWrites(t *testing.T) {
	const password = "pw-9c2e-never-logged"
	tr := startRelay(t, func(c *Config) { c.Admin = guard.Credentials{User: "admin", Password: password} })
	withAuth := strings.Replace(tr.URL, "http://", "http://admin:"+password+"@", 1)
	wrongAuth := strings.Replace(tr.URL, "http://", "http://admin:guess@", 1)

	for _, c := range []struct {
		path, user, password string
		want                 int
	}{
		{"/", "", "", 401},
		{"/satellites", "admin", "guess", 401},
		{"/methods", "admin", password, 200},
		{"/satellites", "admin", password, 200},
		{"/healthz", "", "", 200}, // for load balancers
	} {
		status, h := pageFrom(t, "127.0.0.1", tr.URL, c.path, c.user, c.password)
		if status != c.want {
			t.Errorf("GET %s as %q: %d, want %d", c.path, c.user, status, c.want)
		}
		if status == 401 && h.Get("WWW-Authenticate") != `Basic realm="relayd"` {
			t.Errorf("401 with WWW-Authenticate %q", h.Get("WWW-Authenticate"))
		}
	}
	// Writes need no credentials.
	id := callFrom(t, "127.0.0.1", tr.URL, "relay.register", registration(7001)).mustOK(t, "register without credentials")
	callFrom(t, "127.0.0.1", tr.URL, "relay.relay", rpc.Struct(member("host_id", id), member("data", rpc.Int(1)))).mustOK(t, "relay without credentials")
	// Reads do, given in the URL as XML-RPC clients give them.
	callFrom(t, "127.0.0.1", tr.URL, "relay.get_satellites").mustFault(t, "read without credentials", codeAccessDenied, "access denied: credentials required")
	callFrom(t, "127.0.0.1", wrongAuth, "relay.get_satellite_props", rpc.Struct(member("host_id", id))).mustFault(t, "read with a wrong password", codeAccessDenied, "access denied: credentials required")
	ids := callFrom(t, "127.0.0.1", withAuth, "relay.get_satellites").mustOK(t, "read with credentials")
	if len(ids.Array) != 1 || ids.Array[0].Str != id.Str {
		t.Fatalf("satellites %v", ids.Array)
	}
	callFrom(t, "127.0.0.1", withAuth, "call_method", rpc.Struct(member("method_name", rpc.String("relay.get_num_satellites")))).mustOK(t, "call_method with credentials")
	callFrom(t, "127.0.0.1", tr.URL, "call_method", rpc.Struct(member("method_name", rpc.String("relay.get_num_satellites")))).
		mustFault(t, "call_method without credentials", codeAccessDenied, "access denied")

	props := callFrom(t, "127.0.0.1", withAuth, "system.get_properties").mustOK(t, "properties")
	if v, _ := props.Get("auth_refused"); v.Int != 5 {
		t.Fatalf("auth_refused %d, want 5 (2 pages, 3 calls)", v.Int)
	}
	if strings.Contains(tr.Logs.String(), password) {
		t.Fatal("the admin password is in the log")
	}
}

func TestSatellitesInAllowReadWithoutPassword(t *testing.T) {
	tr := startRelay(t, func(c *Config) {
		c.Allow = guard.MustParseAllowList("127.0.0.2")
		c.Admin = guard.Credentials{User: "admin", Password: "pw"}
	})
	callFrom(t, "127.0.0.2", tr.URL, "relay.get_satellites").mustOK(t, "a member reads")
	if status, _ := pageFrom(t, "127.0.0.2", tr.URL, "/satellites", "", ""); status != 200 {
		t.Fatalf("a member's page: %d", status)
	}
	callFrom(t, "127.0.0.1", tr.URL, "relay.get_satellites").mustFault(t, "a non-member reads", codeAccessDenied, "access denied: credentials required")
	if status, _ := pageFrom(t, "127.0.0.1", tr.URL, "/satellites", "", ""); status != 401 {
		t.Fatalf("a non-member's page: %d", status)
	}
	if status, _ := pageFrom(t, "127.0.0.1", tr.URL, "/satellites", "admin", "pw"); status != 200 {
		t.Fatalf("a non-member with the password: %d", status)
	}
}

// basicAuthScript is a Python xmlrpc.client user who puts the credentials
// in the URL, as the xmlrpc.client documentation shows.
const basicAuthScript = `
import sys, xmlrpc.client
url, host = sys.argv[1], sys.argv[2]
with_auth = xmlrpc.client.ServerProxy("http://admin:s3cret@%s/" % host)
wrong = xmlrpc.client.ServerProxy("http://admin:guess@%s/" % host)
plain = xmlrpc.client.ServerProxy(url)
me = plain.relay.register({"port": 7001})  # writes need no password
assert with_auth.relay.get_satellites() == [me], "read with the password"
assert with_auth.system.get_properties()["satellites"] == 1
for proxy in (plain, wrong):
    try:
        proxy.relay.get_satellites()
        raise AssertionError("read without the right password")
    except xmlrpc.client.Fault as f:
        assert f.faultCode == -32001 and f.faultString.startswith("access denied: credentials required"), f
print("ALL OK")
`

func TestPythonSendsBasicAuthFromTheURL(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.Admin = guard.Credentials{User: "admin", Password: "s3cret"} })
	if out := pytest.Run(t, basicAuthScript, tr.URL, tr.Addr); !strings.Contains(out, "ALL OK") {
		t.Fatalf("python: %s", out)
	}
}

func TestPerAddressRateAnswers429(t *testing.T) {
	// 3 at once, then one every 1000 s: nothing refills during the test.
	tr := startRelay(t, func(c *Config) { c.IPRate, c.IPBurst = 0.001, 3 })
	for i := 0; i < 3; i++ {
		callFrom(t, "127.0.0.1", tr.URL, "ping").mustOK(t, fmt.Sprintf("call %d", i+1))
	}
	over := callFrom(t, "127.0.0.1", tr.URL, "ping")
	retry, _ := strconv.Atoi(over.Header.Get("Retry-After"))
	if over.Status != http.StatusTooManyRequests || retry < 900 || retry > 1000 {
		t.Fatalf("4th call: HTTP %d Retry-After %q, want 429 and about 1000", over.Status, over.Header.Get("Retry-After"))
	}
	if status, _ := pageFrom(t, "127.0.0.1", tr.URL, "/", "", ""); status != http.StatusTooManyRequests {
		t.Fatalf("a page over the rate: %d, want 429", status)
	}
	// The Go client sees the status as an *rpc.HTTPError.
	_, err := testClient.Call(context.Background(), tr.URL, "ping")
	var he *rpc.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusTooManyRequests {
		t.Fatalf("rpc client: %v", err)
	}
	// Another address has its own bucket.
	if n := intProp(t, tr, "rate_limited_requests"); n != 3 {
		t.Fatalf("rate_limited_requests %d, want 3", n)
	}
}

func TestMulticallSubCallsCountAgainstTheRate(t *testing.T) {
	tests := []struct {
		burst, calls, wantOK int
	}{
		{burst: 100, calls: 100, wantOK: 100}, // a multicall of 100 costs 100...
		{burst: 5, calls: 8, wantOK: 5},       // ...and is cut where the bucket runs dry
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d calls on a burst of %d", tc.calls, tc.burst), func(t *testing.T) {
			tr := startRelay(t, func(c *Config) { c.IPRate, c.IPBurst = 0.001, tc.burst })
			calls := make([]rpc.Value, tc.calls)
			for i := range calls {
				calls[i] = subCall("ping")
			}
			errs := multicallFrom(t, "127.0.0.1", tr.URL, calls...)
			for i, err := range errs {
				var f *rpc.Fault
				switch {
				case i < tc.wantOK && err != nil:
					t.Fatalf("call %d: %v", i+1, err)
				case i >= tc.wantOK && (!errors.As(err, &f) || f.Code != rpc.CodeLimitExceeded || !strings.HasPrefix(f.String, "too many calls from 127.0.0.1")):
					t.Fatalf("call %d: %v, want a -32000 rate fault", i+1, err)
				}
			}
			if got := callFrom(t, "127.0.0.1", tr.URL, "ping"); got.Status != http.StatusTooManyRequests {
				t.Fatalf("after the multicall: HTTP %d, want 429 (the bucket is empty)", got.Status)
			}
		})
	}
}

func TestRegistrationRate(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.RegisterRate, c.RegisterBurst = 0.001, 2 })
	for port := 7001; port <= 7002; port++ {
		callFrom(t, "127.0.0.1", tr.URL, "relay.register", registration(port)).mustOK(t, "register")
	}
	callFrom(t, "127.0.0.1", tr.URL, "relay.register", registration(7003)).
		mustFault(t, "3rd register", 1, "Co2RegistryError: too many registrations from 127.0.0.1, retry in")
	callFrom(t, "127.0.0.2", tr.URL, "relay.register", registration(7003)).mustOK(t, "register from another address")
	// Other writes are not registrations.
	callFrom(t, "127.0.0.1", tr.URL, "relay.relay", rpc.Struct(member("host_id", rpc.String("127.0.0.1:7001")), member("data", rpc.Int(1)))).mustOK(t, "relay")
	if n := intProp(t, tr, "rate_limited_registrations"); n != 1 {
		t.Fatalf("rate_limited_registrations %d, want 1", n)
	}
}

func TestMaxConnsClosesConnectionsBeyond(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.MaxConns = 2 })
	dialRelay := func() net.Conn {
		c, err := net.DialTimeout("tcp", tr.Addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	first, _ := dialRelay(), dialRelay()
	eventually(t, "two connections open", func() bool { return tr.guard.Counters().ConnsOpen == 2 })
	third := dialRelay()
	third.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := third.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the third connection was not closed by the relay: %v", err)
	}
	first.Close()
	eventually(t, "a slot to free", func() bool { return tr.guard.Counters().ConnsOpen == 1 })
	if n := intProp(t, tr, "conns_refused"); n != 1 {
		t.Fatalf("conns_refused %d, want 1", n)
	}
}

// countingListener serves h on ln and counts the connections it accepts.
func countingListener(t *testing.T, ln net.Listener, h http.Handler) *atomic.Int64 {
	t.Helper()
	var conns atomic.Int64
	srv := &http.Server{Handler: h, ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return &conns
}

// listenTwin listens on 127.0.0.2:P and on 127.0.0.1:P, the same port on
// both addresses.
func listenTwin(t *testing.T) (onTwo, onOne net.Listener) {
	t.Helper()
	for range 20 {
		two, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Fatal(err)
		}
		one, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", two.Addr().(*net.TCPAddr).Port))
		if err == nil {
			return two, one
		}
		two.Close()
	}
	t.Fatal("no port free on both 127.0.0.1 and 127.0.0.2")
	return nil, nil
}

func TestNotifyGoesOnlyToTheRegisteringAddress(t *testing.T) {
	tr := startRelay(t, nil)
	two, one := listenTwin(t)
	port := two.Addr().(*net.TCPAddr).Port
	var notified atomic.Int64
	sat := rpc.NewServer(rpc.DefaultServerConfig())
	sat.Register(rpc.Method{Names: []string{"notify"}, Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
		notified.Add(1)
		return rpc.String("OK"), nil
	}})
	sat.Register(rpc.Method{Names: []string{"ping"}, Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
		return rpc.String("pong"), nil
	}})
	satConns := countingListener(t, two, sat)
	decoyConns := countingListener(t, one, http.NotFoundHandler())

	id := callFrom(t, "127.0.0.2", tr.URL, "relay.register", registration(port)).mustOK(t, "register from 127.0.0.2").Str
	if id != fmt.Sprintf("127.0.0.2:%d", port) {
		t.Fatalf("host_id %q", id)
	}
	sender := startFakeSat(t, tr, "sender", "", 0) // on 127.0.0.1
	for i := 0; i < 3; i++ {
		if f := relayAs(t, tr, sender.HostID, rpc.Int(int64(i))); f != nil {
			t.Fatal(f)
		}
	}
	eventually(t, "three notifications on 127.0.0.2", func() bool { return notified.Load() == 3 })
	if satConns.Load() == 0 || decoyConns.Load() != 0 {
		t.Fatalf("connections: %d to 127.0.0.2:%d, %d to 127.0.0.1:%d; want some and none", satConns.Load(), port, decoyConns.Load(), port)
	}
}

func TestRedirectsFromSatellitesAreNotFollowed(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.PingInterval = 100 * time.Millisecond })
	targetLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var targetHits atomic.Int64
	countingListener(t, targetLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	targetURL := "http://" + targetLn.Addr().String() + "/"

	var redirecting []string
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		countingListener(t, ln, http.RedirectHandler(targetURL, code))
		redirecting = append(redirecting, registerPort(t, tr, ln.Addr().(*net.TCPAddr).Port, strconv.Itoa(code), ""))
	}
	sender := startFakeSat(t, tr, "sender", "", 0)
	if f := relayAs(t, tr, sender.HostID, rpc.String("follow me")); f != nil {
		t.Fatal(f)
	}
	// A followed redirect would happen inside the failed call itself, so
	// once both the ping and the notify have failed, any follow is done.
	for _, id := range redirecting {
		eventually(t, id+"'s ping and notify to fail", func() bool {
			props, f := tr.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(id))))
			if f != nil {
				t.Fatal(f)
			}
			pf, _ := props.Get("ping_fails")
			nf, _ := props.Get("notify_fails")
			return pf.Int >= 1 && nf.Int >= 1
		})
	}
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the redirect target was called %d times", n)
	}
}
