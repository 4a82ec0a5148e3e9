package relayd

import (
	"context"

	"relayd/guard"
	"relayd/rpc"
)

// Access control and limits (package guard) wired into the relay:
//
//   - The listener is wrapped so that at most MaxConns connections are
//     open at once, and the HTTP handler so that every request pays a
//     token of its address's bucket (HTTP 429 with Retry-After beyond) and
//     pages obey the read rules (403 for the address, 401 for credentials).
//   - Every method but call_method is wrapped by guarded: the call pays its
//     token (the first of a request is prepaid by the request's, so a
//     system.multicall of 100 costs 100; one refused inside a request is a
//     -32000 fault), and a read method checks the read rules (a
//     codeAccessDenied fault). call_method pays nothing itself: the method
//     it calls pays and checks.
//   - The write methods check their caller at their top (checkWrite), so
//     that no path (call_method, system.multicall) goes around it.
//
// The introspection methods and system.multicall belong to package rpc
// and are not wrapped: they describe the public API and hold no data, and
// a request that calls them still pays its token.

// codeAccessDenied is the fault of a read refused for the caller's address
// or credentials: in the range the interoperability spec leaves to servers,
// next to rpc.CodeLimitExceeded.
const codeAccessDenied = -32001

// writeMethods are the methods that change the registry or relay: they
// obey Allow and never need credentials; every other method is a read.
var writeMethods = map[string]bool{
	"relay.register":   true,
	"relay.deregister": true,
	"relay.relay":      true,
}

// newGuard builds the relay's guard from cfg. /healthz stays open without
// credentials, so that a load balancer can probe it (the address rules
// still apply).
func newGuard(cfg Config) (*guard.Guard, error) {
	gc := guard.DefaultConfig()
	gc.Allow, gc.AllowRead, gc.Admin = cfg.Allow, cfg.AllowRead, cfg.Admin
	gc.NoAuthPaths = []string{"/healthz"}
	gc.MaxConns = cfg.MaxConns
	gc.RequestRate, gc.RequestBurst = cfg.IPRate, cfg.IPBurst
	gc.RegisterRate, gc.RegisterBurst = cfg.RegisterRate, cfg.RegisterBurst
	gc.Now = cfg.Now
	gc.Logger = cfg.Logger.With("component", "guard")
	return guard.New(gc)
}

// guarded returns m with its handler wrapped in the per-call checks:
// every call pays a token, and a read checks the read rules.
func (r *Relay) guarded(m rpc.Method) rpc.Method {
	if m.Names[0] == "call_method" {
		return m
	}
	next, isRead := m.Handler, !writeMethods[m.Names[0]]
	m.Handler = func(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
		ip := caller(ctx)
		if err := r.guard.ChargeCall(ctx, ip); err != nil {
			return rpc.Value{}, coFault(err, false)
		}
		if isRead {
			if err := r.guard.CheckRead(ctx, ip); err != nil {
				return rpc.Value{}, coFault(err, false)
			}
		}
		return next(ctx, params)
	}
	return m
}

// checkWrite is the first thing register, relay and deregister do: may the
// caller's address do action ("register", "relay", "deregister")? A
// registration also takes a token of the address's registration bucket.
func (r *Relay) checkWrite(ctx context.Context, action string) error {
	ip := caller(ctx)
	if err := r.guard.CheckWrite(ip, action); err != nil {
		return coFault(err, false)
	}
	if action == "register" {
		if err := r.guard.CheckRegister(ip); err != nil {
			return coFault(err, false)
		}
	}
	return nil
}

// guardProps are the guard's counters for system.get_properties.
func (r *Relay) guardProps() []rpc.Member {
	c := r.guard.Counters()
	return []rpc.Member{
		{Name: "conns_open", Value: rpc.Int(int64(c.ConnsOpen))},
		{Name: "conns_refused", Value: rpc.Int(int64(c.ConnsRefused))},
		{Name: "rate_limited_requests", Value: rpc.Int(int64(c.RequestsLimited))},
		{Name: "rate_limited_registrations", Value: rpc.Int(int64(c.RegistrationsLimited))},
		{Name: "access_denied_writes", Value: rpc.Int(int64(c.WritesDenied))},
		{Name: "access_denied_reads", Value: rpc.Int(int64(c.ReadsDenied))},
		{Name: "auth_refused", Value: rpc.Int(int64(c.AuthRefused))},
	}
}
