package main

import "time"

// SoakConfig configures --soak. DefaultSoakConfig documents the defaults.
type SoakConfig struct {
	// Duration is how long the soak runs; 0 means no soak.
	Duration time.Duration
	// Senders are stable satellites that relay continuously (they also
	// receive what the others relay).
	Senders int
	// Receivers are stable satellites that only receive.
	Receivers int
	// Churners are satellites that register, deregister, die (stop
	// listening while registered) and come back, one action per ChurnEvery.
	Churners int
	// Rate is messages per second, all senders together.
	Rate float64
	// Size is the bytes of padding in each message.
	Size int
	// ChurnEvery is how often one churner changes.
	ChurnEvery time.Duration
	// KillEvery is how often the relay is restarted (SIGKILL for a child,
	// a clean stop in process). Restarts happen only in the first
	// restartShare of the soak, so that the last half is one relay
	// lifetime in which growth can be judged.
	KillEvery time.Duration
	// SampleEvery is how often the relay's RSS, open fds (and goroutines,
	// in process) are sampled.
	SampleEvery time.Duration
	// PersistGrace is how long before a SIGKILL a registration change may
	// be lost: the relay writes its state file within about 100 ms of a
	// change. Older changes must survive.
	PersistGrace time.Duration
	// QuiesceTimeout bounds the wait for the relay to finish its queued
	// notifications before a clean stop and at the end.
	QuiesceTimeout time.Duration
	// Seed makes the churn reproducible.
	Seed uint64
	// Relay is the relay's settings: quick pings and eviction, so that a
	// dead churner is noticed within the soak.
	Relay relayOptions
}

// DefaultSoakConfig returns the defaults: 2 senders, 3 receivers and 8
// churners; 200 messages/s of 100 bytes; one churn action every 100 ms; a
// restart every 5 s (in the first 40%); a sample every 500 ms; 1 s of
// grace before a kill; 10 s to quiesce; seed 1; and a relay that pings
// every second with a 500 ms deadline, evicts after 3 failures, gives a
// notify 1 s and drains for 2 s.
func DefaultSoakConfig() SoakConfig {
	return SoakConfig{
		Senders:        2,
		Receivers:      3,
		Churners:       8,
		Rate:           200,
		Size:           100,
		ChurnEvery:     100 * time.Millisecond,
		KillEvery:      5 * time.Second,
		SampleEvery:    500 * time.Millisecond,
		PersistGrace:   time.Second,
		QuiesceTimeout: 10 * time.Second,
		Seed:           1,
		Relay: relayOptions{
			MaxSats:       100,
			NotifyTimeout: time.Second,
			DrainTimeout:  2 * time.Second,
			PingInterval:  time.Second,
			PingTimeout:   500 * time.Millisecond,
			EvictAfter:    3,
		},
	}
}

// restartShare is the part of the soak in which restarts may happen.
const restartShare = 0.4

// restartTimes are the moments, from the soak's start, at which the relay
// is restarted: every `every` within the first restartShare of d, or once
// at half that when `every` is longer.
func restartTimes(d, every time.Duration) []time.Duration {
	limit := time.Duration(float64(d) * restartShare)
	var ts []time.Duration
	for t := every; every > 0 && t <= limit; t += every {
		ts = append(ts, t)
	}
	if len(ts) == 0 && limit > 0 {
		ts = append(ts, limit/2)
	}
	return ts
}
