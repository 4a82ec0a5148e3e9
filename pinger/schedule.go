package pinger

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// entry is what the schedule knows about one target. A new entry is made
// when a target (re)appears, so a result can tell whether its target is
// still the one it was sent for.
type entry struct {
	target string
	due    time.Time // next scheduled ping
	index  int       // position in the due queue, kept by dueQueue; -1 once dropped
	listed uint64    // the last read of targets() that listed it
	busy   bool      // waiting for a slot or in flight: a due round is skipped
	fails  int       // consecutive failures
}

// outcome is a finished ping, sent from its goroutine back to the loop.
type outcome struct {
	entry *entry
	at    time.Time
	rtt   time.Duration
	err   error
}

// schedule is the state of one Run. Only the loop goroutine touches it;
// ping goroutines talk to it through results alone. Every loop event costs
// O(log n) in the number of targets, except a read of targets(), which is
// O(n) and so is rate-limited (see refresh.go).
type schedule struct {
	p        *Pinger
	cfg      Config
	start    time.Time
	entries  map[string]*entry
	due      dueQueue // every entry, earliest due first
	waiting  []*entry // due, waiting for a slot, FIFO; dropped entries are skipped
	inFlight int
	// results has room for every ping in flight, so a ping goroutine never
	// blocks on it and exits as soon as its ping returns.
	results chan outcome
	pings   sync.WaitGroup

	refreshEvery time.Duration // the least time between two reads of targets()
	refreshedAt  time.Time     // when targets() was last read
	reads        uint64        // how many times targets() has been read

	timer   <-chan time.Time // nil when no wake-up is armed
	timerAt time.Time
}

func newSchedule(p *Pinger) *schedule {
	return &schedule{
		p:            p,
		cfg:          p.cfg,
		entries:      make(map[string]*entry),
		results:      make(chan outcome, p.cfg.Concurrency),
		refreshEvery: min(p.cfg.Interval, maxRefreshEvery),
	}
}

// run is the loop: the only owner of the schedule and of every ping
// goroutine, which it waits for before returning.
func (s *schedule) run(ctx context.Context) error {
	s.start = s.cfg.Clock.Now()
	// The requests made before Run are taken before the first read of
	// targets(), so that read can vouch for them.
	requests := s.p.takeRequests()
	s.refresh(s.start)
	s.queueDue(s.start)
	s.queueRequested(requests, s.start, true)
	s.launch(ctx)
	for {
		s.arm()
		select {
		case <-ctx.Done():
			s.drain()
			return ctx.Err()
		case <-s.timer:
			s.timer = nil
			now := s.cfg.Clock.Now()
			s.maybeRefresh(now)
			s.queueDue(now)
		case <-s.p.wake:
			requests := s.p.takeRequests() // before the read, as at start
			now := s.cfg.Clock.Now()
			read := s.maybeRefresh(now)
			s.queueRequested(requests, now, read)
		case o := <-s.results:
			s.inFlight--
			s.maybeRefresh(s.cfg.Clock.Now())
			s.settle(ctx, o)
		}
		s.launch(ctx)
	}
}

// arm makes sure a wake-up is set no later than the earliest due ping, and
// no later than one Interval after the last read of targets() (or from now,
// should the clock have gone back) so that targets() is read at least once
// per Interval. An armed wake-up that comes earlier is kept: waking early
// only means looking again, and the Clock has no way to cancel one.
func (s *schedule) arm() {
	now := s.cfg.Clock.Now()
	wakeAt := s.refreshedAt.Add(s.cfg.Interval)
	if latest := now.Add(s.cfg.Interval); wakeAt.After(latest) {
		wakeAt = latest
	}
	if len(s.due) > 0 && s.due.earliest().due.Before(wakeAt) {
		wakeAt = s.due.earliest().due
	}
	if s.timer != nil && !wakeAt.Before(s.timerAt) {
		return
	}
	s.timer = s.cfg.Clock.After(wakeAt.Sub(now))
	s.timerAt = wakeAt
}

// firstDue is target's first slot, start+Jitter(target)+k*Interval, at or
// after now.
func (s *schedule) firstDue(target string, now time.Time) time.Time {
	due := s.start.Add(normalizeOffset(s.cfg.Jitter(target), s.cfg.Interval))
	if due.Before(now) {
		behind := now.Sub(due)
		rounds := (behind + s.cfg.Interval - 1) / s.cfg.Interval
		due = due.Add(rounds * s.cfg.Interval)
	}
	return due
}

// slotAfter is the first of due, due+Interval, due+2*Interval... that is
// after now: missed rounds are skipped, not replayed.
func (s *schedule) slotAfter(due, now time.Time) time.Time {
	if due.After(now) {
		return due
	}
	return due.Add((now.Sub(due)/s.cfg.Interval + 1) * s.cfg.Interval)
}

// queueDue queues every idle target whose ping is due, in order of due time
// (then name, so the order is deterministic), and moves every due target to
// its next slot after now. A busy target skips the round.
func (s *schedule) queueDue(now time.Time) {
	for len(s.due) > 0 && !s.due.earliest().due.After(now) {
		e := s.due.earliest()
		if e.busy {
			s.p.log.Debug("ping round skipped: previous ping not finished", "target", e.target)
		} else {
			s.enqueue(e)
		}
		e.due = s.slotAfter(e.due, now)
		heap.Fix(&s.due, e.index)
	}
}

func (s *schedule) enqueue(e *entry) {
	e.busy = true
	s.waiting = append(s.waiting, e)
}

// launch starts waiting pings while slots are free. An entry dropped while
// it waited is skipped here rather than searched for when it is dropped.
func (s *schedule) launch(ctx context.Context) {
	for s.inFlight < s.cfg.Concurrency && len(s.waiting) > 0 {
		e := s.waiting[0]
		s.waiting[0] = nil
		s.waiting = s.waiting[1:]
		if !s.current(e) {
			continue
		}
		s.inFlight++
		s.pings.Add(1)
		go s.pingOne(ctx, e, s.cfg.Clock.Now())
	}
}

// pingOne runs in its own goroutine: one ping, one outcome, then exit.
func (s *schedule) pingOne(ctx context.Context, e *entry, at time.Time) {
	defer s.pings.Done()
	pctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	rtt, err := s.p.ping(pctx, e.target)
	if err != nil && ctx.Err() == nil && errors.Is(pctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w after %v: %w", ErrTimeout, s.cfg.Timeout, err)
	}
	s.results <- outcome{entry: e, at: at, rtt: rtt, err: err}
}

// settle counts a finished ping, reports it and evicts its target at the
// EvictAfter-th failure in a row.
func (s *schedule) settle(ctx context.Context, o outcome) {
	e := o.entry
	e.busy = false
	if ctx.Err() != nil {
		return // cut short by shutdown: says nothing about the target
	}
	if !s.current(e) {
		s.p.log.Debug("ping result dropped: target left while in flight", "target", e.target)
		return
	}
	if o.err == nil {
		e.fails = 0
	} else {
		e.fails++
		s.p.log.Debug("ping failed", "target", e.target, "consecutive_fails", e.fails, "err", o.err)
	}
	s.p.report(Result{Target: e.target, RTT: o.rtt, Err: o.err, At: o.at, ConsecutiveFails: e.fails})
	if o.err != nil && s.cfg.EvictAfter > 0 && e.fails >= s.cfg.EvictAfter {
		e.fails = 0
		s.p.log.Debug("target evicted", "target", e.target, "consecutive_fails", s.cfg.EvictAfter)
		s.p.evict(e.target)
	}
}

// drain waits, after ctx is cancelled, for every ping in flight to return
// (their contexts are children of ctx) and for its goroutine to exit.
func (s *schedule) drain() {
	for ; s.inFlight > 0; s.inFlight-- {
		<-s.results
	}
	s.pings.Wait()
}
