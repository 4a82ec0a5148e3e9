package pinger

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// PingNow for a target the schedule has not seen in targets() yet pings it
// at once (the caller has just added it); the next read of targets() keeps
// it on its schedule if it is listed and drops it if it is not.
func TestPingNowUnknownTarget(t *testing.T) {
	cases := []struct {
		name   string
		listed bool // whether targets() lists "new" by its next read
		want   []string
	}{
		{"listed by the next read: kept on its schedule", true, []string{
			"report a +0s rtt=1ms fails=0", "report new +0s rtt=1ms fails=0",
			"report new +5s rtt=1ms fails=0", "report a +10s rtt=1ms fails=0"}},
		{"never listed: one ping, then dropped", false, []string{
			"report a +0s rtt=1ms fails=0", "report new +0s rtt=1ms fails=0",
			"report a +10s rtt=1ms fails=0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGate()
			offsets := map[string]time.Duration{"a": 0, "new": 5 * time.Second}
			h := newHarness(testConfig(offsets), g.ping, "a")
			h.start(t)
			// expect takes the next ping, which must be of target, and
			// answers it. The gate holds every ping until it is taken, so
			// a ping that should not have been sent is taken first.
			expect := func(target string) {
				t.Helper()
				c := g.next(t)
				if c.target != target {
					t.Fatalf("pinged %s, want %s", c.target, target)
				}
				c.answer <- ok(time.Millisecond)
			}
			expect("a")
			h.rec.waitReports(t, 1)
			h.pinger.PingNow("new")
			expect("new")
			h.rec.waitReports(t, 2)
			if tc.listed {
				h.targets.set("a", "new")
			}
			h.clock.advanceTo(t, at(5*time.Second))
			if tc.listed {
				expect("new")
				h.rec.waitReports(t, 3)
			}
			h.clock.advanceTo(t, at(10*time.Second))
			expect("a")
			h.rec.waitReports(t, len(tc.want))
			h.stop(t)
			if got := h.rec.snapshot(); !slices.Equal(got, tc.want) {
				t.Fatalf("events:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// A target added to targets() and requested while the loop is reading
// targets() is pinged at once: its request is not held against a list that
// was read before the target was added.
func TestPingNowDuringRead(t *testing.T) {
	list := &targetList{list: []string{"a"}}
	var p *Pinger
	var registerDuringRead atomic.Bool
	var once sync.Once
	targets := func() []string {
		current := list.get()
		if registerDuringRead.Load() {
			once.Do(func() {
				list.set("a", "x")
				p.PingNow("x")
			})
		}
		return current
	}
	cfg := testConfig(nil)
	clock := newFakeClock(t0)
	cfg.Clock = clock
	rec := newRecorder()
	p = New(cfg, targets, scriptPing(nil), rec.report, rec.evict)
	h := &harness{clock: clock, targets: list, rec: rec, pinger: p}
	h.start(t)
	rec.waitReports(t, 1)
	clock.waitTimer(t, at(10*time.Second)) // the loop is idle until then
	registerDuringRead.Store(true)
	clock.set(at(5 * time.Second)) // due nothing, but lets the next wake-up read targets()
	p.PingNow("a")
	results := rec.waitReports(t, 3)
	h.stop(t)
	want := []string{"report a +0s rtt=1ms fails=0", "report a +5s rtt=1ms fails=0", "report x +5s rtt=1ms fails=0"}
	if got := describeSorted(results); !slices.Equal(got, want) {
		t.Fatalf("reports:\n got %q\nwant %q", got, want)
	}
}

// Wake-ups closer together than min(Interval, 1s) do not read targets()
// again; the first one after that does.
func TestTargetsReadAtMostOncePerRefreshEvery(t *testing.T) {
	cases := []struct {
		interval, refreshEvery time.Duration
	}{
		{10 * time.Second, time.Second},
		{500 * time.Millisecond, 500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.interval.String(), func(t *testing.T) {
			cfg := testConfig(nil)
			cfg.Interval = tc.interval
			h := newHarness(cfg, scriptPing(nil))
			var reads atomic.Int64
			list := &targetList{list: []string{"a"}}
			h.pinger.targets = func() []string {
				reads.Add(1)
				return list.get()
			}
			h.start(t)
			h.rec.waitReports(t, 1)
			h.clock.waitTimer(t, at(tc.interval)) // the loop is idle until then
			h.clock.set(at(tc.refreshEvery - time.Nanosecond))
			for i := range 20 {
				h.pinger.PingNow("a")
				h.rec.waitReports(t, 2+i) // one wake-up each
			}
			if n := reads.Load(); n != 1 {
				t.Fatalf("targets() read %d times before %v, want once (at start)", n, tc.refreshEvery)
			}
			h.clock.set(at(tc.refreshEvery))
			h.pinger.PingNow("a")
			eventually(t, func() bool { return reads.Load() == 2 })
		})
	}
}

// A target that leaves while it waits for a slot is not pinged when the
// slot comes: the read that drops it happens at the result that frees it.
func TestWaitingTargetDroppedWhenItLeaves(t *testing.T) {
	g := newGate()
	cfg := testConfig(nil)
	cfg.Concurrency = 1
	h := newHarness(cfg, g.ping, "a", "b")
	h.start(t)
	first := g.next(t) // a; b waits for the slot
	if first.target != "a" {
		t.Fatalf("first ping to %s, want a", first.target)
	}
	h.clock.waitTimer(t, at(10*time.Second)) // the loop is idle until then
	h.targets.set("a")
	h.clock.set(at(time.Second))
	first.answer <- ok(time.Millisecond)
	h.rec.waitReports(t, 1)
	h.clock.advanceTo(t, at(10*time.Second))
	// A ping to b launched when a's slot freed would be held by the gate
	// and so be taken here first.
	if next := g.next(t); next.target != "a" {
		t.Fatalf("pinged %s after it left, want a", next.target)
	} else {
		next.answer <- ok(time.Millisecond)
	}
	h.rec.waitReports(t, 2)
	h.stop(t)
	want := []string{"report a +0s rtt=1ms fails=0", "report a +10s rtt=1ms fails=0"}
	if got := h.rec.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %q\nwant %q", got, want)
	}
}
