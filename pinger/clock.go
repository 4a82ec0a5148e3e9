package pinger

import "time"

// Clock is the pinger's source of scheduling time. Tests pass a fake that
// they advance by hand; RealClock is the wall clock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the time once d has passed
	// (at once when d <= 0). The pinger may abandon the channel without
	// reading it, so it must not block the clock.
	After(d time.Duration) <-chan time.Time
}

// RealClock returns the wall clock (time.Now and time.After).
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
