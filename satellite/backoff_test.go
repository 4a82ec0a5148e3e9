package satellite

import (
	"testing"
	"time"
)

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		name     string
		min, max time.Duration
		want     []time.Duration
	}{
		{"doubles then caps", 100 * ms, time.Second, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second}},
		{"min equals max", 50 * ms, 50 * ms, []time.Duration{50 * ms, 50 * ms, 50 * ms}},
		{"cap not a power of two of min", 300 * ms, 1000 * ms, []time.Duration{300 * ms, 600 * ms, 1000 * ms, 1000 * ms}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := backoff{min: c.min, max: c.max, jitter: func(d time.Duration) time.Duration { return d }}
			for i, want := range c.want {
				if got := b.next(); got != want {
					t.Fatalf("wait %d = %v, want %v", i+1, got, want)
				}
			}
		})
	}
}

func TestBackoffAfterManyAttemptsStaysAtTheCap(t *testing.T) {
	b := backoff{min: time.Millisecond, max: time.Minute, jitter: func(d time.Duration) time.Duration { return d }}
	var last time.Duration
	for range 200 {
		last = b.next()
	}
	if last != time.Minute {
		t.Fatalf("after 200 attempts the wait is %v, want the cap", last)
	}
}

func TestEqualJitterStaysBetweenHalfAndAll(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 2, time.Millisecond, time.Second} {
		for range 100 {
			if got := equalJitter(d); got < d/2 || got > d {
				t.Fatalf("equalJitter(%v) = %v, outside [%v, %v]", d, got, d/2, d)
			}
		}
	}
}
