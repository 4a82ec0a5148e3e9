package main

import (
	"fmt"
	"time"
)

// satRole is what a soak satellite does.
type satRole int

const (
	roleSender   satRole = iota // stable; relays and receives
	roleReceiver                // stable; receives
	roleChurner                 // registers, deregisters, dies and comes back
)

// soakSat is one satellite of the soak and the bench's model of it.
type soakSat struct {
	role satRole
	sat  *fakeSat
	rec  *receipts
	nick string

	hostID string
	// registered says the bench's last successful action was to register
	// it; changedAt is when that action completed.
	registered bool
	changedAt  time.Time
	alive      bool // its server listens
}

// regView is what diffRegistrations needs to know of a satellite.
type regView struct {
	HostID     string
	Registered bool
	Alive      bool
	ChangedAt  time.Time
}

// regDiff is how the relay's list differs from the bench's model.
type regDiff struct {
	Register   []string // live satellites the relay does not list: register them again
	Deregister []string // deregistered satellites the relay lists: deregister them again
	Violations []string // differences the relay promised could not happen
	Forgiven   int      // differences from changes too recent to have been saved
}

// diffRegistrations compares the bench's model with the host_ids the
// relay lists. A change completed before cutoff must be reflected (after a
// clean stop cutoff is the stop; after a SIGKILL it is the kill less the
// persistence grace); a younger one may have been lost. A dead satellite
// may have been evicted, so its absence is never wrong.
func diffRegistrations(sats []regView, listed map[string]bool, cutoff time.Time) regDiff {
	var d regDiff
	for _, s := range sats {
		old := s.ChangedAt.Before(cutoff)
		switch {
		case s.Registered && s.Alive && !listed[s.HostID]:
			d.Register = append(d.Register, s.HostID)
			if old {
				d.Violations = append(d.Violations, fmt.Sprintf("%s should be registered (registered %s before the cut-off) but the relay does not list it", s.HostID, cutoff.Sub(s.ChangedAt).Round(time.Millisecond)))
			} else {
				d.Forgiven++
			}
		case !s.Registered && listed[s.HostID]:
			d.Deregister = append(d.Deregister, s.HostID)
			if old {
				d.Violations = append(d.Violations, fmt.Sprintf("%s was deregistered (%s before the cut-off) but the relay lists it", s.HostID, cutoff.Sub(s.ChangedAt).Round(time.Millisecond)))
			} else {
				d.Forgiven++
			}
		}
	}
	return d
}
