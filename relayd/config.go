package relayd

import (
	"log/slog"
	"time"

	"relayd/guard"
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
	// NotifyTimeout bounds one notify call (one system.multicall of them
	// when batching).
	NotifyTimeout time.Duration
	// Batch is the most notifications sent to one satellite in one
	// system.multicall, for satellites that list it in system.listMethods
	// (asked at registration); 1 turns batching off.
	Batch int
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

	// Allow lists the addresses (CIDR blocks) that may register, relay
	// and deregister; empty admits everyone. Its members may also read,
	// without credentials. AllowRead lists the addresses that may read
	// (the pages and every other method) besides Allow's; empty admits
	// everyone. See guard.go.
	Allow     guard.AllowList
	AllowRead guard.AllowList
	// Admin are the HTTP basic-auth credentials the pages (but /healthz)
	// and the read methods need; the zero value needs none. Callers in a
	// non-empty Allow read without them; writes never need them.
	Admin guard.Credentials
	// MaxConns is the most connections open at once (0 = unlimited);
	// beyond, a new connection is closed as soon as it is accepted.
	MaxConns int
	// IPRate is each address's HTTP requests and XML-RPC calls per second
	// (0 = unlimited; each sub-call of a system.multicall is a call), and
	// IPBurst how many it may make at once; beyond, HTTP 429.
	IPRate  float64
	IPBurst int
	// RegisterRate is each address's registrations per second (0 =
	// unlimited), RegisterBurst how many at once; beyond, a
	// Co2RegistryError fault.
	RegisterRate  float64
	RegisterBurst int

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
// sender), outboxes of 1,000, 5 s per notify, up to 32 notifications per
// system.multicall to satellites that serve it, suspect after 3 failed
// notifications, 5 s to drain at shutdown, a ping every 30 s with a 5 s
// deadline, eviction after 5 failed pings in a row; everyone may read and
// write, no credentials, 1024 connections at once, and no per-address rate
// (IPBurst 400 and RegisterBurst 20 wait for a rate: see DeploymentConfig).
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
		Batch:         32,
		SuspectAfter:  3,
		DrainTimeout:  5 * time.Second,
		PingInterval:  30 * time.Second,
		PingTimeout:   5 * time.Second,
		EvictAfter:    5,
		Server:        rpc.DefaultServerConfig(),
		Client:        rpc.DefaultClientConfig(),
		MaxConns:      1024,
		IPBurst:       400,
		RegisterBurst: 20,
	}
}

// DeploymentConfig is DefaultConfig with the per-address rates a public
// relay needs: 200 requests and calls a second per address with bursts of
// 400, and 1 registration a second with bursts of 20 (guard.DefaultConfig
// says why these numbers). cmd/relayd starts from it. DefaultConfig leaves
// the rates off because tests and programs that embed a relay drive it
// hard from one address.
func DeploymentConfig() Config {
	c := DefaultConfig()
	g := guard.DefaultConfig()
	c.IPRate, c.IPBurst = g.RequestRate, g.RequestBurst
	c.RegisterRate, c.RegisterBurst = g.RegisterRate, g.RegisterBurst
	return c
}
