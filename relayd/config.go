package relayd

import (
	"log/slog"
	"time"

	"relayd/rpc"
)

// Config is everything a Relay needs. DefaultConfig documents each default;
// cmd/relayd fills it from flags and RELAYD_* variables.
type Config struct {
	// StatePath is the registry's XML file; "" keeps the registry in memory
	// only (tests).
	StatePath string
	// MaxSats is the most satellites registered at once.
	MaxSats int

	// Rate and Burst pace the whole relay's fan-out (messages per second;
	// 0 = unlimited); SenderRate and SenderBurst pace each sender.
	Rate        float64
	Burst       int
	SenderRate  float64
	SenderBurst int
	// Intake is the most messages accepted but not yet fanned out; a full
	// intake answers relay.relay with a fault the caller may retry.
	Intake int
	// SenderQueue is the most messages one sender may have waiting in the
	// intake.
	SenderQueue int
	// Outbox is the most notifications waiting for one satellite; beyond
	// it the oldest is dropped and counted.
	Outbox int
	// NotifyTimeout bounds one notify call.
	NotifyTimeout time.Duration
	// SuspectAfter consecutive failed notifications make a satellite
	// suspect: nothing more is sent to it until a ping succeeds.
	SuspectAfter int
	// DrainTimeout is how long shutdown waits for outboxes to empty.
	DrainTimeout time.Duration

	// PingInterval is how often each satellite is pinged; PingTimeout
	// bounds one ping; after EvictAfter consecutive failed pings the
	// satellite is evicted (0 = never).
	PingInterval time.Duration
	PingTimeout  time.Duration
	EvictAfter   int

	// Maintainer and MaintainerEmail are shown in system.get_properties.
	Maintainer      string
	MaintainerEmail string

	// Server configures the XML-RPC server (limits, timeouts).
	Server rpc.ServerConfig
	// Client configures outbound notify and ping calls.
	Client rpc.ClientConfig

	// Logger receives the relay's log; nil discards it.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults: state in relayd-state.xml, 100
// satellites, no rate limit, an intake of 10,000 messages (1,000 per
// sender), outboxes of 1,000, 5 s per notify, suspect after 3 failed
// notifications, 5 s to drain at shutdown, a ping every 30 s with a 5 s
// deadline, eviction after 5 failed pings in a row.
func DefaultConfig() Config {
	return Config{
		StatePath:     "relayd-state.xml",
		MaxSats:       100,
		Burst:         100,
		SenderBurst:   50,
		Intake:        10000,
		SenderQueue:   1000,
		Outbox:        1000,
		NotifyTimeout: 5 * time.Second,
		SuspectAfter:  3,
		DrainTimeout:  5 * time.Second,
		PingInterval:  30 * time.Second,
		PingTimeout:   5 * time.Second,
		EvictAfter:    5,
		Server:        rpc.DefaultServerConfig(),
		Client:        rpc.DefaultClientConfig(),
	}
}
