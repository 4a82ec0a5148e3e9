package pinger

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// benchTargets is the number of satellites in the benchmarks: the size at
// which a profile showed the schedule's scans dominating the relay.
const benchTargets = 10_000

// benchIDs returns n host_id-like target names.
func benchIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("10.%d.%d.%d:7000", i>>16&255, i>>8&255, i&255)
	}
	return ids
}

// growingList is a targets() that grows as satellites register, copying
// on every read as the registry's IDs does.
type growingList struct {
	mu   sync.Mutex
	list []string
}

func (l *growingList) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.list)
}

func (l *growingList) add(target string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, target)
}

// reportCounter counts reports and lets one waiter wait for a total.
type reportCounter struct {
	mu      sync.Mutex
	n       int
	want    int
	reached chan struct{}
}

func (c *reportCounter) report(Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.reached != nil && c.n >= c.want {
		close(c.reached)
		c.reached = nil
	}
}

// waitFor waits until n reports have been counted in all.
func (c *reportCounter) waitFor(b *testing.B, n int) {
	b.Helper()
	c.mu.Lock()
	if c.n >= n {
		c.mu.Unlock()
		return
	}
	reached := make(chan struct{})
	c.want, c.reached = n, reached
	c.mu.Unlock()
	select {
	case <-reached:
	case <-time.After(time.Minute):
		c.mu.Lock()
		defer c.mu.Unlock()
		b.Fatalf("waited for %d reports, got %d", n, c.n)
	}
}

func instantPing(context.Context, string) (time.Duration, error) { return time.Millisecond, nil }

// runBench starts p.Run and returns a function that stops it and waits for
// it to return.
func runBench(b *testing.B, p *Pinger) (stop func()) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	return func() {
		cancel()
		<-done
	}
}

// 10,000 satellites register, each followed by PingNow as relayd's
// register method does; one op is all 10,000 pinged once. The clock stands
// still, so no scheduled ping is due: every ping is a PingNow.
// "one-at-a-time" waits for each ping before the next registration;
// "burst" registers all without waiting, as concurrent register calls do.
func BenchmarkPingNow10k(b *testing.B) {
	ids := benchIDs(benchTargets)
	for _, burst := range []bool{false, true} {
		name := "one-at-a-time"
		if burst {
			name = "burst"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				list := &growingList{}
				counter := &reportCounter{}
				cfg := DefaultConfig()
				cfg.Clock = newBenchClock(t0)
				p := New(cfg, list.get, instantPing, counter.report, nil)
				stop := runBench(b, p)
				for i, id := range ids {
					list.add(id)
					p.PingNow(id)
					if !burst {
						counter.waitFor(b, i+1)
					}
				}
				counter.waitFor(b, len(ids))
				stop()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTargets), "ns/target")
		})
	}
}

// 10,000 satellites pinged on their schedule: one op is one Interval of
// fake time, in 100 steps, each waiting for the pings due by then, so
// every target is pinged once per op.
func BenchmarkSteadyState10k(b *testing.B) {
	const steps = 100
	ids := benchIDs(benchTargets)
	cfg := DefaultConfig()
	offsets := make([]time.Duration, len(ids))
	for i, id := range ids {
		offsets[i] = hashJitter(id, cfg.Interval)
	}
	slices.Sort(offsets)
	// pingedBy is how many pings are due by step (counted from Run's start).
	pingedBy := func(step int) int {
		rounds, into := step/steps, time.Duration(step%steps)*cfg.Interval/steps
		due, _ := slices.BinarySearch(offsets, into+1)
		return rounds*len(ids) + due
	}

	clock := newBenchClock(t0)
	cfg.Clock = clock
	counter := &reportCounter{}
	p := New(cfg, func() []string { return slices.Clone(ids) }, instantPing, counter.report, nil)
	stop := runBench(b, p)
	defer stop()
	<-clock.armed // Run has read its start time: the clock may move
	counter.waitFor(b, pingedBy(0))
	step := 0
	for b.Loop() {
		for range steps {
			step++
			clock.set(t0.Add(time.Duration(step) * cfg.Interval / steps))
			counter.waitFor(b, pingedBy(step))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTargets), "ns/ping")
}

// benchClock is a fake Clock for a benchmark that moves time on its own,
// without waiting for the loop to arm a wake-up first. It counts After(d)
// from the time the loop last read, not from the clock's time, so a move
// between the loop's Now and its After does not push the wake-up late
// (only the loop goroutine reads the clock).
type benchClock struct {
	mu       sync.Mutex
	now      time.Time
	lastRead time.Time
	timers   []fakeTimer
	armed    chan struct{} // closed at the first After
	armOnce  sync.Once
}

func newBenchClock(now time.Time) *benchClock {
	return &benchClock{now: now, lastRead: now, armed: make(chan struct{})}
}

func (c *benchClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastRead = c.now
	return c.now
}

func (c *benchClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armOnce.Do(func() { close(c.armed) })
	ch := make(chan time.Time, 1)
	if at := c.lastRead.Add(d); at.After(c.now) {
		c.timers = append(c.timers, fakeTimer{at: at, ch: ch})
	} else {
		ch <- c.now
	}
	return ch
}

// set moves the clock to now and fires every timer due by then.
func (c *benchClock) set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
	c.timers = fireDue(c.timers, now)
}
