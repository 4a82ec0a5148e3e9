package guard

import (
	"log/slog"
	"time"
)

// Config is a Guard's policy and limits. DefaultConfig documents each
// default.
type Config struct {
	// Allow lists the addresses that may write (register, relay,
	// deregister); empty admits everyone. Its members may also read, and
	// read without credentials.
	Allow AllowList
	// AllowRead lists the addresses that may read (pages and every
	// method that is not a write) besides Allow's; empty admits everyone.
	AllowRead AllowList
	// Admin are the basic-auth credentials reading needs; the zero value
	// needs none. Callers in a non-empty Allow read without them.
	Admin Credentials
	// NoAuthPaths are page paths served without credentials (a health
	// check for a load balancer); AllowRead still applies to them.
	NoAuthPaths []string

	// MaxConns is the most connections open at once (0 = unlimited);
	// beyond, a new connection is closed as soon as it is accepted.
	MaxConns int
	// RequestRate is each address's HTTP requests and XML-RPC calls per
	// second (0 = unlimited); RequestBurst is how many it may make at once
	// after a quiet spell.
	RequestRate  float64
	RequestBurst int
	// RegisterRate is each address's registrations per second (0 =
	// unlimited); RegisterBurst is how many it may make at once.
	RegisterRate  float64
	RegisterBurst int
	// MaxAddrs bounds each per-address table (requests, registrations).
	MaxAddrs int

	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives one debug line per refusal (never a password); nil
	// discards.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults: everyone may read and write, no
// credentials; 1024 connections at once; 200 requests a second per address
// with bursts of 400 (a busy satellite relays, reads and answers well
// under that, and a relay of 100 satellites on 100 addresses still bounds
// its total); 1 registration a second per address with bursts of 20 (a
// host that restarts its dozen satellites at once is not refused); 16,384
// addresses in each table (a few MiB at most).
func DefaultConfig() Config {
	return Config{
		MaxConns:      1024,
		RequestRate:   200,
		RequestBurst:  400,
		RegisterRate:  1,
		RegisterBurst: 20,
		MaxAddrs:      16384,
	}
}
