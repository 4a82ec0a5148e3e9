package pinger

import (
	"sync"
	"testing"
	"time"
)

// waitLimit bounds every wait in these tests, so that a bug fails the test
// instead of hanging it. Nothing waits for it to pass.
const waitLimit = 5 * time.Second

// fakeClock is a Clock that moves only when the test sets it. It records
// the wake-ups the pinger has asked for, so a test can wait until the loop
// is waiting for a given moment before moving time there.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []fakeTimer
	changed chan struct{} // closed and replaced when a timer is added
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1) // fires without a reader: After must not block the clock
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), ch: ch})
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// set moves the clock to now and fires every timer due by then.
func (c *fakeClock) set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
	c.timers = fireDue(c.timers, now)
}

// waitTimer waits until a timer for exactly at is pending.
func (c *fakeClock) waitTimer(t *testing.T, at time.Time) {
	t.Helper()
	limit := time.After(waitLimit)
	for {
		c.mu.Lock()
		for _, tm := range c.timers {
			if tm.at.Equal(at) {
				c.mu.Unlock()
				return
			}
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-limit:
			t.Fatalf("no wake-up armed for %v", at)
		}
	}
}

// advanceTo waits until the loop waits for at, then moves the clock there.
func (c *fakeClock) advanceTo(t *testing.T, at time.Time) {
	t.Helper()
	c.waitTimer(t, at)
	c.set(at)
}

// fireDue fires every timer due by now and returns the ones still pending.
func fireDue(timers []fakeTimer, now time.Time) []fakeTimer {
	pending := timers[:0]
	for _, tm := range timers {
		if tm.at.After(now) {
			pending = append(pending, tm)
		} else {
			tm.ch <- now
		}
	}
	return pending
}
