// Package guard is the relay's door: who may call it, how often, and how
// many at once. It owns four small mechanisms and the policy that joins
// them:
//
//   - AllowList: CIDR lists of addresses (allow.go).
//   - IPLimiter: one token bucket (golang.org/x/time/rate) per client
//     address, in a table that is bounded and forgets idle addresses
//     (iprate.go).
//   - LimitListener: a net.Listener that closes connections beyond a
//     maximum at once, instead of letting them wait (connlimit.go).
//   - Credentials: HTTP basic auth compared in constant time (auth.go).
//
// A Guard applies them. Its Handler wraps the relay's HTTP handler and
// decides, per request: over the per-IP request rate is HTTP 429 with
// Retry-After; a page (GET or HEAD) the caller may not read is HTTP 403
// (address) or 401 with WWW-Authenticate (credentials). A POST is never
// refused for access at the HTTP level, because one XML-RPC request may
// carry writes, which need no credentials, and reads, which may: the
// Handler records what it learnt (the caller's read permission and one
// prepaid call) in the request's context, and the method handlers ask
// CheckRead, CheckWrite, CheckRegister and ChargeCall.
//
// The rules:
//
//   - Writes (register, relay, deregister) need the caller's address in
//     Allow, or Allow empty. They never need credentials.
//   - Reads (pages and every other method) need the address in AllowRead
//     or in Allow, or AllowRead empty; and, when Admin credentials are set,
//     those credentials, except for callers in a non-empty Allow (satellites
//     read without a password). NoAuthPaths skip the credentials only.
//   - Every HTTP request costs one token of its address's bucket, paid
//     before anything else. The first XML-RPC call it carries is prepaid by
//     that token; each further call (the sub-calls of system.multicall)
//     costs one more, so a multicall of 100 costs 100.
//   - Registrations have their own, slower bucket per address.
//
// Addresses come from the TCP connection, never from a header such as
// X-Forwarded-For; behind a reverse proxy every caller is the proxy. IPv6
// callers are limited per /64, the block one host usually owns.
//
// A caller must keep one contract: every method handler that reads or
// writes calls the matching check, with the address from the connection.
// Guard starts no goroutine; all its state is bounded.
package guard
