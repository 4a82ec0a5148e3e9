package relayd

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"relayd/internal/syncbuf"
	"relayd/rpc"
)

// testRelay is a real relay serving HTTP on 127.0.0.1:0.
type testRelay struct {
	*Relay
	URL    string // http://127.0.0.1:PORT/
	Addr   string // 127.0.0.1:PORT
	Logs   *syncbuf.Buffer
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// startRelay starts a relay with a state file in a temporary folder;
// tweak may change the config first. It is stopped when the test ends.
func startRelay(t *testing.T, tweak func(*Config)) *testRelay {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cfg := DefaultConfig()
	cfg.StatePath = filepath.Join(t.TempDir(), "relayd-state.xml")
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.DrainTimeout = 2 * time.Second
	if tweak != nil {
		tweak(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		r.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tr := &testRelay{Relay: r, URL: "http://" + ln.Addr().String() + "/", Addr: ln.Addr().String(), Logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { tr.done <- r.Run(ctx, ln) }()
	t.Cleanup(func() { tr.Stop(t) })
	return tr
}

// Stop shuts the relay down and waits for Run to return.
func (tr *testRelay) Stop(t *testing.T) {
	t.Helper()
	tr.once.Do(func() {
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

// testClient is the rpc client the Go side of the tests uses.
var testClient = rpc.NewClient(rpc.DefaultClientConfig())

// call calls the relay and fails the test on a transport error; a fault
// comes back as the error.
func (tr *testRelay) call(t *testing.T, method string, params ...rpc.Value) (rpc.Value, *rpc.Fault) {
	t.Helper()
	v, err := testClient.Call(context.Background(), tr.URL, method, params...)
	if err != nil {
		f, ok := err.(*rpc.Fault)
		if !ok {
			t.Fatalf("%s: %v", method, err)
		}
		return rpc.Value{}, f
	}
	return v, nil
}

// eventually waits up to 15 s for cond, checking every few milliseconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 15*time.Second, what, cond)
}

// eventuallyWithin is eventually with its own limit, for tests whose work
// grows with a slow (race-instrumented, shared) machine.
func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// member is shorthand for a struct member.
func member(name string, v rpc.Value) rpc.Member { return rpc.Member{Name: name, Value: v} }
