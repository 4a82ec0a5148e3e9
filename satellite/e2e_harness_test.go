package satellite_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"relayd/internal/relaytest"
	"relayd/relayd"
	"relayd/rpc"
	"relayd/satellite"
)

// testRelay is a real relayd serving HTTP on the loopback.
type testRelay struct {
	*relaytest.Relay
}

// startRelay starts a relay on addr ("127.0.0.1:0" for a free port) that
// pings every pingInterval and keeps its registry in statePath ("": in
// memory only). It is stopped when the test ends.
func startRelay(t *testing.T, addr string, pingInterval time.Duration, statePath string) *testRelay {
	t.Helper()
	return &testRelay{relaytest.Start(t, addr, func(c *relayd.Config) {
		c.StatePath = statePath
		c.PingInterval = pingInterval
	})}
}

var eventually = relaytest.Eventually

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
