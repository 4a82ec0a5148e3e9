package limiter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// gatedBatches is a Deliver that reports each batch it is given, then waits
// for the test to answer it with an error (nil: delivered).
type gatedBatches struct {
	entered chan []Message
	answer  chan error
}

func newGatedBatches() *gatedBatches {
	return &gatedBatches{entered: make(chan []Message, 1), answer: make(chan error)}
}

func (g *gatedBatches) deliver(ctx context.Context, _ string, batch []Message) error {
	g.entered <- slices.Clone(batch) // the pump reuses batch
	select {
	case err := <-g.answer:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next waits for the next Deliver call and returns the payloads of its batch.
func (g *gatedBatches) next(t *testing.T) []string {
	t.Helper()
	return payloads(receive(t, "a Deliver call", g.entered))
}

// A batch is the outbox's next messages in its usual round-robin order, so
// each sender's order holds and senders alternate inside a batch too.
func TestBatchTakesTheFairOrder(t *testing.T) {
	g := newGatedBatches()
	l := startBatch(t, DefaultConfig(), g.deliver)
	l.AddTarget("t")
	l.SetBatch("t", 4)
	mustSubmit(t, l, "a", "a0")
	if got := g.next(t); !slices.Equal(got, []string{"a0"}) {
		t.Fatalf("first call %v, want [a0]", got)
	}
	// While a0 is in flight the outbox fills: a first, so a is first in line.
	mustSubmit(t, l, "a", "a1")
	eventually(t, "a1 queued", func() bool { return mustStats(t, l, "t").QueueDepth == 1 })
	for _, p := range []string{"a2", "a3", "a4", "a5", "b1", "b2"} {
		mustSubmit(t, l, p[:1], p)
	}
	eventually(t, "7 queued", func() bool { return mustStats(t, l, "t").QueueDepth == 7 })

	g.answer <- nil
	if got, want := g.next(t), []string{"a1", "b1", "a2", "b2"}; !slices.Equal(got, want) {
		t.Errorf("second call %v, want %v", got, want)
	}
	g.answer <- nil
	if got, want := g.next(t), []string{"a3", "a4", "a5"}; !slices.Equal(got, want) {
		t.Errorf("third call %v, want %v", got, want)
	}
	g.answer <- nil
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := l.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if s := mustStats(t, l, "t"); s.Delivered != 8 || s.QueueDepth != 0 || s.NotifyFails != 0 || s.Batch != 4 {
		t.Errorf("stats %+v, want 8 delivered in batches of 4", s)
	}
}

// Many senders, targets with different batch sizes: every target gets every
// other sender's messages in order, never more per call than its size.
func TestBatchKeepsOrderPerSender(t *testing.T) {
	const hosts, perSender = 4, 300
	cfg := DefaultConfig()
	cfg.SenderQueue = perSender
	cfg.IntakeSize = hosts * perSender
	cfg.Outbox = hosts * perSender
	var mu sync.Mutex
	got := map[string][]Message{}
	largest := map[string]int{}
	deliver := func(_ context.Context, target string, batch []Message) error {
		mu.Lock()
		defer mu.Unlock()
		got[target] = append(got[target], batch...)
		largest[target] = max(largest[target], len(batch))
		return nil
	}
	l := startBatch(t, cfg, deliver)
	ids := make([]string, hosts)
	for i := range ids {
		ids[i] = fmt.Sprint("host-", i)
		l.AddTarget(ids[i])
		l.SetBatch(ids[i], 1+i*5) // 1, 6, 11, 16
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for i := range perSender {
				if _, err := l.Submit(Message{Sender: id, Payload: i}); err != nil {
					t.Errorf("Submit: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := l.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, id := range ids {
		if n := len(got[id]); n != (hosts-1)*perSender {
			t.Errorf("%s received %d, want %d", id, n, (hosts-1)*perSender)
		}
		checkSenderOrder(t, id, got[id])
		if largest[id] > 1+i*5 {
			t.Errorf("%s got a batch of %d, its size is %d", id, largest[id], 1+i*5)
		}
	}
}

// Per-message faults count for their messages only; a call counts toward
// suspect once, and only when none of its messages was delivered.
func TestBatchFailuresAndSuspect(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SuspectAfter = 3
	g := newGatedBatches()
	l := startBatch(t, cfg, g.deliver)
	l.AddTarget("t")
	l.SetBatch("t", 8)

	// queue sends a message that the pump takes alone, then n more that wait
	// behind it and go as one batch.
	queue := func(first string, rest ...string) {
		t.Helper()
		mustSubmit(t, l, "s", first)
		if got := g.next(t); !slices.Equal(got, []string{first}) {
			t.Fatalf("call %v, want [%s]", got, first)
		}
		depth := mustStats(t, l, "t").QueueDepth
		for _, p := range rest {
			mustSubmit(t, l, "s", p)
		}
		eventually(t, "the batch queued", func() bool { return mustStats(t, l, "t").QueueDepth == depth+len(rest) })
	}
	stats := func(want TargetStats) {
		t.Helper()
		eventually(t, fmt.Sprintf("stats %+v", want), func() bool { return mustStats(t, l, "t") == want })
	}

	queue("m1", "m2", "m3", "m4")
	g.answer <- nil // m1 delivered
	g.next(t)
	g.answer <- ItemErrors{nil, errNotify, nil} // m2 and m4 delivered, m3 faulted
	stats(TargetStats{Delivered: 3, NotifyFails: 1, Batch: 8})

	queue("m5", "m6", "m7", "m8", "m9")
	g.answer <- ItemErrors{errNotify}
	g.next(t)
	g.answer <- ItemErrors{errNotify, errNotify, errNotify, errNotify} // every message faulted
	stats(TargetStats{Delivered: 3, NotifyFails: 6, ConsecutiveFails: 2, Batch: 8})

	// A whole batch that fails (the target could not be reached) fails
	// each message and counts once: the third failed call in a row.
	queue("m10", "m11", "m12")
	g.answer <- nil
	g.next(t)
	g.answer <- errNotify
	stats(TargetStats{Delivered: 4, NotifyFails: 8, ConsecutiveFails: 1, Batch: 8})
	queue("m13", "m14")
	g.answer <- errNotify
	g.next(t)
	// m14 is in flight; m15 arrives and waits behind it.
	mustSubmit(t, l, "s", "m15")
	eventually(t, "m15 queued", func() bool { return mustStats(t, l, "t").QueueDepth == 1 })
	g.answer <- errNotify
	stats(TargetStats{Delivered: 4, NotifyFails: 10, ConsecutiveFails: 3, State: StateSuspect, QueueDepth: 1, Batch: 8})

	// Suspect: the kept message is retried alone, and a success ends it.
	l.MarkUp("t")
	if got := g.next(t); !slices.Equal(got, []string{"m15"}) {
		t.Errorf("after MarkUp %v, want [m15]", got)
	}
	g.answer <- nil
	stats(TargetStats{Delivered: 5, NotifyFails: 10, Batch: 8})
}

func TestSetBatch(t *testing.T) {
	tests := []struct {
		name string
		set  int
		want int
	}{
		{"batches of 32", 32, 32},
		{"1 is no batching", 1, 1},
		{"0 counts as 1", 0, 1},
		{"negative counts as 1", -5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(DefaultConfig(), OneByOne(newRecorder().deliver))
			l.AddTarget("t")
			if s := mustStats(t, l, "t"); s.Batch != 1 {
				t.Errorf("new target: Batch %d, want 1", s.Batch)
			}
			l.SetBatch("t", tt.set)
			if s := mustStats(t, l, "t"); s.Batch != tt.want {
				t.Errorf("SetBatch(%d): Batch %d, want %d", tt.set, s.Batch, tt.want)
			}
			l.SetBatch("unknown", tt.set) // ignored
			l.RemoveTarget("t")
			l.AddTarget("t")
			if s := mustStats(t, l, "t"); s.Batch != 1 {
				t.Errorf("added again: Batch %d, want 1", s.Batch)
			}
		})
	}
}

func TestJudge(t *testing.T) {
	batch := []Message{{Seq: 4}, {Seq: 2}, {Seq: 7}}
	errTransport := errors.New("connection refused")
	tests := []struct {
		name    string
		err     error
		stopped bool
		want    outcome
	}{
		{"all delivered", nil, false, outcome{delivered: 3, firstFailed: -1, newestFailed: -1}},
		{"whole batch failed", errTransport, false, outcome{failed: 3, firstFailed: 0, newestFailed: 2, err: errTransport}},
		{"whole batch cut short", context.Canceled, true, outcome{lost: 3, firstFailed: -1, newestFailed: -1, err: context.Canceled}},
		{"one message faulted", ItemErrors{nil, errNotify, nil}, false, outcome{delivered: 2, failed: 1, firstFailed: 1, newestFailed: 1, err: errNotify}},
		{"two faulted: the newest is the one accepted last", ItemErrors{errNotify, errTransport, nil}, false, outcome{delivered: 1, failed: 2, firstFailed: 0, newestFailed: 0, err: errNotify}},
		{"wrapped item errors", fmt.Errorf("multicall: %w", ItemErrors{nil, nil, errNotify}), false, outcome{delivered: 2, failed: 1, firstFailed: 2, newestFailed: 2, err: errNotify}},
		{"item errors of the wrong length fail the batch", ItemErrors{nil}, false, outcome{failed: 3, firstFailed: 0, newestFailed: 2, err: ItemErrors{nil}}},
		{"faults after the stop are lost, not failed", ItemErrors{nil, context.Canceled, context.Canceled}, true, outcome{delivered: 1, lost: 2, firstFailed: -1, newestFailed: -1, err: ItemErrors{nil, context.Canceled, context.Canceled}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(batch, tt.err, tt.stopped)
			gotErr, wantErr := got.err, tt.want.err
			got.err, tt.want.err = nil, nil
			if got != tt.want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("judge = %+v (err %v), want %+v (err %v)", got, gotErr, tt.want, wantErr)
			}
		})
	}
}

func TestOneByOne(t *testing.T) {
	tests := []struct {
		name     string
		payloads []string // "fail" fails
		want     error
	}{
		{"one delivered", []string{"ok"}, nil},
		{"one failed is its own error", []string{"fail"}, errNotify},
		{"several delivered", []string{"ok", "ok", "ok"}, nil},
		{"one of several failed", []string{"ok", "fail", "ok"}, ItemErrors{nil, errNotify, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []string
			deliver := OneByOne(func(_ context.Context, _ string, m Message) error {
				seen = append(seen, m.Payload.(string))
				if m.Payload == "fail" {
					return errNotify
				}
				return nil
			})
			batch := make([]Message, len(tt.payloads))
			for i, p := range tt.payloads {
				batch[i] = Message{Payload: p}
			}
			err := deliver(context.Background(), "t", batch)
			if fmt.Sprint(err) != fmt.Sprint(tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if !slices.Equal(seen, tt.payloads) {
				t.Errorf("delivered %v, want each in order: %v", seen, tt.payloads)
			}
		})
	}
}

func TestItemErrorsText(t *testing.T) {
	got := ItemErrors{nil, errNotify, errors.New("later")}.Error()
	if !strings.HasPrefix(got, "2 of 3 messages failed") || !strings.Contains(got, errNotify.Error()) {
		t.Errorf("ItemErrors text %q", got)
	}
}

// The deadline of a call covers the whole batch.
func TestBatchCallHasOneDeadline(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DeliverTimeout = 3 * time.Second
	deadlines := make(chan time.Duration, 1)
	l := startBatch(t, cfg, func(ctx context.Context, _ string, batch []Message) error {
		d, ok := ctx.Deadline()
		if !ok {
			deadlines <- -1
		} else {
			deadlines <- time.Until(d)
		}
		return nil
	})
	l.AddTarget("t")
	l.SetBatch("t", 10)
	mustSubmit(t, l, "s", nil)
	if d := receive(t, "a call", deadlines); d <= 0 || d > cfg.DeliverTimeout {
		t.Errorf("the call's deadline is %v away, want within %v", d, cfg.DeliverTimeout)
	}
}
