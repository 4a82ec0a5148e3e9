package satellite

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"relayd/rpc"
)

// Config is what a Satellite needs. Only Relay is required: New replaces
// every zero field with its value from DefaultConfig, so a literal such as
// Config{Relay: url, Nick: "alice", Handler: h} works.
type Config struct {
	// Relay is the relay's XML-RPC URL, e.g. "http://127.0.0.1:2003/".
	Relay string
	// Listen is the address the satellite serves XML-RPC on; the relay
	// calls notify and ping there. Its port is the one registered.
	Listen string
	// Nick is the name registered with the relay; "" lets the relay use
	// the host_id.
	Nick string
	// NotifyPass, when set, is registered with the relay, which sends it
	// back in every notify; notify refuses calls without it. It is a
	// secret: never logged, never shown.
	NotifyPass string
	// Plugins are the plugin names registered with the relay.
	Plugins []string
	// Handler is called with each notification, on one worker goroutine,
	// one call at a time, in arrival order. Its context ends at Close. A
	// slow handler only fills the queue. Nil discards notifications.
	Handler func(ctx context.Context, n Notification)
	// OnReregister is called with the host_id after the satellite has
	// registered again by itself because the relay had forgotten it. It is
	// called from the goroutine that noticed, and should return quickly.
	OnReregister func(hostID string)
	// QueueSize is how many notifications may wait for Handler; beyond
	// it they are dropped and counted.
	QueueSize int
	// PingInterval is how often the relay is expected to ping; after three
	// intervals without a word from it, the satellite checks that the
	// relay still lists it.
	PingInterval time.Duration
	// RegisterBackoff is the wait after the first failed registration
	// attempt; it doubles with each failure up to RegisterMaxBackoff (each
	// wait jittered between half and all of it).
	RegisterBackoff    time.Duration
	RegisterMaxBackoff time.Duration
	// CloseTimeout bounds Close: the deregister call and the server's
	// shutdown.
	CloseTimeout time.Duration
	// Server configures the XML-RPC server (limits, timeouts); its Logger
	// and Pages are set by New.
	Server rpc.ServerConfig
	// Client configures calls to the relay (timeouts, reply limits).
	Client rpc.ClientConfig
	// Logger receives the satellite's log; nil discards it.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults: listen on 127.0.0.1:0 (a free port),
// a queue of 1000 notifications, a relay that pings every 30 s (relayd's
// default), registration retried after 200 ms doubling up to 30 s, 5 s to
// close, rpc.DefaultServerConfig and rpc.DefaultClientConfig, no logging,
// the real clock. Relay has no default.
func DefaultConfig() Config {
	return Config{
		Listen:             "127.0.0.1:0",
		QueueSize:          1000,
		PingInterval:       30 * time.Second,
		RegisterBackoff:    200 * time.Millisecond,
		RegisterMaxBackoff: 30 * time.Second,
		CloseTimeout:       5 * time.Second,
		Server:             rpc.DefaultServerConfig(),
		Client:             rpc.DefaultClientConfig(),
		Logger:             slog.New(slog.DiscardHandler),
		Now:                time.Now,
	}
}

// withDefaults fills the zero fields of c from DefaultConfig and checks
// what is left.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Listen == "" {
		c.Listen = d.Listen
	}
	if c.QueueSize == 0 {
		c.QueueSize = d.QueueSize
	}
	if c.PingInterval == 0 {
		c.PingInterval = d.PingInterval
	}
	if c.RegisterBackoff == 0 {
		c.RegisterBackoff = d.RegisterBackoff
	}
	if c.RegisterMaxBackoff == 0 {
		c.RegisterMaxBackoff = d.RegisterMaxBackoff
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = d.CloseTimeout
	}
	if c.Server.Limits == (rpc.Limits{}) {
		c.Server = d.Server
	}
	if c.Client == (rpc.ClientConfig{}) {
		c.Client = d.Client
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	if c.Now == nil {
		c.Now = d.Now
	}
	if c.Handler == nil {
		c.Handler = func(context.Context, Notification) {}
	}
	u, err := url.Parse(c.Relay)
	switch {
	case c.Relay == "":
		return c, fmt.Errorf("%w: no relay URL", ErrBadConfig)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return c, fmt.Errorf("%w: relay URL %q is not an http:// URL", ErrBadConfig, c.Relay)
	case c.QueueSize < 1:
		return c, fmt.Errorf("%w: queue size %d (must be at least 1)", ErrBadConfig, c.QueueSize)
	case c.PingInterval < 0 || c.RegisterBackoff < 0 || c.RegisterMaxBackoff < c.RegisterBackoff || c.CloseTimeout < 0:
		return c, fmt.Errorf("%w: durations must be positive and RegisterMaxBackoff at least RegisterBackoff", ErrBadConfig)
	}
	return c, nil
}
