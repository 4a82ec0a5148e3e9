package guard

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// Guard applies a Config. It is safe for concurrent use.
type Guard struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	auth      credentialCheck
	noAuth    map[string]bool
	requests  *IPLimiter
	registers *IPLimiter
	conns     atomic.Pointer[LimitListener]

	requestsLimited      atomic.Uint64
	registrationsLimited atomic.Uint64
	writesDenied         atomic.Uint64
	readsDenied          atomic.Uint64
	authRefused          atomic.Uint64
}

// Counters are a Guard's running totals, for the relay's properties.
type Counters struct {
	// ConnsOpen is the number of connections open now; ConnsRefused
	// counts those closed for being beyond MaxConns.
	ConnsOpen    int
	ConnsRefused uint64
	// RequestsLimited counts HTTP 429 answers and calls refused inside a
	// request (system.multicall's sub-calls beyond the bucket).
	RequestsLimited uint64
	// RegistrationsLimited counts registrations refused for the rate.
	RegistrationsLimited uint64
	// WritesDenied counts writes refused for the address (Allow).
	WritesDenied uint64
	// ReadsDenied counts pages (403) and read calls refused for the
	// address (AllowRead).
	ReadsDenied uint64
	// AuthRefused counts pages (401) and read calls refused for missing or
	// wrong credentials.
	AuthRefused uint64
	// TrackedAddrs is the number of addresses in the request table;
	// AddrsEvicted counts those dropped from a full table.
	TrackedAddrs int
	AddrsEvicted uint64
}

// New returns a guard for cfg. Credentials with a user and no password (or
// the other way round), a negative rate or a negative MaxConns are errors.
func New(cfg Config) (*Guard, error) {
	if err := cfg.Admin.Validate(); err != nil {
		return nil, err
	}
	switch {
	case cfg.MaxConns < 0:
		return nil, fmt.Errorf("guard: max connections must not be negative, not %d", cfg.MaxConns)
	case cfg.RequestRate < 0 || cfg.RegisterRate < 0:
		return nil, fmt.Errorf("guard: rates must not be negative")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	g := &Guard{
		cfg:       cfg,
		log:       cfg.Logger,
		now:       cfg.Now,
		auth:      newCredentialCheck(cfg.Admin),
		noAuth:    map[string]bool{},
		requests:  NewIPLimiter(cfg.RequestRate, cfg.RequestBurst, cfg.MaxAddrs),
		registers: NewIPLimiter(cfg.RegisterRate, cfg.RegisterBurst, cfg.MaxAddrs),
	}
	for _, p := range cfg.NoAuthPaths {
		g.noAuth[p] = true
	}
	return g, nil
}

// Listener wraps ln so that at most MaxConns connections are open at once
// (see LimitListener); Counters reports on it. Call it once, before
// serving.
func (g *Guard) Listener(ln net.Listener) net.Listener {
	l := NewLimitListener(ln, g.cfg.MaxConns)
	g.conns.Store(l)
	return l
}

// CheckWrite says whether ip may act (register, relay, deregister): nil,
// or a *DeniedError. Writes never need credentials.
func (g *Guard) CheckWrite(ip netip.Addr, action string) error {
	if g.cfg.Allow.Empty() || g.cfg.Allow.Contains(ip) {
		return nil
	}
	g.writesDenied.Add(1)
	g.log.Debug("write refused", "addr", ip, "action", action)
	return &DeniedError{Addr: ip.Unmap(), Action: action}
}

// CheckRegister takes one registration token of ip's bucket: nil, or a
// *RateLimitError.
func (g *Guard) CheckRegister(ip netip.Addr) error {
	ok, wait := g.registers.Allow(ip, g.now())
	if ok {
		return nil
	}
	g.registrationsLimited.Add(1)
	g.log.Debug("registration refused: rate", "addr", ip, "retry_after", wait)
	return &RateLimitError{What: "registrations", Addr: ip.Unmap(), RetryAfter: wait}
}

// CheckRead says whether the caller of the request in ctx may read: nil,
// a *DeniedError (address) or an error wrapping ErrUnauthorized. A context
// that did not come through Handler has no credentials, so only ip
// decides.
func (g *Guard) CheckRead(ctx context.Context, ip netip.Addr) error {
	var err error
	if st, ok := ctx.Value(requestKey{}).(*requestState); ok {
		err = st.readErr
	} else {
		err = g.readAccess(ip, nil)
	}
	if err != nil {
		g.countReadRefusal(err)
		g.log.Debug("read refused", "addr", ip, "reason", err)
	}
	return err
}

// ChargeCall pays for one XML-RPC call by ip: the first call of a request
// that came through Handler is prepaid by the request's token, every
// other call takes a token of ip's bucket. It returns nil or a
// *RateLimitError.
func (g *Guard) ChargeCall(ctx context.Context, ip netip.Addr) error {
	if st, ok := ctx.Value(requestKey{}).(*requestState); ok && st.prepaid.Add(-1) >= 0 {
		return nil
	}
	ok, wait := g.requests.Allow(ip, g.now())
	if ok {
		return nil
	}
	g.requestsLimited.Add(1)
	g.log.Debug("call refused: rate", "addr", ip, "retry_after", wait)
	return &RateLimitError{What: "calls", Addr: ip.Unmap(), RetryAfter: wait}
}

// Counters returns the running totals.
func (g *Guard) Counters() Counters {
	c := Counters{
		RequestsLimited:      g.requestsLimited.Load(),
		RegistrationsLimited: g.registrationsLimited.Load(),
		WritesDenied:         g.writesDenied.Load(),
		ReadsDenied:          g.readsDenied.Load(),
		AuthRefused:          g.authRefused.Load(),
		TrackedAddrs:         g.requests.Len(),
		AddrsEvicted:         g.requests.Evicted(),
	}
	if l := g.conns.Load(); l != nil {
		c.ConnsOpen, c.ConnsRefused = l.Open(), l.Refused()
	}
	return c
}
