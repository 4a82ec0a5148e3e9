// Package relaytest starts the real pieces that tests outside package
// relayd drive: a relay serving HTTP on a loopback address, and commands
// built into a test's temporary folder. Everything it starts stops when the
// test ends.
package relaytest

import (
	"context"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"relayd/internal/syncbuf"
	"relayd/relayd"
)

// Eventually waits up to 15 s for cond, checking every few milliseconds.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// Relay is a real relay serving HTTP on the loopback.
type Relay struct {
	URL  string // http://ADDR/
	Addr string // 127.0.0.1:PORT
	Logs *syncbuf.Buffer

	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// Start starts a relay on addr ("127.0.0.1:0" for a free port), in memory
// (no state file) with a 1 s drain unless tweak says otherwise. Its log
// goes to Logs. It is stopped when the test ends.
func Start(t testing.TB, addr string, tweak func(*relayd.Config)) *Relay {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cfg := relayd.DefaultConfig()
	cfg.StatePath = ""
	cfg.DrainTimeout = time.Second
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if tweak != nil {
		tweak(&cfg)
	}
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
	tr := &Relay{URL: "http://" + ln.Addr().String() + "/", Addr: ln.Addr().String(), Logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { tr.done <- r.Run(ctx, ln) }()
	t.Cleanup(func() { tr.Stop(t) })
	return tr
}

// Stop shuts the relay down and waits for Run to return; it may be called
// more than once.
func (r *Relay) Stop(t testing.TB) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("relay Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("relay did not stop within 30 s")
		}
	})
}

// BuildCommand builds the command in folder pkg (as go build takes it, e.g.
// "." or "../relayd") into the test's temporary folder and returns its path.
func BuildCommand(t testing.TB, pkg, name string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command(goTool, "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}
