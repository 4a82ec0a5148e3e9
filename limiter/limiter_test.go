package limiter

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Five senders submit 500 messages each at once; each of the five (the same
// hosts) receives every other sender's messages, in submit order.
func TestOrderPerSenderToEveryTarget(t *testing.T) {
	const hosts, perSender = 5, 500
	cfg := DefaultConfig()
	cfg.SenderQueue = perSender
	cfg.IntakeSize = hosts * perSender
	cfg.Outbox = hosts * perSender // no drops: this test is about order
	rec := newRecorder()
	l := start(t, cfg, rec.deliver)
	ids := make([]string, hosts)
	for i := range ids {
		ids[i] = fmt.Sprintf("10.0.0.%d:7000", i+1)
		l.AddTarget(ids[i])
	}
	t.Cleanup(func() {
		if t.Failed() { // tell a stall from a slow machine
			t.Logf("totals %+v", l.Totals())
			for _, id := range ids {
				s, _ := l.Stats(id)
				t.Logf("%s: received %d, %+v", id, rec.count(id), s)
			}
		}
	})

	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for i := range perSender {
				if _, err := l.Submit(Message{Sender: id, Payload: i}); err != nil {
					t.Errorf("Submit %d from %s: %v", i, id, err)
					return
				}
			}
		})
	}
	wg.Wait()

	want := (hosts - 1) * perSender
	eventually(t, "every target receives every other sender's messages", func() bool {
		for _, id := range ids {
			if rec.count(id) < want {
				return false
			}
		}
		return true
	})
	for _, id := range ids {
		got := rec.messages(id)
		if len(got) != want {
			t.Errorf("%s received %d messages, want %d", id, len(got), want)
		}
		checkSenderOrder(t, id, got)
		next := make(map[string]int)
		for _, m := range got {
			if m.Payload != next[m.Sender] {
				t.Fatalf("%s: from %s got payload %v, want %d", id, m.Sender, m.Payload, next[m.Sender])
			}
			next[m.Sender]++
		}
	}
	if tot := l.Totals(); tot.Delivered != uint64(hosts*want) || tot.Dropped != 0 || tot.Accepted != hosts*perSender {
		t.Errorf("Totals = %+v", tot)
	}
}

// A target whose Deliver never returns and one that is stalled do not delay
// the others; the stalled one gets the newest messages once it moves.
func TestSlowAndDeadTargetsDoNotDelayOthers(t *testing.T) {
	const n, outbox = 100, 10
	cfg := DefaultConfig()
	cfg.Outbox = outbox
	cfg.DeliverTimeout = time.Hour // "dead" blocks until Run stops
	rec := newRecorder()
	slowGate := make(chan struct{})
	var calls sync.Map // target -> *atomic.Int32, Deliver calls begun
	deliver := func(ctx context.Context, target string, m Message) error {
		n, _ := calls.LoadOrStore(target, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		switch target {
		case "dead":
			<-ctx.Done()
			return ctx.Err()
		case "slow":
			select {
			case <-slowGate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return rec.deliver(ctx, target, m)
	}
	l := start(t, cfg, deliver)
	for _, id := range []string{"dead", "slow", "a", "b", "c"} {
		l.AddTarget(id)
	}
	// Let the stuck targets take the first message before the rest arrive,
	// so exactly one is in flight for each and the drop count is exact.
	mustSubmit(t, l, "sender", 0)
	eventually(t, "dead and slow have a delivery in flight", func() bool {
		dead, okDead := calls.Load("dead")
		slow, okSlow := calls.Load("slow")
		return okDead && okSlow && dead.(*atomic.Int32).Load() == 1 && slow.(*atomic.Int32).Load() == 1
	})
	// Each message reaches the healthy targets while the others are stuck.
	for i := 1; i < n; i++ {
		mustSubmit(t, l, "sender", i)
		eventually(t, fmt.Sprintf("message %d at the healthy targets", i), func() bool {
			return rec.count("a") == i+1 && rec.count("b") == i+1 && rec.count("c") == i+1
		})
	}
	for _, id := range []string{"a", "b", "c"} {
		checkSenderOrder(t, id, rec.messages(id))
	}
	eventually(t, "every message dispatched", func() bool { return l.Totals().Dispatched == n })
	for _, id := range []string{"dead", "slow"} {
		// One message in flight, a full outbox, the rest dropped.
		if s := mustStats(t, l, id); s.QueueDepth != outbox || s.Dropped != n-1-outbox || s.Delivered != 0 {
			t.Errorf("%s: %+v, want depth %d, dropped %d", id, s, outbox, n-1-outbox)
		}
	}

	close(slowGate)
	eventually(t, "the slow target catches up", func() bool { return rec.count("slow") == outbox+1 })
	got := rec.messages("slow")
	checkSenderOrder(t, "slow", got)
	for i, m := range got[1:] {
		if want := uint64(n - outbox + 1 + i); m.Seq != want {
			t.Errorf("slow: message %d has Seq %d, want %d (the newest survive)", i+1, m.Seq, want)
		}
	}
}

// At the intake: with 50 flood messages queued ahead of it, the quiet
// sender's message is the second one dispatched, not the 51st. The relay's
// rate (on a fake clock) lets one message through per step, so the intake
// stays loaded and the order of dispatch is visible.
func TestFloodingSenderDoesNotStarveQuietSenderAtIntake(t *testing.T) {
	clock := newFakeClock()
	cfg := DefaultConfig()
	clock.use(&cfg)
	cfg.Rate, cfg.Burst = 1, 1
	cfg.SenderQueue = 50
	rec := newRecorder()
	l := New(cfg, OneByOne(rec.deliver))
	l.AddTarget("t")
	for {
		if _, err := l.Submit(Message{Sender: "flooder"}); errors.Is(err, ErrQueueFull) {
			break
		}
	}
	quiet := mustSubmit(t, l, "quiet", nil)
	run(t, l)

	for step := 1; step <= 2; step++ {
		eventually(t, fmt.Sprintf("dispatch %d", step), func() bool {
			return rec.count("t") == step && len(clock.waiting()) == 1
		})
		if got := rec.messages("t"); got[step-1].Seq == quiet {
			return
		}
		clock.Advance(time.Second)
	}
	t.Fatal("the quiet sender's message is not among the first 2 dispatched")
}

// At a target: while a sender floods the relay as fast as it can and the
// target's outbox is full of the flood, the quiet sender's message is
// delivered within 3 deliveries after its dispatch (the one in flight, at
// most one flood message, then it), not behind the 20 queued.
func TestFloodingSenderDoesNotStarveQuietSenderAtTarget(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SenderQueue = 50
	cfg.Outbox = 20
	release := make(chan struct{})
	delivered := make(chan Message, 10)
	deliver := func(ctx context.Context, _ string, m Message) error {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		delivered <- m
		return nil
	}
	l := start(t, cfg, deliver)
	l.AddTarget("receiver")

	stop := make(chan struct{})
	var flooder sync.WaitGroup
	flooder.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := l.Submit(Message{Sender: "flooder"}); errors.Is(err, ErrQueueFull) {
				runtime.Gosched()
			}
		}
	})
	t.Cleanup(func() { close(stop); flooder.Wait() })

	eventually(t, "the flood fills the intake and the outbox", func() bool {
		s, _ := l.Stats("receiver")
		return s.Dropped > 100 && l.Totals().Rejected > 0
	})
	quiet, err := l.Submit(Message{Sender: "quiet"})
	if err != nil {
		t.Fatalf("the quiet sender is refused while the flooder's queue is full: %v", err)
	}
	// Round-robin at the intake: after the dispatch in progress and at most
	// one flood message, the quiet message is the third.
	before := l.Totals().Dispatched
	eventually(t, "3 more dispatches", func() bool { return l.Totals().Dispatched >= before+3 })

	for i := 1; ; i++ {
		release <- struct{}{}
		m := receive(t, "a delivery", delivered)
		if m.Seq == quiet {
			break
		}
		if i == 3 {
			t.Fatalf("the quiet sender's message is not among the first 3 deliveries after its dispatch")
		}
	}
}

func TestSubmitQueueFull(t *testing.T) {
	tests := []struct {
		name        string
		senderQueue int
		intakeSize  int
		senders     string // one Submit per letter, the letter is the sender
		wantFull    string // '.' accepted, 'F' ErrQueueFull
	}{
		{"a sender's queue is full", 2, 10, "aaab", "..F."},
		{"the intake is full", 10, 3, "abcd", "...F"},
		{"one sender cannot fill the intake", 2, 3, "aaabcb", "..F.FF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.SenderQueue, cfg.IntakeSize = tt.senderQueue, tt.intakeSize
			l := New(cfg, OneByOne(newRecorder().deliver)) // not running: nothing leaves the intake
			var wantSeq uint64
			for i, sender := range tt.senders {
				seq, err := l.Submit(Message{Sender: string(sender)})
				if tt.wantFull[i] == 'F' {
					if !errors.Is(err, ErrQueueFull) || seq != 0 {
						t.Errorf("Submit %d: (%d, %v), want ErrQueueFull", i, seq, err)
					}
					continue
				}
				wantSeq++
				if err != nil || seq != wantSeq {
					t.Errorf("Submit %d: (%d, %v), want (%d, nil)", i, seq, err, wantSeq)
				}
			}
			tot := l.Totals()
			if tot.Accepted != wantSeq || tot.Rejected != uint64(len(tt.senders))-wantSeq || tot.IntakeDepth != int(wantSeq) {
				t.Errorf("Totals = %+v", tot)
			}
		})
	}
}

func TestSubmitRefusedOnceClosed(t *testing.T) {
	tests := []struct {
		name  string
		close func(t *testing.T, l *Limiter)
	}{
		{"after Drain", func(t *testing.T, l *Limiter) {
			if err := l.Drain(context.Background()); err != nil {
				t.Fatalf("Drain of an empty limiter: %v", err)
			}
		}},
		{"after Run returned", func(t *testing.T, l *Limiter) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := l.Run(ctx); err != nil {
				t.Fatalf("Run: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(DefaultConfig(), OneByOne(newRecorder().deliver))
			tt.close(t, l)
			if _, err := l.Submit(Message{Sender: "a"}); !errors.Is(err, ErrClosed) {
				t.Errorf("Submit: %v, want ErrClosed", err)
			}
			if tot := l.Totals(); tot.Accepted != 0 || tot.Rejected != 0 {
				t.Errorf("Totals = %+v", tot)
			}
		})
	}
}

func TestRunTwice(t *testing.T) {
	l := start(t, DefaultConfig(), newRecorder().deliver)
	eventually(t, "Run has started", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.phase == running
	})
	if err := l.Run(context.Background()); err == nil {
		t.Error("a second Run returned nil")
	}
}

func TestTargetsBeforeRunAndDuplicates(t *testing.T) {
	rec := newRecorder()
	l := New(DefaultConfig(), OneByOne(rec.deliver))
	l.AddTarget("a")
	l.AddTarget("b")
	l.AddTarget("gone")
	l.RemoveTarget("gone")
	l.RemoveTarget("never-added")
	l.MarkUp("never-added")
	mustSubmit(t, l, "b", "before Run")

	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- l.Run(ctx) }()
	defer func() { cancel(); <-ran }()

	eventually(t, "the message queued before Run is delivered", func() bool { return rec.count("a") == 1 })
	l.AddTarget("a") // no-op: keeps its statistics
	if s := mustStats(t, l, "a"); s.Delivered != 1 {
		t.Errorf("a re-added: %+v", s)
	}
	if _, ok := l.Stats("gone"); ok {
		t.Error("Stats of a removed target: ok")
	}
	if tot := l.Totals(); tot.Targets != 2 {
		t.Errorf("Targets = %d, want 2", tot.Targets)
	}
}

// Senders keep submitting while targets come and go: the stable targets get
// everything in order, every target's deliveries stay in order, and nothing
// leaks (start checks).
func TestAddRemoveWhileMessagesFlow(t *testing.T) {
	const senders, perSender = 3, 300
	cfg := DefaultConfig()
	cfg.Outbox = senders * perSender
	rec := newRecorder()
	var overlap sync.Map // target -> *sync.Mutex held during its Deliver calls
	deliver := func(ctx context.Context, target string, m Message) error {
		v, _ := overlap.LoadOrStore(target, new(sync.Mutex))
		if !v.(*sync.Mutex).TryLock() {
			t.Errorf("overlapping Deliver calls for %s", target)
			return nil
		}
		defer v.(*sync.Mutex).Unlock()
		return rec.deliver(ctx, target, m)
	}
	l := start(t, cfg, deliver)
	l.AddTarget("stable-1")
	l.AddTarget("stable-2")

	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range perSender {
				for {
					_, err := l.Submit(Message{Sender: fmt.Sprint("sender-", s), Payload: i})
					if err == nil {
						break
					}
					if !errors.Is(err, ErrQueueFull) {
						t.Errorf("Submit: %v", err)
						return
					}
					runtime.Gosched()
				}
			}
		})
	}
	churned := []string{"churn-1", "churn-2", "sender-0"}
	wg.Go(func() {
		for i := range 200 {
			id := churned[i%len(churned)]
			l.AddTarget(id)
			if i%2 == 1 {
				l.MarkUp(id)
			}
			l.RemoveTarget(churned[(i+1)%len(churned)])
		}
	})
	wg.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	for _, id := range []string{"stable-1", "stable-2"} {
		if got := rec.count(id); got != senders*perSender {
			t.Errorf("%s received %d, want %d", id, got, senders*perSender)
		}
	}
	for _, id := range append(churned, "stable-1", "stable-2") {
		checkSenderOrder(t, id, rec.messages(id))
	}
}

// Senders with nothing queued are forgotten, so the sender map does not grow
// with every host that ever relayed.
func TestIdleSendersAreForgotten(t *testing.T) {
	cfg := DefaultConfig()
	cfg.IntakeSize = sweepEvery
	l := New(cfg, OneByOne(newRecorder().deliver))
	for i := range sweepEvery {
		mustSubmit(t, l, fmt.Sprint("host-", i), nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- l.Run(ctx) }()
	defer func() { cancel(); <-ran }()
	eventually(t, "every message dispatched", func() bool { return l.Totals().Dispatched == sweepEvery })
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.senders); n != 0 {
		t.Errorf("%d idle senders remembered", n)
	}
}

// A target removed and added twice while its first pump is still inside
// Deliver: the third pump must not call Deliver before the first has
// returned, even though the second was removed before it ever ran.
func TestReAddedTargetWaitsForEveryEarlierPump(t *testing.T) {
	cfg := DefaultConfig()
	inFirst := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	active, calls := 0, 0
	deliver := func(ctx context.Context, target string, m Message) error {
		mu.Lock()
		active++
		calls++
		call := calls
		overlap := active > 1
		mu.Unlock()
		defer func() { mu.Lock(); active--; mu.Unlock() }()
		if overlap {
			t.Errorf("call %d overlaps another Deliver for %s", call, target)
		}
		if call == 1 {
			close(inFirst)
			<-ctx.Done()
			<-release // a Deliver slow to notice its cancellation
		}
		return nil
	}
	l := start(t, cfg, deliver)
	l.AddTarget("x")
	if _, err := l.Submit(Message{Sender: "s", Payload: 1}); err != nil {
		t.Fatal(err)
	}
	<-inFirst
	l.RemoveTarget("x") // first pump: cancelled, still in Deliver
	l.AddTarget("x")    // second pump: waits for the first
	l.RemoveTarget("x") // second pump: cancelled while waiting
	l.AddTarget("x")    // third pump: must wait for the first too
	if _, err := l.Submit(Message{Sender: "s", Payload: 2}); err != nil {
		t.Fatal(err)
	}
	close(release)
	eventually(t, "the third pump delivers", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return calls == 2
	})
}
