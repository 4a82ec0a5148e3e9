package satellite

import (
	"math/rand/v2"
	"time"
)

// backoff times the retries of a registration: the first wait is min, each
// next one twice the last, never above max. jitter spreads each wait so
// that satellites cut off together do not all come back in the same
// instant.
type backoff struct {
	min, max time.Duration
	jitter   func(time.Duration) time.Duration
	attempt  int
}

// next returns the wait before the next attempt.
func (b *backoff) next() time.Duration {
	d := b.min
	for i := 0; i < b.attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	b.attempt++
	if b.jitter == nil {
		return equalJitter(d)
	}
	return b.jitter(d)
}

// equalJitter returns a random duration between d/2 and d: never much
// shorter than asked, so a relay that is down is not hammered.
func equalJitter(d time.Duration) time.Duration {
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}
