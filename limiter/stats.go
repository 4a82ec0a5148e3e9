package limiter

import "sync/atomic"

// State is a target's delivery state.
type State int

const (
	// StateUp: the pump delivers the target's outbox.
	StateUp State = iota
	// StateSuspect: deliveries failed SuspectAfter times in a row; messages
	// for the target are dropped, except the newest, kept for a retry.
	StateSuspect
)

func (s State) String() string {
	switch s {
	case StateUp:
		return "up"
	case StateSuspect:
		return "suspect"
	}
	return "unknown"
}

// TargetStats is a snapshot of one target.
type TargetStats struct {
	QueueDepth       int    // messages waiting for it, with the one kept aside while suspect
	Delivered        uint64 // messages delivered
	Dropped          uint64 // messages it lost (see the drop policy in the package doc)
	NotifyFails      uint64 // messages whose delivery failed, suspect retries included
	ConsecutiveFails int    // failed Deliver calls since the last success or MarkUp
	State            State
	Batch            int // most messages per Deliver call (SetBatch); 1: no batching
}

// Stats returns a snapshot of the target, or false if it is not registered.
func (l *Limiter) Stats(id string) (TargetStats, bool) {
	t := l.target(id)
	if t == nil {
		return TargetStats{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := TargetStats{
		QueueDepth:       t.box.depth,
		Delivered:        t.delivered,
		Dropped:          t.dropped,
		NotifyFails:      t.notifyFails,
		ConsecutiveFails: t.consecutive,
		State:            t.state,
		Batch:            t.batch,
	}
	if t.hasAside {
		s.QueueDepth++
	}
	return s, true
}

// Totals is a snapshot of the whole limiter. The counters include targets
// that have since been removed.
type Totals struct {
	Accepted    uint64 // messages Submit accepted
	Rejected    uint64 // Submit calls refused with ErrQueueFull
	Dispatched  uint64 // messages handed to every target's outbox
	Delivered   uint64 // messages delivered, all targets
	Dropped     uint64 // messages lost by targets, removals included
	NotifyFails uint64 // messages whose delivery failed
	IntakeDepth int    // messages waiting for dispatch
	Targets     int    // registered targets
}

// Totals returns a snapshot of the limiter's counters.
func (l *Limiter) Totals() Totals {
	l.mu.Lock()
	depth, targets := l.intakeDepth, len(l.targets)
	l.mu.Unlock()
	return Totals{
		Accepted:    l.totals.accepted.Load(),
		Rejected:    l.totals.rejected.Load(),
		Dispatched:  l.totals.dispatched.Load(),
		Delivered:   l.totals.delivered.Load(),
		Dropped:     l.totals.dropped.Load(),
		NotifyFails: l.totals.notifyFails.Load(),
		IntakeDepth: depth,
		Targets:     targets,
	}
}

// counters are the running totals, updated without the limiter's lock.
type counters struct {
	accepted, rejected, dispatched  atomic.Uint64
	delivered, dropped, notifyFails atomic.Uint64
}
