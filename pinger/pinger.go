package pinger

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

var (
	// ErrTimeout is wrapped by a Result's Err when the ping did not finish
	// within Config.Timeout.
	ErrTimeout = errors.New("pinger: ping timed out")
	// ErrAlreadyRunning is returned by a second call to Run: one Pinger
	// has one schedule.
	ErrAlreadyRunning = errors.New("pinger: Run already called")
)

// Ping calls ping on target and returns the round-trip time. It must return
// when ctx is done.
type Ping func(ctx context.Context, target string) (time.Duration, error)

// Result is the outcome of one ping.
type Result struct {
	Target           string
	RTT              time.Duration // valid when Err == nil
	Err              error         // nil on success; wraps ErrTimeout when the deadline cut the ping short
	At               time.Time     // when the ping was sent, by Config.Clock
	ConsecutiveFails int           // after this result; 0 on success
}

// Config tunes a Pinger. Zero or negative values of Interval, Timeout and
// Concurrency, and nil Clock, Jitter and Logger, mean the default.
type Config struct {
	// Interval is the period of each target's pings: every target is
	// pinged once per Interval. Default 30s.
	Interval time.Duration
	// Timeout is the deadline of one ping, on the real clock (it is a
	// context deadline). Default 5s.
	Timeout time.Duration
	// Concurrency is the most pings in flight at once; due targets beyond
	// it wait their turn. Default 16.
	Concurrency int
	// EvictAfter is the number of consecutive failures at which a target
	// is evicted (the evict callback). Default 5; 0 (or negative) means
	// never.
	EvictAfter int
	// Clock is the scheduling time source. Default RealClock().
	Clock Clock
	// Jitter returns the offset of target within the interval, in
	// [0, Interval); other values are taken modulo Interval. It must be
	// stable, so that one target's period stays Interval. Default (nil): a
	// hash of target scaled to Interval, so pings spread evenly.
	Jitter func(target string) time.Duration
	// Logger receives debug lines about failed, skipped and dropped pings.
	// Default: discard.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults: Interval 30s, Timeout 5s,
// Concurrency 16, EvictAfter 5, the real clock, hash jitter (Jitter nil)
// and a logger that discards.
func DefaultConfig() Config {
	return Config{
		Interval:    30 * time.Second,
		Timeout:     5 * time.Second,
		Concurrency: 16,
		EvictAfter:  5,
		Clock:       RealClock(),
		Logger:      slog.New(slog.DiscardHandler),
	}
}

// withDefaults fills every unset field from DefaultConfig. EvictAfter is
// not filled: its zero value means never.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Interval <= 0 {
		c.Interval = d.Interval
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.Concurrency <= 0 {
		c.Concurrency = d.Concurrency
	}
	if c.EvictAfter < 0 {
		c.EvictAfter = 0
	}
	if c.Clock == nil {
		c.Clock = d.Clock
	}
	if c.Jitter == nil {
		interval := c.Interval
		c.Jitter = func(target string) time.Duration { return hashJitter(target, interval) }
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	return c
}

// Pinger pings a changing set of targets on a schedule; see the package
// documentation for the contract.
type Pinger struct {
	cfg     Config
	targets func() []string
	ping    Ping
	report  func(Result)
	evict   func(target string)
	log     *slog.Logger
	started atomic.Bool

	mu        sync.Mutex
	requested map[string]struct{} // PingNow targets not yet taken by Run
	wake      chan struct{}       // capacity 1: tells Run that requested is not empty
}

// New returns a pinger. targets is called for the current set at start and
// then at most once per min(Interval, 1s) (must not block). report is
// called for every result (must not block). evict is called once when a
// target reaches EvictAfter consecutive failures (must not block); the
// pinger forgets the target's count then. A nil report or evict is a no-op; targets and ping are
// required.
func New(cfg Config, targets func() []string, ping Ping, report func(Result), evict func(target string)) *Pinger {
	if targets == nil || ping == nil {
		panic("pinger.New: targets and ping are required")
	}
	if report == nil {
		report = func(Result) {}
	}
	if evict == nil {
		evict = func(string) {}
	}
	cfg = cfg.withDefaults()
	return &Pinger{
		cfg:       cfg,
		targets:   targets,
		ping:      ping,
		report:    report,
		evict:     evict,
		log:       cfg.Logger.With("component", "pinger"),
		requested: make(map[string]struct{}),
		wake:      make(chan struct{}, 1),
	}
}

// PingNow asks Run to ping target soon, outside its schedule (used right
// after start-up or registration). It never blocks; requests made before
// Run starts are kept for it, and duplicates coalesce. A target that
// targets() has not listed yet is trusted to be new and pinged; see the
// package documentation.
func (p *Pinger) PingNow(target string) {
	p.mu.Lock()
	p.requested[target] = struct{}{}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default: // a wake-up is already pending; it will take this request too
	}
}

// takeRequests empties the PingNow set and returns it sorted, so that the
// order of the pings does not depend on map iteration.
func (p *Pinger) takeRequests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.requested))
	for t := range p.requested {
		out = append(out, t)
	}
	clear(p.requested)
	sort.Strings(out)
	return out
}

// Run pings the targets until ctx is cancelled, then cancels the pings in
// flight, waits for every ping goroutine to exit and returns ctx.Err(). It
// may be called once.
func (p *Pinger) Run(ctx context.Context) error {
	if !p.started.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	return newSchedule(p).run(ctx)
}
