package pinger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// entry is what the schedule knows about one target. A new entry is made
// when a target (re)appears, so a result can tell whether its target is
// still the one it was sent for.
type entry struct {
	target string
	due    time.Time // next scheduled ping
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
// ping goroutines talk to it through results alone.
type schedule struct {
	p        *Pinger
	cfg      Config
	start    time.Time
	entries  map[string]*entry
	waiting  []*entry // due, waiting for a slot, FIFO
	inFlight int
	// results has room for every ping in flight, so a ping goroutine never
	// blocks on it and exits as soon as its ping returns.
	results chan outcome
	pings   sync.WaitGroup

	timer   <-chan time.Time // nil when no wake-up is armed
	timerAt time.Time
}

func newSchedule(p *Pinger) *schedule {
	return &schedule{
		p:       p,
		cfg:     p.cfg,
		entries: make(map[string]*entry),
		results: make(chan outcome, p.cfg.Concurrency),
	}
}

// run is the loop: the only owner of the schedule and of every ping
// goroutine, which it waits for before returning.
func (s *schedule) run(ctx context.Context) error {
	s.start = s.cfg.Clock.Now()
	s.refresh(s.start)
	s.queueDue(s.start)
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
			s.refresh(now)
			s.queueDue(now)
		case <-s.p.wake:
			s.refresh(s.cfg.Clock.Now())
			s.queueRequested(s.p.takeRequests())
		case o := <-s.results:
			s.inFlight--
			s.settle(ctx, o)
		}
		s.launch(ctx)
	}
}

// arm makes sure a wake-up is set no later than the earliest due ping, and
// no later than one Interval from now so that targets() is read at least
// once per Interval. An armed wake-up that comes earlier is kept: waking
// early only means looking again, and the Clock has no way to cancel one.
func (s *schedule) arm() {
	now := s.cfg.Clock.Now()
	wakeAt := now.Add(s.cfg.Interval)
	for _, e := range s.entries {
		if e.due.Before(wakeAt) {
			wakeAt = e.due
		}
	}
	if s.timer != nil && !wakeAt.Before(s.timerAt) {
		return
	}
	s.timer = s.cfg.Clock.After(wakeAt.Sub(now))
	s.timerAt = wakeAt
}

// refresh reads the current targets: new ones are scheduled at their first
// slot, vanished ones are forgotten with their failure count.
func (s *schedule) refresh(now time.Time) {
	current := s.p.targets()
	listed := make(map[string]struct{}, len(current))
	for _, t := range current {
		listed[t] = struct{}{}
		if _, ok := s.entries[t]; !ok {
			s.entries[t] = &entry{target: t, due: s.firstDue(t, now)}
		}
	}
	for t := range s.entries {
		if _, ok := listed[t]; !ok {
			delete(s.entries, t)
		}
	}
	kept := s.waiting[:0]
	for _, e := range s.waiting {
		if s.current(e) {
			kept = append(kept, e)
		}
	}
	clear(s.waiting[len(kept):])
	s.waiting = kept
}

// current reports whether e is still the schedule's entry for its target.
func (s *schedule) current(e *entry) bool { return s.entries[e.target] == e }

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
	var due []*entry
	for _, e := range s.entries {
		if !e.due.After(now) {
			due = append(due, e)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if !due[i].due.Equal(due[j].due) {
			return due[i].due.Before(due[j].due)
		}
		return due[i].target < due[j].target
	})
	for _, e := range due {
		if e.busy {
			s.p.log.Debug("ping round skipped: previous ping not finished", "target", e.target)
		} else {
			s.enqueue(e)
		}
		e.due = s.slotAfter(e.due, now)
	}
}

// queueRequested queues the PingNow targets that are listed and idle.
func (s *schedule) queueRequested(targets []string) {
	for _, t := range targets {
		e, ok := s.entries[t]
		switch {
		case !ok:
			s.p.log.Debug("ping request dropped: not a current target", "target", t)
		case !e.busy:
			s.enqueue(e)
		}
	}
}

func (s *schedule) enqueue(e *entry) {
	e.busy = true
	s.waiting = append(s.waiting, e)
}

// launch starts waiting pings while slots are free.
func (s *schedule) launch(ctx context.Context) {
	for s.inFlight < s.cfg.Concurrency && len(s.waiting) > 0 {
		e := s.waiting[0]
		s.waiting[0] = nil
		s.waiting = s.waiting[1:]
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
