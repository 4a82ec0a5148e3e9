package guard

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testNext stands for the relay: a page for GET, and for POST the answer
// to "charge X-Calls calls, then may I read?" as "calls=ok,limited read=ok".
func testNext(g *Guard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPage(r) {
			io.WriteString(w, "page")
			return
		}
		ip := remoteAddr(r)
		n, _ := strconv.Atoi(r.Header.Get("X-Calls"))
		var calls []string
		for i := 0; i < n; i++ {
			switch err := g.ChargeCall(r.Context(), ip); {
			case err == nil:
				calls = append(calls, "ok")
			case errors.Is(err, ErrRateLimited):
				calls = append(calls, "limited")
			default:
				calls = append(calls, err.Error())
			}
		}
		read := "ok"
		switch err := g.CheckRead(r.Context(), ip); {
		case errors.Is(err, ErrNotAllowed):
			read = "denied"
		case errors.Is(err, ErrUnauthorized):
			read = "unauthorized"
		case err != nil:
			read = err.Error()
		}
		fmt.Fprintf(w, "calls=%s read=%s", strings.Join(calls, ","), read)
	})
}

// startGuarded serves testNext behind a guard made from cfg on
// 127.0.0.1:0, through the guard's listener; it returns the guard and
// the base URL.
func startGuarded(t *testing.T, cfg Config) (*Guard, string) {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: g.Handler(testNext(g)), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(g.Listener(ln)) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return g, "http://" + ln.Addr().String()
}

type creds int

const (
	noCreds creds = iota
	rightCreds
	wrongCreds
)

// do sends one request from the loopback address from and returns the
// status, the body and the response's headers.
func do(t *testing.T, from, method, url string, c creds, calls int) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader("<methodCall/>"))
	if err != nil {
		t.Fatal(err)
	}
	switch c {
	case rightCreds:
		req.SetBasicAuth("admin", "pw")
	case wrongCreds:
		req.SetBasicAuth("admin", "guess")
	}
	req.Header.Set("X-Calls", strconv.Itoa(calls))
	resp, err := clientFrom(t, from).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestAccessRules(t *testing.T) {
	admin := Credentials{User: "admin", Password: "pw"}
	tests := []struct {
		name      string
		allow     string
		allowRead string
		admin     Credentials
		noAuth    []string
		from      string
		path      string
		creds     creds
		page      int    // status of GET path
		read      string // what a POST to path may do
	}{
		{name: "open", from: "127.0.0.1", page: 200, read: "ok"},
		{name: "allow alone leaves reads open", allow: "127.0.0.2", from: "127.0.0.1", page: 200, read: "ok"},
		{name: "outside allow-read", allowRead: "127.0.0.2", from: "127.0.0.1", page: 403, read: "denied"},
		{name: "inside allow-read", allowRead: "127.0.0.2", from: "127.0.0.2", page: 200, read: "ok"},
		{name: "allow members read too", allow: "127.0.0.2", allowRead: "127.0.0.3", from: "127.0.0.2", page: 200, read: "ok"},
		{name: "outside both", allow: "127.0.0.3", allowRead: "127.0.0.2/32", from: "127.0.0.1", page: 403, read: "denied"},
		{name: "auth: none sent", admin: admin, from: "127.0.0.1", page: 401, read: "unauthorized"},
		{name: "auth: wrong", admin: admin, from: "127.0.0.1", creds: wrongCreds, page: 401, read: "unauthorized"},
		{name: "auth: right", admin: admin, from: "127.0.0.1", creds: rightCreds, page: 200, read: "ok"},
		{name: "auth: allow member needs none", admin: admin, allow: "127.0.0.2", from: "127.0.0.2", page: 200, read: "ok"},
		{name: "auth: non-member needs it", admin: admin, allow: "127.0.0.2", from: "127.0.0.1", page: 401, read: "unauthorized"},
		{name: "auth: address first", admin: admin, allowRead: "127.0.0.2", from: "127.0.0.1", creds: rightCreds, page: 403, read: "denied"},
		{name: "auth: open page", admin: admin, noAuth: []string{"/healthz"}, from: "127.0.0.1", path: "/healthz", page: 200, read: "unauthorized"},
		{name: "auth: open page, address still applies", admin: admin, allowRead: "127.0.0.2", noAuth: []string{"/healthz"}, from: "127.0.0.1", path: "/healthz", page: 403, read: "denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Allow, cfg.AllowRead = MustParseAllowList(tc.allow), MustParseAllowList(tc.allowRead)
			cfg.Admin, cfg.NoAuthPaths = tc.admin, tc.noAuth
			g, base := startGuarded(t, cfg)
			url := base + tc.path + "/"
			if tc.path != "" {
				url = base + tc.path
			}
			status, body, h := do(t, tc.from, http.MethodGet, url, tc.creds, 0)
			if status != tc.page {
				t.Fatalf("GET: %d %q, want %d", status, body, tc.page)
			}
			if wa := h.Get("WWW-Authenticate"); (status == 401) != (wa == `Basic realm="relayd"`) {
				t.Fatalf("GET %d with WWW-Authenticate %q", status, wa)
			}
			status, body, _ = do(t, tc.from, http.MethodPost, url, tc.creds, 1)
			if want := "calls=ok read=" + tc.read; status != 200 || body != want {
				t.Fatalf("POST: %d %q, want 200 %q (a POST is never refused for access: it may carry writes)", status, body, want)
			}
			var denied, unauthorized uint64
			for _, refusal := range []string{strconv.Itoa(tc.page), tc.read} {
				switch refusal {
				case "403", "denied":
					denied++
				case "401", "unauthorized":
					unauthorized++
				}
			}
			if c := g.Counters(); c.ReadsDenied != denied || c.AuthRefused != unauthorized {
				t.Errorf("ReadsDenied %d AuthRefused %d, want %d and %d", c.ReadsDenied, c.AuthRefused, denied, unauthorized)
			}
		})
	}
}

func TestCheckWrite(t *testing.T) {
	tests := []struct {
		allow, ip string
		ok        bool
	}{
		{"", "203.0.113.9", true},
		{"10.0.0.0/8", "10.1.1.1", true},
		{"10.0.0.0/8", "::ffff:10.1.1.1", true},
		{"10.0.0.0/8", "203.0.113.9", false},
	}
	for _, tc := range tests {
		cfg := DefaultConfig()
		cfg.Allow = MustParseAllowList(tc.allow)
		cfg.Admin = Credentials{User: "admin", Password: "pw"} // writes never need it
		g, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = g.CheckWrite(netip.MustParseAddr(tc.ip), "relay")
		if (err == nil) != tc.ok {
			t.Fatalf("allow %q, %s: %v, want ok %v", tc.allow, tc.ip, err, tc.ok)
		}
		if err != nil && (!errors.Is(err, ErrNotAllowed) || err.Error() != "address "+tc.ip+" may not relay here") {
			t.Fatalf("error %q", err)
		}
		if got := g.Counters().WritesDenied; got != map[bool]uint64{true: 0, false: 1}[tc.ok] {
			t.Fatalf("WritesDenied %d", got)
		}
	}
}

func TestRequestRateIs429WithRetryAfter(t *testing.T) {
	clock := newFakeClock()
	cfg := DefaultConfig()
	cfg.RequestRate, cfg.RequestBurst, cfg.Now = 0.5, 2, clock.Now // a token every 2 s
	g, base := startGuarded(t, cfg)
	for i := 0; i < 2; i++ {
		if status, body, _ := do(t, "127.0.0.1", http.MethodGet, base+"/", noCreds, 0); status != 200 {
			t.Fatalf("request %d: %d %s", i+1, status, body)
		}
	}
	status, body, h := do(t, "127.0.0.1", http.MethodPost, base+"/", noCreds, 1)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "2" || !strings.Contains(body, "too many requests from 127.0.0.1") {
		t.Fatalf("3rd request: %d Retry-After %q %q, want 429, 2 and a plain reason", status, h.Get("Retry-After"), body)
	}
	if status, _, _ := do(t, "127.0.0.2", http.MethodGet, base+"/", noCreds, 0); status != 200 {
		t.Fatalf("another address: %d", status)
	}
	clock.Advance(2 * time.Second)
	if status, _, _ := do(t, "127.0.0.1", http.MethodGet, base+"/", noCreds, 0); status != 200 {
		t.Fatalf("after 2 s: %d", status)
	}
	if c := g.Counters(); c.RequestsLimited != 1 || c.TrackedAddrs != 2 {
		t.Fatalf("counters %+v, want 1 limited and 2 addresses", c)
	}
}

func TestEveryCallAfterTheFirstCostsAToken(t *testing.T) {
	clock := newFakeClock()
	cfg := DefaultConfig()
	cfg.RequestRate, cfg.RequestBurst, cfg.Now = 1, 3, clock.Now
	g, base := startGuarded(t, cfg)
	// The request takes token 1 and prepays call 1; calls 2 and 3 take
	// tokens 2 and 3; call 4 finds none.
	if _, body, _ := do(t, "127.0.0.1", http.MethodPost, base+"/", noCreds, 4); body != "calls=ok,ok,ok,limited read=ok" {
		t.Fatalf("4 calls on a burst of 3: %q", body)
	}
	if status, _, _ := do(t, "127.0.0.1", http.MethodPost, base+"/", noCreds, 1); status != http.StatusTooManyRequests {
		t.Fatalf("next request: %d, want 429", status)
	}
	if got := g.Counters().RequestsLimited; got != 2 {
		t.Fatalf("RequestsLimited %d, want 2 (one call, one request)", got)
	}
}

func TestCheckRegisterHasItsOwnBucket(t *testing.T) {
	clock := newFakeClock()
	cfg := DefaultConfig()
	cfg.RegisterRate, cfg.RegisterBurst, cfg.Now = 1, 2, clock.Now
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	for _, want := range []bool{true, true, false} {
		if err := g.CheckRegister(a); (err == nil) != want {
			t.Fatalf("register: %v, want ok %v", err, want)
		}
	}
	err = g.CheckRegister(a)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second || err.Error() != "too many registrations from 192.0.2.1, retry in 1 s" {
		t.Fatalf("refusal: %v", err)
	}
	if err := g.CheckRegister(b); err != nil {
		t.Fatalf("another address: %v", err)
	}
	clock.Advance(time.Second)
	if err := g.CheckRegister(a); err != nil {
		t.Fatalf("after a second: %v", err)
	}
	if got := g.Counters().RegistrationsLimited; got != 2 {
		t.Fatalf("RegistrationsLimited %d, want 2", got)
	}
}

func TestListenerCapsConnectionsThroughHTTP(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxConns = 1
	g, base := startGuarded(t, cfg)
	holder := clientFrom(t, "127.0.0.1") // keeps its connection alive, idle
	if resp, err := holder.Get(base + "/"); err != nil {
		t.Fatal(err)
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	eventually(t, "one open connection", func() bool { return g.Counters().ConnsOpen == 1 })
	if _, err := clientFrom(t, "127.0.0.2").Get(base + "/"); err == nil {
		t.Fatal("a second connection was served with MaxConns 1")
	}
	if c := g.Counters(); c.ConnsRefused == 0 || c.ConnsOpen != 1 {
		t.Fatalf("counters %+v, want refusals and 1 open", c)
	}
	holder.CloseIdleConnections()
	eventually(t, "the slot to free", func() bool { return g.Counters().ConnsOpen == 0 })
	if resp, err := clientFrom(t, "127.0.0.2").Get(base + "/"); err != nil {
		t.Fatalf("after the first closed: %v", err)
	} else {
		resp.Body.Close()
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := map[string]func(*Config){
		"user without password": func(c *Config) { c.Admin = Credentials{User: "admin"} },
		"password without user": func(c *Config) { c.Admin = Credentials{Password: "pw"} },
		"negative max conns":    func(c *Config) { c.MaxConns = -1 },
		"negative request rate": func(c *Config) { c.RequestRate = -1 },
		"negative register":     func(c *Config) { c.RegisterRate = -0.5 },
	}
	for name, edit := range tests {
		cfg := DefaultConfig()
		edit(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
