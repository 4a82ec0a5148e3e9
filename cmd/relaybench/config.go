package main

import (
	"io"
	"os"
	"time"
)

// Config is one relaybench invocation. DefaultConfig documents each
// default; flags.go fills it from the command line.
type Config struct {
	// RelaydPath is a built relayd binary to run as a child process for
	// each scenario, so that CPU and RSS are the relay's own.
	RelaydPath string
	// RelaydArgs are passed to the child relayd after relaybench's own
	// flags (--listen, --state, --max-sats, ...), e.g. to lift a rate limit.
	RelaydArgs []string
	// InProcess runs the relay inside relaybench; CPU and RSS then cover
	// the whole bench process. It is the mode when neither RelaydPath nor
	// RelayURL is given.
	InProcess bool
	// RelayURL targets a relay that is already running; every scenario
	// shares it and it is never restarted.
	RelayURL string
	// RelayPID is the process of RelayURL, for its CPU and RSS (0: unknown).
	RelayPID int

	// Duration is the measured part of each scenario.
	Duration time.Duration
	// Warmup runs before each measurement and is not counted.
	Warmup time.Duration
	// CeilingDuration is the measured time of each ceiling, per scenario.
	CeilingDuration time.Duration
	// Slices is how many times a scenario alternates between measuring the
	// relay (Duration/Slices each) and its ceilings (CeilingDuration/Slices
	// each), so that both see the same background load.
	Slices int
	// Settle is the longest wait, after the senders stop, for notifications
	// still queued in the relay to arrive before its totals are read.
	Settle time.Duration
	// LatencySamples caps the latencies kept per scenario (a uniform sample
	// beyond it); the maximum stays exact.
	LatencySamples int

	// JSON prints the results as one JSON document instead of tables.
	JSON bool
	// CPUProfile, when set, is a file for a CPU profile of the whole run
	// (which covers the relay too when it runs in process).
	CPUProfile string
	// Out receives the results; Progress receives one line per step.
	Out      io.Writer
	Progress io.Writer
	// Now is the clock for every measurement.
	Now func() time.Time

	// Soak configures --soak.
	Soak SoakConfig
}

// DefaultConfig returns the defaults: the relay in process, 5 s measured
// after 1 s of warm-up, each ceiling measured for 2 s, both in 5
// alternating slices, up to 3 s for queued notifications to settle,
// 1,000,000 latency samples kept, tables on stdout, progress on stderr,
// time.Now, and DefaultSoakConfig.
func DefaultConfig() Config {
	return Config{
		Duration:        5 * time.Second,
		Warmup:          time.Second,
		CeilingDuration: 2 * time.Second,
		Slices:          5,
		Settle:          3 * time.Second,
		LatencySamples:  1_000_000,
		Out:             os.Stdout,
		Progress:        os.Stderr,
		Now:             time.Now,
		Soak:            DefaultSoakConfig(),
	}
}

// mode names where the relay runs, for the output.
func (c Config) mode() string {
	switch {
	case c.RelayURL != "":
		return "external"
	case c.RelaydPath != "":
		return "child"
	default:
		return "inprocess"
	}
}

// relayOptions are the relay settings a scenario needs; a child relayd
// gets them as flags, an in-process relay as relayd.Config fields.
type relayOptions struct {
	MaxSats       int           // most satellites registered at once
	NotifyTimeout time.Duration // deadline of one notify call
	DrainTimeout  time.Duration // how long a clean stop waits for outboxes
	PingInterval  time.Duration // how often each satellite is pinged
	PingTimeout   time.Duration // deadline of one ping
	EvictAfter    int           // failed pings in a row before eviction (0: never)
}

// benchRelayOptions are relayd's defaults except for room for n
// satellites and a short drain, so that stopping a relay after a scenario
// does not wait on a hung receiver for long.
func benchRelayOptions(n int) relayOptions {
	return relayOptions{
		MaxSats:       max(n+16, 100),
		NotifyTimeout: 5 * time.Second,
		DrainTimeout:  time.Second,
		PingInterval:  30 * time.Second,
		PingTimeout:   5 * time.Second,
		EvictAfter:    5,
	}
}
