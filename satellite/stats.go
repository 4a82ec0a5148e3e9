package satellite

import (
	"sync/atomic"
	"time"
)

// Stats are a satellite's running counts.
type Stats struct {
	// Received counts notifications notify accepted and queued.
	Received uint64
	// Handled counts Handler calls that returned (or panicked).
	Handled uint64
	// Dropped counts notifications dropped because the queue was full.
	Dropped uint64
	// Refused counts notify calls refused for a wrong or missing
	// notify_pass, or for malformed parameters.
	Refused uint64
	// QueueDepth is how many notifications wait for Handler now.
	QueueDepth int
	// Relayed counts Relay calls the relay accepted.
	Relayed uint64
	// Pings counts pings answered.
	Pings uint64
	// LastPing is when the last ping came; zero before the first.
	LastPing time.Time
	// Registrations counts successful registrations, the first included.
	Registrations uint64
	// Reregistrations counts the registrations the satellite made by
	// itself because the relay had forgotten it.
	Reregistrations uint64
}

// counters are the atomic counts behind Stats.
type counters struct {
	received, handled, dropped, refused atomic.Uint64
	relayed, pings                      atomic.Uint64
	registrations, reregistrations      atomic.Uint64
	lastPingNanos                       atomic.Int64 // UnixNano; 0 = never
}

// Stats returns a snapshot of the satellite's counts.
func (s *Satellite) Stats() Stats {
	c := &s.counts
	st := Stats{
		Received:        c.received.Load(),
		Handled:         c.handled.Load(),
		Dropped:         c.dropped.Load(),
		Refused:         c.refused.Load(),
		QueueDepth:      len(s.queue),
		Relayed:         c.relayed.Load(),
		Pings:           c.pings.Load(),
		Registrations:   c.registrations.Load(),
		Reregistrations: c.reregistrations.Load(),
	}
	if ns := c.lastPingNanos.Load(); ns != 0 {
		st.LastPing = time.Unix(0, ns)
	}
	return st
}
