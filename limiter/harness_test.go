package limiter

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// start runs a new Limiter that delivers one message per call with deliver
// until the test ends (see run).
func start(t *testing.T, cfg Config, deliver func(context.Context, string, Message) error) *Limiter {
	t.Helper()
	return startBatch(t, cfg, OneByOne(deliver))
}

// startBatch is start for a Deliver that takes batches.
func startBatch(t *testing.T, cfg Config, deliver Deliver) *Limiter {
	t.Helper()
	l := New(cfg, deliver)
	run(t, l)
	return l
}

// run runs l until the test ends, then checks that Run returned nil and left
// no goroutine behind.
func run(t *testing.T, l *Limiter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
		goleak.VerifyNone(t)
	})
}

// waitLimit bounds every wait for a condition. Generous: the conditions hold
// within milliseconds on an idle machine, and a shared CI box under -race
// can be many times slower.
const waitLimit = 30 * time.Second

// eventually waits for cond, failing the test after waitLimit.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// receive takes one value from ch, failing the test after waitLimit.
func receive[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func mustStats(t *testing.T, l *Limiter, id string) TargetStats {
	t.Helper()
	s, ok := l.Stats(id)
	if !ok {
		t.Fatalf("Stats(%q): not registered", id)
	}
	return s
}

func mustSubmit(t *testing.T, l *Limiter, sender string, payload any) uint64 {
	t.Helper()
	seq, err := l.Submit(Message{Sender: sender, Payload: payload})
	if err != nil {
		t.Fatalf("Submit from %s: %v", sender, err)
	}
	return seq
}

// recorder is a Deliver that succeeds and remembers what each target got.
type recorder struct {
	mu  sync.Mutex
	got map[string][]Message
}

func newRecorder() *recorder { return &recorder{got: make(map[string][]Message)} }

func (r *recorder) deliver(_ context.Context, target string, m Message) error {
	r.mu.Lock()
	r.got[target] = append(r.got[target], m)
	r.mu.Unlock()
	return nil
}

func (r *recorder) messages(target string) []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got[target])
}

func (r *recorder) count(target string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got[target])
}

// checkSenderOrder fails if got, the messages one target received, holds a
// message of its own or a sender's messages out of Seq order.
func checkSenderOrder(t *testing.T, target string, got []Message) {
	t.Helper()
	last := make(map[string]uint64)
	for _, m := range got {
		if m.Sender == target {
			t.Errorf("%s received its own message %d", target, m.Seq)
		}
		if m.Seq <= last[m.Sender] {
			t.Errorf("%s: message %d of %s after %d", target, m.Seq, m.Sender, last[m.Sender])
		}
		last[m.Sender] = m.Seq
	}
}

// fakeClock is a Config.Now and Config.After that move only when the test
// calls Advance.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	d  time.Duration
	ch chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_000_000, 0)} }

// use makes cfg read this clock.
func (c *fakeClock) use(cfg *Config) {
	cfg.Now, cfg.After = c.Now, c.After
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), d: d, ch: ch})
	return ch
}

// Advance moves the clock and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	pending := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.now) {
			pending = append(pending, tm)
			continue
		}
		tm.ch <- c.now
	}
	c.timers = pending
}

// waiting returns the durations of the timers not fired yet.
func (c *fakeClock) waiting() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ds []time.Duration
	for _, tm := range c.timers {
		ds = append(ds, tm.d)
	}
	return ds
}

// logCapture is a slog.Handler that keeps the records.
type logCapture struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (h *logCapture) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logCapture) WithGroup(string) slog.Handler            { return h }

func (h *logCapture) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.records = append(h.records, r.Clone())
	h.mu.Unlock()
	return nil
}

// matching returns the records with message msg, as attribute maps with the
// level under "level".
func (h *logCapture) matching(msg string) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, r := range h.records {
		if r.Message != msg {
			continue
		}
		attrs := map[string]any{"level": r.Level}
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.Any()
			return true
		})
		out = append(out, attrs)
	}
	return out
}
