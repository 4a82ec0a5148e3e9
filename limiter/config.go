package limiter

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"
)

// ErrBadConfig is wrapped by the errors of Config.Validate.
var ErrBadConfig = errors.New("limiter: bad config")

// Config tunes a Limiter. Start from DefaultConfig: New takes every field as
// given and does not replace zero values with defaults.
type Config struct {
	// Rate is how many messages per second the dispatcher hands out for the
	// whole relay (each message counts once, however many targets it has).
	// 0 means unlimited.
	Rate float64
	// Burst is how many messages the dispatcher may hand out at once above
	// Rate. Must be at least 1 when Rate is set; ignored when Rate is 0.
	Burst int
	// SenderRate is how many messages per second one sender's messages are
	// dispatched at. 0 means unlimited.
	SenderRate float64
	// SenderBurst is the per-sender burst above SenderRate. Must be at least 1
	// when SenderRate is set; ignored when SenderRate is 0.
	SenderBurst int
	// IntakeSize caps the messages waiting for dispatch, all senders together.
	IntakeSize int
	// SenderQueue caps the messages of one sender waiting for dispatch, so one
	// sender cannot fill the whole intake.
	SenderQueue int
	// Outbox caps the messages waiting for delivery to one target.
	Outbox int
	// DeliverTimeout is the deadline of each Deliver call, a whole batch.
	DeliverTimeout time.Duration
	// SuspectAfter is how many consecutive failed Deliver calls make a
	// target suspect (a call fails when none of its messages is delivered).
	SuspectAfter int
	// SuspectRetry is how often the pump of a suspect target tries to deliver
	// the newest message for it.
	SuspectRetry time.Duration
	// Now reads the clock, for rate limiting and for pacing drop logs.
	Now func() time.Time
	// After returns a channel that receives after the given duration. It
	// times the suspect retries and the dispatcher's waits for rate tokens.
	After func(time.Duration) <-chan time.Time
	// Logger receives drop, failure and suspect logs; nil discards them.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults:
//
//	Rate            0 (unlimited)
//	Burst           100
//	SenderRate      0 (unlimited)
//	SenderBurst     50
//	IntakeSize      10000 messages
//	SenderQueue     1000 messages
//	Outbox          1000 messages per target
//	DeliverTimeout  5s
//	SuspectAfter    3 consecutive failures
//	SuspectRetry    10s
//	Now             time.Now
//	After           time.After
//	Logger          discards everything
func DefaultConfig() Config {
	return Config{
		Rate:           0,
		Burst:          100,
		SenderRate:     0,
		SenderBurst:    50,
		IntakeSize:     10000,
		SenderQueue:    1000,
		Outbox:         1000,
		DeliverTimeout: 5 * time.Second,
		SuspectAfter:   3,
		SuspectRetry:   10 * time.Second,
		Now:            time.Now,
		After:          time.After,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// Validate reports the first field that New would refuse, wrapped around
// ErrBadConfig.
func (c Config) Validate() error {
	switch {
	case !validRate(c.Rate):
		return fmt.Errorf("%w: Rate %v must be a finite number >= 0", ErrBadConfig, c.Rate)
	case c.Rate > 0 && c.Burst < 1:
		return fmt.Errorf("%w: Burst %d must be >= 1 when Rate is set", ErrBadConfig, c.Burst)
	case !validRate(c.SenderRate):
		return fmt.Errorf("%w: SenderRate %v must be a finite number >= 0", ErrBadConfig, c.SenderRate)
	case c.SenderRate > 0 && c.SenderBurst < 1:
		return fmt.Errorf("%w: SenderBurst %d must be >= 1 when SenderRate is set", ErrBadConfig, c.SenderBurst)
	case c.IntakeSize < 1:
		return fmt.Errorf("%w: IntakeSize %d must be >= 1", ErrBadConfig, c.IntakeSize)
	case c.SenderQueue < 1:
		return fmt.Errorf("%w: SenderQueue %d must be >= 1", ErrBadConfig, c.SenderQueue)
	case c.Outbox < 1:
		return fmt.Errorf("%w: Outbox %d must be >= 1", ErrBadConfig, c.Outbox)
	case c.DeliverTimeout <= 0:
		return fmt.Errorf("%w: DeliverTimeout %v must be > 0", ErrBadConfig, c.DeliverTimeout)
	case c.SuspectAfter < 1:
		return fmt.Errorf("%w: SuspectAfter %d must be >= 1", ErrBadConfig, c.SuspectAfter)
	case c.SuspectRetry <= 0:
		return fmt.Errorf("%w: SuspectRetry %v must be > 0", ErrBadConfig, c.SuspectRetry)
	case c.Now == nil:
		return fmt.Errorf("%w: Now is nil (start from DefaultConfig)", ErrBadConfig)
	case c.After == nil:
		return fmt.Errorf("%w: After is nil (start from DefaultConfig)", ErrBadConfig)
	}
	return nil
}

func validRate(r float64) bool {
	return r >= 0 && !math.IsInf(r, 0) && !math.IsNaN(r)
}
