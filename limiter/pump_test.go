package limiter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errNotify = errors.New("notify: connection refused")

// flaky is a Deliver that fails while failing is set and remembers the
// messages it delivered.
type flaky struct {
	failing atomic.Bool
	mu      sync.Mutex
	ok      []Message
}

func (f *flaky) deliver(_ context.Context, _ string, m Message) error {
	if f.failing.Load() {
		return errNotify
	}
	f.mu.Lock()
	f.ok = append(f.ok, m)
	f.mu.Unlock()
	return nil
}

func (f *flaky) delivered() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ok)
}

// makeSuspect fails SuspectAfter (3) deliveries to "t", one message at a time.
func makeSuspect(t *testing.T, l *Limiter, f *flaky) {
	t.Helper()
	f.failing.Store(true)
	fails := mustStats(t, l, "t").NotifyFails
	for i := range uint64(3) {
		mustSubmit(t, l, "s", nil)
		eventually(t, fmt.Sprintf("failure %d", i+1), func() bool {
			return mustStats(t, l, "t").NotifyFails == fails+i+1
		})
	}
	if s := mustStats(t, l, "t"); s.State != StateSuspect || s.ConsecutiveFails != 3 {
		t.Fatalf("after 3 failures: %+v, want suspect", s)
	}
}

func suspectConfig(clock *fakeClock) Config {
	cfg := DefaultConfig()
	clock.use(&cfg)
	cfg.SuspectAfter = 3
	cfg.SuspectRetry = 10 * time.Second
	return cfg
}

func TestSuspectStopsDeliveriesAndRetryRecovers(t *testing.T) {
	clock := newFakeClock()
	f := &flaky{}
	l := start(t, suspectConfig(clock), f.deliver)
	l.AddTarget("t")
	makeSuspect(t, l, f)

	// Suspect: no Deliver calls; the newest message is kept, the older dropped.
	mustSubmit(t, l, "s", nil)
	newest := mustSubmit(t, l, "s", nil)
	eventually(t, "both dispatched", func() bool { return l.Totals().Dispatched == 5 })
	if s := mustStats(t, l, "t"); s.NotifyFails != 3 || s.Dropped != 1 || s.QueueDepth != 1 {
		t.Errorf("suspect with 2 new messages: %+v, want 3 fails, 1 dropped, 1 kept", s)
	}

	// A retry that fails keeps the message and the state.
	eventually(t, "the retry timer", func() bool { return slices.Equal(clock.waiting(), []time.Duration{10 * time.Second}) })
	clock.Advance(10 * time.Second)
	eventually(t, "the failed retry and the next timer", func() bool {
		return mustStats(t, l, "t").NotifyFails == 4 && len(clock.waiting()) == 1
	})
	if s := mustStats(t, l, "t"); s.State != StateSuspect || s.QueueDepth != 1 || s.Dropped != 1 || s.ConsecutiveFails != 4 {
		t.Errorf("after a failed retry: %+v", s)
	}

	// A retry that succeeds delivers the newest message and brings it up.
	f.failing.Store(false)
	clock.Advance(10 * time.Second)
	eventually(t, "the successful retry", func() bool { return mustStats(t, l, "t").Delivered == 1 })
	if s := mustStats(t, l, "t"); s.State != StateUp || s.ConsecutiveFails != 0 || s.QueueDepth != 0 {
		t.Errorf("after a successful retry: %+v", s)
	}
	if got := f.delivered(); got[0].Seq != newest {
		t.Errorf("retried message %d, want the newest, %d", got[0].Seq, newest)
	}

	next := mustSubmit(t, l, "s", nil)
	eventually(t, "normal delivery again", func() bool { return mustStats(t, l, "t").Delivered == 2 })
	if got := f.delivered(); got[1].Seq != next {
		t.Errorf("delivered %d, want %d", got[1].Seq, next)
	}
}

func TestMarkUp(t *testing.T) {
	clock := newFakeClock() // never advanced: no retry fires
	f := &flaky{}
	l := start(t, suspectConfig(clock), f.deliver)
	l.AddTarget("t")
	makeSuspect(t, l, f)
	kept := mustSubmit(t, l, "s", nil)
	eventually(t, "the message kept aside", func() bool { return mustStats(t, l, "t").QueueDepth == 1 })

	f.failing.Store(false)
	l.MarkUp("t")
	if s := mustStats(t, l, "t"); s.State != StateUp || s.ConsecutiveFails != 0 {
		t.Errorf("right after MarkUp: %+v, want up", s)
	}
	eventually(t, "the kept message delivered", func() bool { return mustStats(t, l, "t").Delivered == 1 })
	if got := f.delivered(); got[0].Seq != kept {
		t.Errorf("delivered %d, want %d", got[0].Seq, kept)
	}

	// A ping does not prove that notify works: MarkUp on an up target
	// leaves its failure count alone.
	f.failing.Store(true)
	mustSubmit(t, l, "s", nil)
	eventually(t, "one more failure", func() bool { return mustStats(t, l, "t").ConsecutiveFails == 1 })
	l.MarkUp("t")
	if s := mustStats(t, l, "t"); s.ConsecutiveFails != 1 {
		t.Errorf("MarkUp of an up target: %+v, want 1 consecutive failure", s)
	}
}

// Entering suspect empties the outbox: the newest message is kept, the rest
// dropped, and Drain does not wait for the kept one.
func TestSuspectEmptiesOutbox(t *testing.T) {
	clock := newFakeClock()
	cfg := suspectConfig(clock)
	cfg.SuspectAfter = 1
	attempted := make(chan Message, 1)
	failAfterGate := make(chan struct{})
	deliver := func(ctx context.Context, _ string, m Message) error {
		attempted <- m
		select {
		case <-failAfterGate:
			return errNotify
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	l := start(t, cfg, deliver)
	l.AddTarget("t")
	mustSubmit(t, l, "s", nil)
	receive(t, "the first attempt", attempted)
	var newest uint64
	for range 4 {
		newest = mustSubmit(t, l, "s", nil)
	}
	eventually(t, "all dispatched", func() bool { return mustStats(t, l, "t").QueueDepth == 4 })
	close(failAfterGate)
	eventually(t, "suspect", func() bool { return mustStats(t, l, "t").State == StateSuspect })
	if s := mustStats(t, l, "t"); s.QueueDepth != 1 || s.Dropped != 3 {
		t.Errorf("after the failure: %+v, want 1 kept and 3 dropped", s)
	}
	if err := l.Drain(context.Background()); err != nil {
		t.Errorf("Drain with only a kept message: %v", err)
	}
	eventually(t, "the retry timer", func() bool { return len(clock.waiting()) == 1 })
	clock.Advance(cfg.SuspectRetry)
	if m := receive(t, "the retry", attempted); m.Seq != newest {
		t.Errorf("retried %d, want the newest, %d", m.Seq, newest)
	}
}

func TestDeliverHasDeadline(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DeliverTimeout = 3 * time.Second
	remaining := make(chan time.Duration, 1)
	l := start(t, cfg, func(ctx context.Context, _ string, _ Message) error {
		deadline, ok := ctx.Deadline()
		if !ok {
			remaining <- -1
			return nil
		}
		remaining <- time.Until(deadline)
		return nil
	})
	l.AddTarget("t")
	mustSubmit(t, l, "s", nil)
	if d := receive(t, "a delivery", remaining); d <= 0 || d > cfg.DeliverTimeout {
		t.Errorf("Deliver's deadline is %v away, want within %v", d, cfg.DeliverTimeout)
	}
}

// RemoveTarget cancels the Deliver in flight; a target re-added with the same
// id does not call Deliver until the old call has returned.
func TestRemoveTargetCancelsDeliverAndReAddWaits(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DeliverTimeout = time.Hour
	entered := make(chan Message, 4)
	cancelled := make(chan struct{}, 1)
	letGo := make(chan struct{})
	var inFlight atomic.Int32
	deliver := func(ctx context.Context, _ string, m Message) error {
		if inFlight.Add(1) != 1 {
			t.Errorf("overlapping Deliver calls for one target")
		}
		defer inFlight.Add(-1)
		entered <- m
		if m.Payload != "first" {
			return nil
		}
		<-ctx.Done()
		cancelled <- struct{}{}
		<-letGo // a Deliver slow to notice
		return ctx.Err()
	}
	l := start(t, cfg, deliver)
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(letGo) }) }
	t.Cleanup(release) // before Run's cleanup, which waits for this Deliver
	l.AddTarget("t")
	mustSubmit(t, l, "s", "first")
	receive(t, "the first Deliver", entered)

	l.RemoveTarget("t")
	receive(t, "the cancellation", cancelled)
	l.AddTarget("t")
	mustSubmit(t, l, "s", "second")
	eventually(t, "the second message queued", func() bool { return mustStats(t, l, "t").QueueDepth == 1 })
	select {
	case m := <-entered:
		t.Fatalf("Deliver(%v) started before the removed target's call returned", m.Payload)
	default:
	}

	release()
	if m := receive(t, "the second Deliver", entered); m.Payload != "second" {
		t.Errorf("delivered %v, want second", m.Payload)
	}
	eventually(t, "the outcomes recorded", func() bool {
		tot := l.Totals()
		return tot.Delivered == 1 && tot.Dropped == 1
	})
	if tot := l.Totals(); tot.NotifyFails != 0 {
		t.Errorf("a cancelled delivery counts as a failure: %+v", tot)
	}
}

func TestDropsAreCountedAndLoggedOncePerSecond(t *testing.T) {
	const outbox = 5
	clock := newFakeClock()
	cfg := DefaultConfig()
	clock.use(&cfg)
	cfg.Outbox = outbox
	logs := &logCapture{}
	cfg.Logger = slog.New(logs)
	entered := make(chan struct{}, 1)
	l := start(t, cfg, func(ctx context.Context, _ string, _ Message) error {
		entered <- struct{}{}
		<-ctx.Done() // stuck: everything after the first message queues
		return ctx.Err()
	})
	l.AddTarget("t")
	mustSubmit(t, l, "s", nil)
	receive(t, "the first Deliver", entered)
	for range 19 {
		mustSubmit(t, l, "s", nil)
	}
	eventually(t, "all dispatched", func() bool { return l.Totals().Dispatched == 20 })
	if s := mustStats(t, l, "t"); s.Dropped != 20-1-outbox || s.QueueDepth != outbox {
		t.Errorf("stats %+v, want %d dropped, %d queued", s, 20-1-outbox, outbox)
	}
	if got := l.Totals().Dropped; got != 20-1-outbox {
		t.Errorf("Totals().Dropped = %d", got)
	}

	const msg = "dropped messages for satellite"
	dropLogs := func() []map[string]any { return logs.matching(msg) }
	if got := dropLogs(); len(got) != 1 || got[0]["target"] != "t" || got[0]["level"] != slog.LevelWarn {
		t.Fatalf("drop logs in the first second: %v, want one Warn for t", got)
	}

	clock.Advance(999 * time.Millisecond)
	mustSubmit(t, l, "s", nil)
	eventually(t, "one more drop", func() bool { return mustStats(t, l, "t").Dropped == 20-outbox })
	if got := dropLogs(); len(got) != 1 {
		t.Errorf("%d drop logs within a second, want 1", len(got))
	}

	clock.Advance(time.Millisecond)
	mustSubmit(t, l, "s", nil)
	eventually(t, "the second drop log", func() bool { return len(dropLogs()) == 2 })
	// The first log counted the first drop; 13 more followed in that second,
	// then one for each Submit above.
	const since, total = 13 + 2, 20 - 1 - outbox + 2
	if got := dropLogs()[1]; got["dropped"] != uint64(since) || got["dropped_total"] != uint64(total) {
		t.Errorf("second drop log %v, want %d dropped since the first log, %d in all", got, since, total)
	}
}
