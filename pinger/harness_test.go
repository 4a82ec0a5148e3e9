package pinger

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"
)

// t0 is when every test's Run starts; interval is every test's Interval.
var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

const interval = 10 * time.Second

func at(d time.Duration) time.Time { return t0.Add(d) }

// testConfig is a config with fixed offsets (0 for any target not in
// offsets) and a Timeout no test reaches unless it means to; the harness
// puts in its fake clock.
func testConfig(offsets map[string]time.Duration) Config {
	return Config{
		Interval:    interval,
		Timeout:     time.Minute,
		Concurrency: 16,
		Jitter:      func(target string) time.Duration { return offsets[target] },
	}
}

// targetList is a targets() the test changes between rounds.
type targetList struct {
	mu   sync.Mutex
	list []string
}

func (l *targetList) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.list...)
}

func (l *targetList) set(targets ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = targets
}

// recorder keeps the report and evict callbacks in the order they came.
type recorder struct {
	mu      sync.Mutex
	events  []string
	reports []Result
	changed chan struct{} // closed and replaced on every report
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) report(res Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, res)
	r.events = append(r.events, describe(res))
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *recorder) evict(target string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "evict "+target)
}

// describe is a Result as the tests' expectations spell it.
func describe(res Result) string {
	outcome := fmt.Sprintf("rtt=%v", res.RTT)
	if res.Err != nil {
		outcome = "failed"
	}
	return fmt.Sprintf("report %s +%v %s fails=%d", res.Target, res.At.Sub(t0), outcome, res.ConsecutiveFails)
}

// waitReports waits until n reports have come and returns them.
func (r *recorder) waitReports(t *testing.T, n int) []Result {
	t.Helper()
	limit := time.After(waitLimit)
	for {
		r.mu.Lock()
		if len(r.reports) >= n {
			out := append([]Result(nil), r.reports...)
			r.mu.Unlock()
			return out
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-limit:
			t.Fatalf("waited for %d reports, got %d", n, len(r.snapshot()))
		}
	}
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// harness runs one Pinger on a fake clock.
type harness struct {
	clock   *fakeClock
	targets *targetList
	rec     *recorder
	pinger  *Pinger
	cancel  context.CancelFunc
	done    chan error
}

// newHarness builds a Pinger; cfg's Clock is replaced by the harness's.
func newHarness(cfg Config, ping Ping, targets ...string) *harness {
	h := &harness{
		clock:   newFakeClock(t0),
		targets: &targetList{list: targets},
		rec:     newRecorder(),
	}
	cfg.Clock = h.clock
	h.pinger = New(cfg, h.targets.get, ping, h.rec.report, h.rec.evict)
	return h
}

// start runs the Pinger until stop or the end of the test.
func (h *harness) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.pinger.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
}

// stop cancels Run and returns what it returned. After stop every callback
// has been made.
func (h *harness) stop(t *testing.T) error {
	t.Helper()
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err // a later stop (the cleanup) sees it too
		return err
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after cancel")
		return nil
	}
}

// step is one scripted answer of a fake ping.
type step struct {
	rtt time.Duration
	err error
}

func ok(rtt time.Duration) step { return step{rtt: rtt} }

// scriptPing answers target's n-th ping with script[target][n], and with a
// 1ms success once the script has run out.
func scriptPing(script map[string][]step) Ping {
	var mu sync.Mutex
	calls := make(map[string]int)
	return func(ctx context.Context, target string) (time.Duration, error) {
		mu.Lock()
		n := calls[target]
		calls[target]++
		mu.Unlock()
		if n < len(script[target]) {
			return script[target][n].rtt, script[target][n].err
		}
		return time.Millisecond, nil
	}
}

// gate is a fake ping that hands every call to the test and answers what
// the test tells it to, so the test decides when each ping ends.
type gate struct {
	calls chan call

	mu          sync.Mutex
	inFlight    int
	maxInFlight int
}

type call struct {
	target string
	ctx    context.Context
	answer chan step
}

func newGate() *gate { return &gate{calls: make(chan call)} }

func (g *gate) ping(ctx context.Context, target string) (time.Duration, error) {
	g.mu.Lock()
	g.inFlight++
	g.maxInFlight = max(g.maxInFlight, g.inFlight)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
	}()
	c := call{target: target, ctx: ctx, answer: make(chan step, 1)}
	select {
	case g.calls <- c:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	select {
	case s := <-c.answer:
		return s.rtt, s.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// next waits for the next ping to start.
func (g *gate) next(t *testing.T) call {
	t.Helper()
	select {
	case c := <-g.calls:
		return c
	case <-time.After(waitLimit):
		t.Fatal("no ping started")
		return call{}
	}
}

func (g *gate) peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxInFlight
}

// eventually waits until cond holds.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		<-tick.C
	}
}

// describeSorted describes results in target order, for a round whose
// pings finish in any order.
func describeSorted(results []Result) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = describe(r)
	}
	sort.Strings(out)
	return out
}
