package main

import (
	"context"
	"errors"
	"fmt"

	"relayd/rpc"
)

// ErrKillUnsupported is returned by Kill for a relay this process cannot
// SIGKILL (in process, or external).
var ErrKillUnsupported = errors.New("this relay cannot be killed from here")

// relayInstance is one relay the bench talks to, however it runs.
type relayInstance interface {
	// URL is the relay's XML-RPC endpoint, http://ADDR/.
	URL() string
	// PID is the relay's process, 0 when unknown.
	PID() int
	// Goroutines is the number of goroutines of the relay's process, when
	// the bench can know it (in process only).
	Goroutines() (int, bool)
	// Stop stops the relay cleanly: it drains and saves its state.
	Stop(ctx context.Context) error
	// Kill stops the relay without letting it drain or save (SIGKILL).
	Kill() error
	// Restart starts the relay again on the same address and state file,
	// after Stop or Kill.
	Restart(ctx context.Context) error
}

// relayLauncher starts relays for scenarios.
type relayLauncher interface {
	// Launch starts a relay with opt. statePath is its state file ("" for
	// none); each Launch gives a fresh relay unless the relay is external.
	Launch(ctx context.Context, opt relayOptions, statePath string) (relayInstance, error)
	// Scope says what the CPU and RSS figures cover.
	Scope() string
}

// newLauncher picks the launcher cfg asks for.
func newLauncher(cfg Config) relayLauncher {
	switch cfg.mode() {
	case "external":
		return externalLauncher{url: cfg.RelayURL, pid: cfg.RelayPID}
	case "child":
		return newChildLauncher(cfg.RelaydPath, cfg.RelaydArgs)
	default:
		return inprocLauncher{}
	}
}

// relayStats are the running totals a relay reports in
// system.get_properties.
type relayStats struct {
	Satellites  int64 `json:"satellites"`              // registered now
	Accepted    int64 `json:"messages_accepted"`       // relay.relay calls accepted
	Rejected    int64 `json:"messages_rejected"`       // relay.relay calls refused with "queue full"
	Delivered   int64 `json:"notifications_delivered"` // notify calls that succeeded
	Dropped     int64 `json:"notifications_dropped"`   // notifications lost (overflow, suspect, removal, stop)
	NotifyFails int64 `json:"notify_fails"`            // notify calls that failed
	IntakeDepth int64 `json:"intake_depth"`            // messages accepted but not yet fanned out
}

// readRelayStats asks the relay for its properties.
func readRelayStats(ctx context.Context, c *rpc.Client, url string) (relayStats, error) {
	v, err := c.Call(ctx, url, "system.get_properties")
	if err != nil {
		return relayStats{}, fmt.Errorf("system.get_properties: %w", err)
	}
	return statsFromProperties(v), nil
}

// statsFromProperties reads relayd's figures from a get_properties struct;
// a member that is missing (an older relay) reads as 0.
func statsFromProperties(v rpc.Value) relayStats {
	get := func(name string) int64 {
		m, ok := v.Get(name)
		if !ok || m.Kind != rpc.KindInt {
			return 0
		}
		return m.Int
	}
	return relayStats{
		Satellites:  get("satellites"),
		Accepted:    get("messages_accepted"),
		Rejected:    get("messages_rejected"),
		Delivered:   get("notifications_delivered"),
		Dropped:     get("notifications_dropped"),
		NotifyFails: get("notify_fails"),
		IntakeDepth: get("intake_depth"),
	}
}

// sub is the change from before to s (a shared external relay has totals
// from before the scenario).
func (s relayStats) sub(before relayStats) relayStats {
	return relayStats{
		Satellites:  s.Satellites,
		Accepted:    s.Accepted - before.Accepted,
		Rejected:    s.Rejected - before.Rejected,
		Delivered:   s.Delivered - before.Delivered,
		Dropped:     s.Dropped - before.Dropped,
		NotifyFails: s.NotifyFails - before.NotifyFails,
		IntakeDepth: s.IntakeDepth,
	}
}
