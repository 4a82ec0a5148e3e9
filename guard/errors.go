package guard

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// The reasons a caller is refused. Checks wrap them with the address and
// the detail, so callers match with errors.Is.
var (
	// ErrNotAllowed: the caller's address is outside the list that
	// admits it.
	ErrNotAllowed = errors.New("address not allowed")
	// ErrUnauthorized: reading needs credentials the caller did not give,
	// or gave wrong.
	ErrUnauthorized = errors.New("credentials required")
	// ErrRateLimited: the caller's bucket is empty (the error is a
	// *RateLimitError, which says when to retry).
	ErrRateLimited = errors.New("rate limit exceeded")
)

// DeniedError is a caller refused for its address: it wraps ErrNotAllowed.
type DeniedError struct {
	// Addr is the caller's address.
	Addr netip.Addr
	// Action is what it may not do: "register", "relay", "deregister" or
	// "read".
	Action string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("address %s may not %s here", e.Addr, e.Action)
}

// Unwrap makes errors.Is(err, ErrNotAllowed) true.
func (e *DeniedError) Unwrap() error { return ErrNotAllowed }

// RateLimitError is a refused token: it wraps ErrRateLimited and says when
// the caller's next token will be there.
type RateLimitError struct {
	// What ran out: "requests" or "registrations".
	What string
	// Addr is the caller's address.
	Addr netip.Addr
	// RetryAfter is how long until the next token.
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many %s from %s, retry in %d s", e.What, e.Addr, RetrySeconds(e.RetryAfter))
}

// Unwrap makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// RetrySeconds is d in whole seconds, rounded up and at least 1, as HTTP's
// Retry-After wants it.
func RetrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		return 1
	}
	return s
}
