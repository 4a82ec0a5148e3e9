package satellite_test

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"relayd/relayd"
	"relayd/rpc"
	"relayd/satellite"
)

// eventually waits up to 15 s for cond, checking every few milliseconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// testRelay is a real relayd, in memory (no state file), serving HTTP on
// the loopback.
type testRelay struct {
	URL, Addr string
	cancel    context.CancelFunc
	done      chan error
	stopOnce  sync.Once
}

// startRelay starts a relay on addr ("127.0.0.1:0" for a free port) that
// pings every pingInterval and keeps its registry in statePath ("": in
// memory only). It is stopped when the test ends.
func startRelay(t *testing.T, addr string, pingInterval time.Duration, statePath string) *testRelay {
	t.Helper()
	cfg := relayd.DefaultConfig()
	cfg.StatePath = statePath
	cfg.PingInterval = pingInterval
	cfg.DrainTimeout = time.Second
	cfg.Logger = slog.New(slog.DiscardHandler)
	r, err := relayd.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tr := &testRelay{URL: "http://" + ln.Addr().String() + "/", Addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { tr.done <- r.Run(ctx, ln) }()
	t.Cleanup(func() { tr.Stop(t) })
	return tr
}

// Stop shuts the relay down and waits for Run to return.
func (tr *testRelay) Stop(t *testing.T) {
	t.Helper()
	tr.stopOnce.Do(func() {
		tr.cancel()
		select {
		case err := <-tr.done:
			if err != nil {
				t.Errorf("relay Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("relay did not stop within 30 s")
		}
	})
}

var relayClient = rpc.NewClient(rpc.DefaultClientConfig())

// call calls the relay and fails the test on any error.
func (tr *testRelay) call(t *testing.T, method string, params ...rpc.Value) rpc.Value {
	t.Helper()
	v, err := relayClient.Call(context.Background(), tr.URL, method, params...)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return v
}

// satellites returns the host_ids the relay lists, or nil when it cannot
// be reached.
func (tr *testRelay) satellites() []string {
	v, err := relayClient.Call(context.Background(), tr.URL, "relay.get_satellites")
	if err != nil {
		return nil
	}
	var ids []string
	for _, e := range v.Array {
		ids = append(ids, e.Str)
	}
	return ids
}

// lists reports whether the relay lists every one of ids.
func (tr *testRelay) lists(ids ...string) bool {
	got := tr.satellites()
	for _, id := range ids {
		if !slices.Contains(got, id) {
			return false
		}
	}
	return true
}

// inbox records the notifications a Go satellite's handler is given.
type inbox struct {
	mu   sync.Mutex
	got  []satellite.Notification
	told []string // OnReregister calls
}

func (in *inbox) handle(_ context.Context, n satellite.Notification) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.got = append(in.got, n)
}

func (in *inbox) reregistered(id string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.told = append(in.told, id)
}

func (in *inbox) notifications() []satellite.Notification {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.got)
}

func (in *inbox) reregistrations() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return slices.Clone(in.told)
}

// goSatellite is a registered Go satellite and what it received.
type goSatellite struct {
	*satellite.Satellite
	in *inbox
}

// startSatellite starts and registers a Go satellite; tweak may change the
// config first. It is closed when the test ends.
func startSatellite(t *testing.T, relayURL, nick string, tweak func(*satellite.Config)) goSatellite {
	t.Helper()
	in := &inbox{}
	cfg := satellite.Config{
		Relay:              relayURL,
		Nick:               nick,
		Handler:            in.handle,
		OnReregister:       in.reregistered,
		RegisterBackoff:    10 * time.Millisecond,
		RegisterMaxBackoff: 100 * time.Millisecond,
		CloseTimeout:       2 * time.Second,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := satellite.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := s.Register(ctx); err != nil {
		t.Fatal(err)
	}
	return goSatellite{s, in}
}

func member(name string, v rpc.Value) rpc.Member { return rpc.Member{Name: name, Value: v} }

// text is a chat message as the satellites here relay it: {text: s}.
func text(s string) rpc.Value { return rpc.Struct(member("text", rpc.String(s))) }
