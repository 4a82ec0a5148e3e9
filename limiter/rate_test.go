package limiter

import (
	"slices"
	"testing"
	"time"
)

func payloads(ms []Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i], _ = m.Payload.(string)
	}
	return out
}

// waitForRateTimer waits until the dispatcher sleeps on a rate timer, then
// checks what it dispatched and that it is not spinning.
func waitForRateTimer(t *testing.T, l *Limiter, clock *fakeClock, rec *recorder, want []string) {
	t.Helper()
	eventually(t, "the dispatcher waits for tokens", func() bool {
		return len(clock.waiting()) > 0 && rec.count("t") == len(want)
	})
	if got := payloads(rec.messages("t")); !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
	if d := l.Totals().Dispatched; d != uint64(len(want)) {
		t.Errorf("dispatched %d, want %d", d, len(want))
	}
	// One timer until it fires: a spinning dispatcher would pile them up.
	if w := clock.waiting(); !slices.Equal(w, []time.Duration{time.Second}) {
		t.Errorf("timers %v, want one of 1s", w)
	}
}

// The relay-wide rate is shared round-robin between senders.
func TestRateIsSharedRoundRobin(t *testing.T) {
	clock := newFakeClock()
	cfg := DefaultConfig()
	clock.use(&cfg)
	cfg.Rate, cfg.Burst = 1, 3
	rec := newRecorder()
	l := New(cfg, OneByOne(rec.deliver))
	l.AddTarget("t")
	for _, p := range []string{"a1", "a2", "a3", "b1", "b2"} {
		mustSubmit(t, l, p[:1], p)
	}
	run(t, l)

	waitForRateTimer(t, l, clock, rec, []string{"a1", "b1", "a2"})
	clock.Advance(time.Second)
	waitForRateTimer(t, l, clock, rec, []string{"a1", "b1", "a2", "b2"})
}

// A sender over its own rate is skipped, not waited for: another sender's
// message goes out at once while the clock stands still.
func TestSenderRateSkipsOnlyThatSender(t *testing.T) {
	clock := newFakeClock()
	cfg := DefaultConfig()
	clock.use(&cfg)
	cfg.SenderRate, cfg.SenderBurst = 1, 2
	rec := newRecorder()
	l := New(cfg, OneByOne(rec.deliver))
	l.AddTarget("t")
	for _, p := range []string{"a1", "a2", "a3", "a4", "b1"} {
		mustSubmit(t, l, p[:1], p)
	}
	run(t, l)

	waitForRateTimer(t, l, clock, rec, []string{"a1", "b1", "a2"})
	mustSubmit(t, l, "b", "b2")
	eventually(t, "b2 dispatched without waiting", func() bool { return rec.count("t") == 4 })
	clock.Advance(time.Second)
	eventually(t, "a3 after a second", func() bool { return rec.count("t") == 5 })
	if got, want := payloads(rec.messages("t")), []string{"a1", "b1", "a2", "b2", "a3"}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}
