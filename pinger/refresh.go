package pinger

import (
	"container/heap"
	"time"
)

// maxRefreshEvery bounds how often targets() is read: reading it costs
// O(n) (the caller copies its list, the schedule looks up every id), so
// with 10,000 targets reading it on every wake-up made registering them
// O(n^2). The schedule reads it at most once per min(Interval, this).
const maxRefreshEvery = time.Second

// maybeRefresh reads targets() if refreshEvery has passed since the last
// read (or the clock has gone back), and reports whether it did.
func (s *schedule) maybeRefresh(now time.Time) bool {
	if since := now.Sub(s.refreshedAt); since >= 0 && since < s.refreshEvery {
		return false
	}
	s.refresh(now)
	return true
}

// refresh reads the current targets: new ones are scheduled at their first
// slot, vanished ones are forgotten with their failure count. It marks
// each listed entry with the number of this read instead of building a set
// of the list, and looks for vanished entries only when some are missing.
func (s *schedule) refresh(now time.Time) {
	s.refreshedAt = now
	s.reads++
	listed := 0
	for _, t := range s.p.targets() {
		e, ok := s.entries[t]
		if !ok {
			e = s.add(t, now)
		}
		if e.listed != s.reads { // targets() may list a target twice
			e.listed = s.reads
			listed++
		}
	}
	if listed == len(s.entries) {
		return
	}
	for _, e := range s.entries {
		if e.listed != s.reads {
			s.drop(e)
		}
	}
}

// add schedules target at its first slot at or after now.
func (s *schedule) add(target string, now time.Time) *entry {
	e := &entry{target: target, due: s.firstDue(target, now)}
	s.entries[target] = e
	heap.Push(&s.due, e)
	return e
}

// drop forgets e. If it is waiting for a slot, launch skips it; if it is in
// flight, settle drops its result.
func (s *schedule) drop(e *entry) {
	delete(s.entries, e.target)
	heap.Remove(&s.due, e.index)
}

// current reports whether e is still the schedule's entry for its target.
func (s *schedule) current(e *entry) bool { return s.entries[e.target] == e }

// queueRequested queues the PingNow targets that are idle. A target the
// schedule does not know is trusted and added, unless listChecked says
// targets() was read after the requests were made, in which case it was
// not listed then and the request is dropped.
func (s *schedule) queueRequested(targets []string, now time.Time, listChecked bool) {
	for _, t := range targets {
		e, ok := s.entries[t]
		switch {
		case !ok && listChecked:
			s.p.log.Debug("ping request dropped: not a current target", "target", t)
		case !ok:
			s.enqueue(s.add(t, now))
		case !e.busy:
			s.enqueue(e)
		}
	}
}
