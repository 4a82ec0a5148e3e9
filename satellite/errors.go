package satellite

import "errors"

// Sentinel errors; returned errors wrap them with detail, so test them with
// errors.Is.
var (
	// ErrClosed: the satellite was closed.
	ErrClosed = errors.New("satellite closed")
	// ErrNotRegistered: Relay or Deregister before a successful Register.
	ErrNotRegistered = errors.New("satellite not registered with the relay")
	// ErrRelayBusy: the relay's queue is full; the same call may succeed
	// later.
	ErrRelayBusy = errors.New("relay queue full, retry later")
	// ErrBadConfig: New was given a Config it cannot work with.
	ErrBadConfig = errors.New("bad satellite config")
)
