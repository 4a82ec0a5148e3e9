package satellite

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"relayd/rpc"
)

// satelliteGoroutines counts the goroutines a Satellite started: the
// server (started in New), the worker and the watchdog (methods), and the
// handlers they call.
func satelliteGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "relayd/satellite.(*Satellite)") || strings.Contains(g, "relayd/satellite.New") {
			n++
		}
	}
	return n
}

func TestCloseLeavesNoGoroutineBehind(t *testing.T) {
	relay := startFakeRelay(t)
	before := satelliteGoroutines()
	s, err := New(Config{Relay: relay.URL, Handler: func(ctx context.Context, _ Notification) { <-ctx.Done() }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, s, "notify", rpc.Struct(member("data", rpc.Int(1)))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the handler to run", func() bool { return satelliteGoroutines() > before })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Close waits for its goroutines, so none may be left when it returns.
	if n := satelliteGoroutines(); n != before {
		t.Fatalf("%d satellite goroutines left after Close (%d before New)", n-before, before)
	}
}
