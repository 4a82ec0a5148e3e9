package limiter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"golang.org/x/time/rate"
)

var (
	// ErrQueueFull is wrapped by Submit when the sender's intake queue or the
	// whole intake is full. The caller may retry later.
	ErrQueueFull = errors.New("limiter: relay queue full")
	// ErrClosed is wrapped by Submit once Drain has begun or Run has
	// returned, and by Drain when Run returns first.
	ErrClosed = errors.New("limiter: closed")

	errRunTwice = errors.New("limiter: Run called more than once")
)

// Message is one relayed message on its way to the other satellites.
type Message struct {
	Sender  string // host_id of the sender; it never receives its own message
	Payload any    // opaque to the limiter, shared by every target: read only
	Seq     uint64 // set by Submit: 1, 2, 3... in the order Submit accepted them
}

// Deliver sends batch to target: one message, or up to the target's batch
// size (SetBatch) taken in the outbox's fair order, to be delivered in the
// order given. It must return when ctx is done. It is called from the
// target's pump only, so calls for one target never overlap. The pump reuses
// batch once Deliver returns: Deliver must not keep it.
//
// It returns nil when every message was delivered, ItemErrors when the
// target answered for each message separately, and any other error when the
// batch as a whole failed (see the drop and suspect policies in the package
// doc).
type Deliver func(ctx context.Context, target string, batch []Message) error

// Limiter is the fan-out. Create it with New, start it with Run.
type Limiter struct {
	cfg     Config
	deliver Deliver
	log     *slog.Logger
	global  *rate.Limiter // nil when Rate is 0
	wake    chan struct{} // dispatcher doorbell, capacity 1
	done    chan struct{} // closed when Run returns
	wg      sync.WaitGroup
	work    pending
	totals  counters

	mu          sync.Mutex // guards the fields below
	phase       runPhase
	runCtx      context.Context // parent of the pumps' contexts while running
	closed      bool            // Submit refuses: Drain began or Run returned
	seq         uint64
	senders     map[string]*sender
	turns       fifo[*sender] // senders with queued messages, in serving order
	intakeDepth int
	targets     map[string]*target
	fanout      []*target          // the targets in order of AddTarget; items are never modified, only appended
	retiring    map[string]*target // removed targets whose pump is still running
	sinceSweep  int                // dispatches since idle senders were forgotten

	// Submit's refusals, made once: a flooding sender meets them at every
	// call, and the numbers in them are the configured caps.
	errIntakeFull, errSenderFull error
}

type runPhase int

const (
	notStarted runPhase = iota
	running
	stopped
)

// sender is one sender's intake queue and rate.
type sender struct {
	id     string
	queue  fifo[Message]
	lim    *rate.Limiter // nil when SenderRate is 0
	queued bool          // in Limiter.turns
}

// New returns a Limiter that delivers with deliver. It panics if
// cfg.Validate fails: start from DefaultConfig. A nil cfg.Logger discards.
func New(cfg Config, deliver Deliver) *Limiter {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if deliver == nil {
		panic("limiter: New with a nil Deliver")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	l := &Limiter{
		cfg:      cfg,
		deliver:  deliver,
		log:      logger.With("component", "limiter"),
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		senders:  make(map[string]*sender),
		targets:  make(map[string]*target),
		retiring: make(map[string]*target),

		errIntakeFull: fmt.Errorf("%w: the relay holds %d messages waiting for dispatch", ErrQueueFull, cfg.IntakeSize),
		errSenderFull: fmt.Errorf("%w: the sender has %d messages waiting for dispatch", ErrQueueFull, cfg.SenderQueue),
	}
	if cfg.Rate > 0 {
		l.global = rate.NewLimiter(rate.Limit(cfg.Rate), cfg.Burst)
	}
	return l
}

// Run starts the pumps of the targets added so far and runs the dispatcher
// until ctx is done. Then it stops the intake, cancels every pump (and so
// every Deliver in flight) and returns nil once all of them have exited.
// Messages still queued are abandoned. Run may be called once.
func (l *Limiter) Run(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.mu.Lock()
	if l.phase != notStarted {
		l.mu.Unlock()
		return errRunTwice
	}
	l.phase = running
	l.runCtx = runCtx
	for _, t := range l.fanout {
		l.startPumpLocked(t)
	}
	l.mu.Unlock()

	l.dispatch(runCtx)

	l.mu.Lock()
	l.phase = stopped // no pump starts after this, so Wait cannot race an Add
	l.closed = true
	l.mu.Unlock()
	cancel()
	l.wg.Wait()
	close(l.done)
	return nil
}

// Submit queues m for every target except m.Sender and returns its sequence
// number. It never blocks: it fails with an error wrapping ErrQueueFull when
// the sender's queue or the intake is full, and with ErrClosed once Drain has
// begun or Run has returned.
func (l *Limiter) Submit(m Message) (seq uint64, err error) {
	l.mu.Lock()
	if err := l.admitLocked(m.Sender); err != nil {
		l.mu.Unlock()
		if errors.Is(err, ErrQueueFull) {
			l.totals.rejected.Add(1)
		}
		return 0, err
	}
	s := l.senders[m.Sender]
	if s == nil {
		s = l.newSender(m.Sender)
		l.senders[m.Sender] = s
	}
	l.seq++
	m.Seq = l.seq
	s.queue.push(m)
	if !s.queued {
		s.queued = true
		l.turns.push(s)
	}
	l.intakeDepth++
	l.work.add(1)
	l.mu.Unlock()

	l.totals.accepted.Add(1)
	select {
	case l.wake <- struct{}{}:
	default: // the dispatcher has a wake-up pending already
	}
	return m.Seq, nil
}

func (l *Limiter) admitLocked(id string) error {
	if l.closed {
		return ErrClosed
	}
	if l.intakeDepth >= l.cfg.IntakeSize {
		return l.errIntakeFull
	}
	if s := l.senders[id]; s != nil && s.queue.len() >= l.cfg.SenderQueue {
		return l.errSenderFull
	}
	return nil
}

func (l *Limiter) newSender(id string) *sender {
	s := &sender{id: id}
	if l.cfg.SenderRate > 0 {
		s.lim = rate.NewLimiter(rate.Limit(l.cfg.SenderRate), l.cfg.SenderBurst)
	}
	return s
}

// AddTarget registers a target and, while Run runs, starts its pump. Adding a
// target that exists does nothing. A target added before Run gets its pump
// when Run starts; one added after Run returned never gets one.
func (l *Limiter) AddTarget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.targets[id]; ok {
		return
	}
	t := newTarget(id, l.cfg.Outbox)
	// A pump of a removed target with this id may still be in Deliver; the
	// new pump waits for it so that calls for one target never overlap.
	t.prev = l.retiring[id]
	l.targets[id] = t
	// Appending in place is safe for the dispatcher's snapshots: it writes
	// only past their ends. Copying here instead made 10,000 registrations
	// quadratic.
	l.fanout = append(l.fanout, t)
	if l.phase == running {
		l.startPumpLocked(t)
	}
}

// RemoveTarget forgets a target: its queued messages are discarded (counted
// as dropped in Totals), its pump stops and a Deliver in flight for it is
// cancelled. It does not wait for the pump to exit. Unknown ids are ignored.
func (l *Limiter) RemoveTarget(id string) {
	l.mu.Lock()
	t := l.targets[id]
	if t == nil {
		l.mu.Unlock()
		return
	}
	delete(l.targets, id)
	fanout := make([]*target, 0, len(l.fanout))
	for _, other := range l.fanout {
		if other != t {
			fanout = append(fanout, other)
		}
	}
	l.fanout = fanout
	if t.started {
		l.retiring[id] = t
		t.cancel()
	} else {
		close(t.exited)
	}
	l.mu.Unlock()
	l.discard(t)
}

// MarkUp tells the limiter that the target answered (a ping succeeded). A
// suspect target is up again at once and the message kept aside for it is
// queued; a target that is up is left alone. Unknown ids are ignored.
func (l *Limiter) MarkUp(id string) {
	if t := l.target(id); t != nil {
		l.markUp(t)
	}
}

func (l *Limiter) target(id string) *target {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.targets[id]
}

// startPumpLocked starts t's pump; l.mu must be held and Run running.
func (l *Limiter) startPumpLocked(t *target) {
	ctx, cancel := context.WithCancel(l.runCtx)
	t.cancel = cancel
	t.started = true
	l.wg.Add(1)
	go l.pump(ctx, t)
}

// pumpExited is the last thing t's pump does.
func (l *Limiter) pumpExited(t *target) {
	l.mu.Lock()
	if l.retiring[t.id] == t {
		delete(l.retiring, t.id)
	}
	close(t.exited)
	l.mu.Unlock()
}
