package pinger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errDown = errors.New("connection refused")

var fail = step{err: errDown}

// One target, one scripted answer per round: what is reported, the count
// of consecutive failures, and when evict is called.
func TestResultsFailureCountAndEviction(t *testing.T) {
	cases := []struct {
		name       string
		evictAfter int
		steps      []step
		want       []string
	}{
		{"successes report their round-trip time", 5,
			[]step{ok(12 * time.Millisecond), ok(30 * time.Millisecond)},
			[]string{"report a +0s rtt=12ms fails=0", "report a +10s rtt=30ms fails=0"}},
		{"failures count up and a success resets them", 5,
			[]step{fail, fail, ok(7 * time.Millisecond), fail},
			[]string{"report a +0s failed fails=1", "report a +10s failed fails=2",
				"report a +20s rtt=7ms fails=0", "report a +30s failed fails=1"}},
		{"evicted once, at the EvictAfter-th failure, then counted afresh", 3,
			[]step{fail, fail, fail, fail},
			[]string{"report a +0s failed fails=1", "report a +10s failed fails=2",
				"report a +20s failed fails=3", "evict a", "report a +30s failed fails=1"}},
		{"a success in between saves the target", 3,
			[]step{fail, fail, ok(time.Millisecond), fail, fail},
			[]string{"report a +0s failed fails=1", "report a +10s failed fails=2",
				"report a +20s rtt=1ms fails=0", "report a +30s failed fails=1", "report a +40s failed fails=2"}},
		{"EvictAfter 1 evicts at the first failure", 1,
			[]step{ok(time.Millisecond), fail},
			[]string{"report a +0s rtt=1ms fails=0", "report a +10s failed fails=1", "evict a"}},
		{"EvictAfter 0 never evicts", 0,
			[]step{fail, fail, fail, fail, fail, fail},
			[]string{"report a +0s failed fails=1", "report a +10s failed fails=2", "report a +20s failed fails=3",
				"report a +30s failed fails=4", "report a +40s failed fails=5", "report a +50s failed fails=6"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(nil)
			cfg.EvictAfter = tc.evictAfter
			h := newHarness(cfg, scriptPing(map[string][]step{"a": tc.steps}), "a")
			h.start(t)
			var reports []Result
			for i := range tc.steps {
				if i > 0 {
					h.clock.advanceTo(t, at(time.Duration(i)*interval))
				}
				reports = h.rec.waitReports(t, i+1)
			}
			if err := h.stop(t); !errors.Is(err, context.Canceled) {
				t.Fatalf("Run returned %v, want context.Canceled", err)
			}
			if got := h.rec.snapshot(); !slices.Equal(got, tc.want) {
				t.Fatalf("events:\n got %q\nwant %q", got, tc.want)
			}
			for i, r := range reports {
				if !errors.Is(r.Err, tc.steps[i].err) {
					t.Errorf("report %d: Err = %v, want %v", i, r.Err, tc.steps[i].err)
				}
			}
		})
	}
}

// Each target is first pinged at start+Jitter (taken modulo Interval), then
// every Interval.
func TestScheduleFollowsJitter(t *testing.T) {
	offsets := map[string]time.Duration{"a": 0, "b": 3 * time.Second, "c": 17 * time.Second, "d": -2 * time.Second}
	h := newHarness(testConfig(offsets), scriptPing(nil), "a", "b", "c", "d")
	h.start(t)
	dues := []time.Duration{0, 3, 7, 8, 10, 13, 17, 18, 20}
	for i, due := range dues {
		if due > 0 {
			h.clock.advanceTo(t, at(due*time.Second))
		}
		h.rec.waitReports(t, i+1)
	}
	h.stop(t)
	want := []string{
		"report a +0s rtt=1ms fails=0", "report b +3s rtt=1ms fails=0",
		"report c +7s rtt=1ms fails=0", "report d +8s rtt=1ms fails=0",
		"report a +10s rtt=1ms fails=0", "report b +13s rtt=1ms fails=0",
		"report c +17s rtt=1ms fails=0", "report d +18s rtt=1ms fails=0",
		"report a +20s rtt=1ms fails=0",
	}
	if got := h.rec.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %q\nwant %q", got, want)
	}
}

func TestHashJitterInRangeAndStable(t *testing.T) {
	for _, iv := range []time.Duration{time.Nanosecond, 7 * time.Nanosecond, time.Millisecond, 30 * time.Second, 24 * time.Hour} {
		t.Run(iv.String(), func(t *testing.T) {
			for i := range 1000 {
				target := fmt.Sprintf("10.0.%d.%d:7000", i/256, i%256)
				j := hashJitter(target, iv)
				if j < 0 || j >= iv {
					t.Fatalf("hashJitter(%q, %v) = %v, outside [0, %v)", target, iv, j, iv)
				}
				if again := hashJitter(target, iv); again != j {
					t.Fatalf("hashJitter(%q) not stable: %v then %v", target, j, again)
				}
			}
		})
	}
}

// Host_ids that differ only in their last characters spread over the whole
// interval: every tenth of it holds close to a tenth of them.
func TestHashJitterSpreads(t *testing.T) {
	const n, buckets = 1000, 10
	iv := 30 * time.Second
	var count [buckets]int
	for i := range n {
		target := fmt.Sprintf("192.168.1.%d:%d", i%250, 7000+i/250)
		count[hashJitter(target, iv)*buckets/iv]++
	}
	for b, c := range count {
		if c < n/buckets/2 || c > n/buckets*3/2 {
			t.Errorf("bucket %d holds %d of %d targets: %v", b, c, n, count)
		}
	}
}

func TestNormalizeOffset(t *testing.T) {
	cases := []struct{ in, want time.Duration }{
		{0, 0},
		{3 * time.Second, 3 * time.Second},
		{10 * time.Second, 0},
		{25 * time.Second, 5 * time.Second},
		{-time.Second, 9 * time.Second},
		{-20 * time.Second, 0},
	}
	for _, tc := range cases {
		if got := normalizeOffset(tc.in, interval); got != tc.want {
			t.Errorf("normalizeOffset(%v, %v) = %v, want %v", tc.in, interval, got, tc.want)
		}
	}
}

// With every target due at once, no more than Concurrency pings are in
// flight, and every target still gets its ping in the round.
func TestConcurrencyBound(t *testing.T) {
	targets := []string{"a", "b", "c", "d", "e", "f"}
	for _, concurrency := range []int{1, 2, 4} {
		t.Run(fmt.Sprint(concurrency), func(t *testing.T) {
			g := newGate()
			cfg := testConfig(nil)
			cfg.Concurrency = concurrency
			h := newHarness(cfg, g.ping, targets...)
			h.start(t)
			var held []call
			for range concurrency {
				held = append(held, g.next(t))
			}
			for started := concurrency; len(held) > 0; {
				held[0].answer <- ok(time.Millisecond)
				held = held[1:]
				if started < len(targets) {
					held = append(held, g.next(t))
					started++
				}
			}
			results := h.rec.waitReports(t, len(targets))
			h.stop(t)
			if got := g.peak(); got != concurrency {
				t.Errorf("peak pings in flight = %d, want %d", got, concurrency)
			}
			var want []string
			for _, target := range targets {
				want = append(want, "report "+target+" +0s rtt=1ms fails=0")
			}
			if got := describeSorted(results); !slices.Equal(got, want) {
				t.Errorf("reports:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// A target whose ping is still in flight when its next round comes skips
// that round: no second ping is queued behind the first.
func TestSkipsRoundWhilePingInFlight(t *testing.T) {
	g := newGate()
	h := newHarness(testConfig(nil), g.ping, "a")
	h.start(t)
	first := g.next(t)
	h.clock.advanceTo(t, at(10*time.Second))
	h.clock.waitTimer(t, at(20*time.Second)) // armed only once the +10s round was handled
	first.answer <- ok(time.Millisecond)
	h.rec.waitReports(t, 1)
	h.clock.advanceTo(t, at(20*time.Second))
	g.next(t).answer <- ok(2 * time.Millisecond) // a ping queued at +10s would start here, at +10s
	h.rec.waitReports(t, 2)
	h.stop(t)
	want := []string{"report a +0s rtt=1ms fails=0", "report a +20s rtt=2ms fails=0"}
	if got := h.rec.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %q\nwant %q", got, want)
	}
}

// Targets change between rounds: new ones join at their next slot, gone ones
// are no longer pinged, and a target that comes back starts counting afresh.
func TestTargetsAddedAndRemoved(t *testing.T) {
	rounds := []struct {
		targets []string // set before the round
		want    []string // the round's reports, in target order
	}{
		{[]string{"a", "b"}, []string{"report a +0s failed fails=1", "report b +0s failed fails=1"}},
		{[]string{"b", "c"}, []string{"report b +10s failed fails=2", "report c +10s failed fails=1"}},
		{[]string{"c"}, []string{"report c +20s failed fails=2"}},
		{nil, nil},
		{[]string{"a", "b", "c"}, []string{"report a +40s failed fails=1", "report b +40s failed fails=1", "report c +40s failed fails=1"}},
	}
	always := func(context.Context, string) (time.Duration, error) { return 0, errDown }
	h := newHarness(testConfig(nil), always, rounds[0].targets...)
	h.start(t)
	seen := 0
	for i, round := range rounds {
		if i > 0 {
			h.targets.set(round.targets...)
			// The loop waits for +i*interval whether or not it has targets.
			h.clock.advanceTo(t, at(time.Duration(i)*interval))
		}
		results := h.rec.waitReports(t, seen+len(round.want))
		if got := describeSorted(results[seen:]); !slices.Equal(got, round.want) {
			t.Errorf("round %d:\n got %q\nwant %q", i, got, round.want)
		}
		seen += len(round.want)
		if len(round.want) == 0 {
			// Nothing to wait for but the next wake-up, which the loop arms
			// only once it has handled this round with no targets.
			h.clock.waitTimer(t, at(time.Duration(i+1)*interval))
		}
	}
	h.stop(t)
	if got := len(h.rec.snapshot()); got != seen {
		t.Errorf("%d events, want %d: %q", got, seen, h.rec.snapshot())
	}
}

// The result of a ping whose target left while it was in flight is dropped.
func TestResultDroppedWhenTargetLeavesInFlight(t *testing.T) {
	g := newGate()
	h := newHarness(testConfig(nil), g.ping, "a")
	h.start(t)
	inFlight := g.next(t)
	h.targets.set()
	h.clock.advanceTo(t, at(10*time.Second))
	h.clock.waitTimer(t, at(20*time.Second)) // the +10s round has dropped a
	inFlight.answer <- fail
	h.targets.set("a")
	h.clock.advanceTo(t, at(20*time.Second))
	g.next(t).answer <- fail
	h.rec.waitReports(t, 1)
	h.stop(t)
	want := []string{"report a +20s failed fails=1"}
	if got := h.rec.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %q\nwant %q", got, want)
	}
}

// PingNow requests made before Run are kept for it; duplicates make one
// ping; a target that targets() does not list is not pinged.
func TestPingNowBeforeRun(t *testing.T) {
	offsets := map[string]time.Duration{"a": 5 * time.Second}
	h := newHarness(testConfig(offsets), scriptPing(nil), "a")
	for range 3 {
		h.pinger.PingNow("a")
	}
	h.pinger.PingNow("ghost")
	h.start(t)
	h.rec.waitReports(t, 1)
	h.clock.advanceTo(t, at(5*time.Second))
	h.rec.waitReports(t, 2)
	h.stop(t)
	want := []string{"report a +0s rtt=1ms fails=0", "report a +5s rtt=1ms fails=0"}
	if got := h.rec.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %q\nwant %q", got, want)
	}
}

// PingNow pings an idle target at once, outside its schedule, and is
// dropped for a target whose ping is in flight.
func TestPingNowWhileRunning(t *testing.T) {
	g := newGate()
	offsets := map[string]time.Duration{"a": 5 * time.Second}
	h := newHarness(testConfig(offsets), g.ping, "a")
	h.start(t)
	h.clock.waitTimer(t, at(5*time.Second))
	h.pinger.PingNow("a")
	inFlight := g.next(t)
	h.pinger.PingNow("a")
	h.pinger.PingNow("a")
	eventually(t, func() bool { // the loop has taken the requests while a is busy
		h.pinger.mu.Lock()
		defer h.pinger.mu.Unlock()
		return len(h.pinger.requested) == 0
	})
	inFlight.answer <- ok(time.Millisecond)
	h.rec.waitReports(t, 1)
	h.clock.advanceTo(t, at(5*time.Second))
	g.next(t).answer <- ok(2 * time.Millisecond)
	h.rec.waitReports(t, 2)
	h.stop(t)
	want := []string{"report a +0s rtt=1ms fails=0", "report a +5s rtt=2ms fails=0"}
	if got := h.rec.snapshot(); !slices.Equal(got, want) {
		t.Fatalf("events:\n got %q\nwant %q", got, want)
	}
}

// A ping that outlives Timeout is cancelled and counts as a failure that
// wraps ErrTimeout.
func TestTimeout(t *testing.T) {
	cfg := testConfig(nil)
	cfg.Timeout = 20 * time.Millisecond
	var hadDeadline bool
	hang := func(ctx context.Context, _ string) (time.Duration, error) {
		_, hadDeadline = ctx.Deadline()
		<-ctx.Done()
		return 0, ctx.Err()
	}
	h := newHarness(cfg, hang, "a")
	h.start(t)
	r := h.rec.waitReports(t, 1)[0]
	h.stop(t)
	if !hadDeadline {
		t.Error("ping context had no deadline")
	}
	if !errors.Is(r.Err, ErrTimeout) || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("Err = %v, want ErrTimeout wrapping context.DeadlineExceeded", r.Err)
	}
	if r.ConsecutiveFails != 1 {
		t.Errorf("ConsecutiveFails = %d, want 1", r.ConsecutiveFails)
	}
}

// Cancelling Run cancels the pings in flight, drops their results and
// returns once no goroutine is left.
func TestRunReturnsWhenCancelled(t *testing.T) {
	defer goleak.VerifyNone(t)
	g := newGate()
	h := newHarness(testConfig(nil), g.ping, "a", "b", "c")
	h.start(t)
	var calls []call
	for range 3 {
		calls = append(calls, g.next(t))
	}
	if err := h.stop(t); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	for _, c := range calls {
		if c.ctx.Err() == nil {
			t.Errorf("ping of %s not cancelled", c.target)
		}
	}
	if got := h.rec.snapshot(); len(got) != 0 {
		t.Errorf("events after cancel: %q", got)
	}
}

func TestRunTwice(t *testing.T) {
	h := newHarness(testConfig(nil), scriptPing(nil))
	h.start(t)
	h.clock.waitTimer(t, at(interval)) // the first Run is running
	if err := h.pinger.Run(context.Background()); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Run returned %v, want ErrAlreadyRunning", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	d := DefaultConfig()
	if d.Interval != 30*time.Second || d.Timeout != 5*time.Second || d.Concurrency != 16 || d.EvictAfter != 5 {
		t.Fatalf("DefaultConfig() = %+v", d)
	}
	cases := []struct {
		name string
		in   Config
		want Config // the fields compared: Interval, Timeout, Concurrency, EvictAfter
	}{
		{"zero means defaults, EvictAfter 0 stays never", Config{},
			Config{Interval: 30 * time.Second, Timeout: 5 * time.Second, Concurrency: 16, EvictAfter: 0}},
		{"negative means defaults", Config{Interval: -1, Timeout: -1, Concurrency: -1, EvictAfter: -1},
			Config{Interval: 30 * time.Second, Timeout: 5 * time.Second, Concurrency: 16, EvictAfter: 0}},
		{"set values are kept", Config{Interval: time.Minute, Timeout: time.Second, Concurrency: 3, EvictAfter: 2},
			Config{Interval: time.Minute, Timeout: time.Second, Concurrency: 3, EvictAfter: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.withDefaults()
			if got.Interval != tc.want.Interval || got.Timeout != tc.want.Timeout ||
				got.Concurrency != tc.want.Concurrency || got.EvictAfter != tc.want.EvictAfter {
				t.Errorf("withDefaults() = %+v, want %+v", got, tc.want)
			}
			if got.Clock == nil || got.Jitter == nil || got.Logger == nil {
				t.Error("withDefaults() left Clock, Jitter or Logger nil")
			}
			if j := got.Jitter("10.0.0.1:7000"); j != hashJitter("10.0.0.1:7000", got.Interval) {
				t.Errorf("default Jitter = %v, want the hash scaled to %v", j, got.Interval)
			}
		})
	}
}
