// Package registry holds the relay's satellites, their statistics, and the
// rules that govern them (PROTOCOL.md sections 5 and 7).
//
// It is plain data plus rules: no goroutines, no I/O, no clock. Every method
// that records an event takes the time as an argument, so the caller (the
// relay, the pinger, the tests) owns time. A Registry is safe for concurrent
// use; every method takes one lock for its whole duration, so each rule is
// checked and applied atomically.
//
// # Identity
//
// A satellite is known by its host_id, "IP:PORT" (IPv6 bracketed,
// "[::1]:7000"; see HostID). IP is the TCP source address of the register
// call, never a header; PORT is the port the satellite serves XML-RPC on.
// IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are unmapped (127.0.0.1)
// everywhere: in host_ids, in stored addresses and in caller checks. An IPv6
// zone, if the caller's address has one, is kept and is part of the identity.
//
// # Rules
//
//   - At most Max() satellites are registered at once; Register returns an
//     error wrapping ErrFull past that. The limit holds under concurrent
//     registrations.
//   - Registering again from the same IP and port replaces nick, plugins,
//     notify_pass and ctime, keeps the host_id, its place in the order and its
//     statistics, and does not count twice against the limit (so it succeeds
//     even when the registry is full).
//   - Nick defaults to the host_id.
//   - Deregister and RecordSend (the relay.relay check) first ask whether the
//     host_id is registered (ErrNotRegistered), then whether the caller's IP is
//     the host_id's IP (ErrWrongAddress).
//   - Remove evicts without an address check; it is for the relay itself.
//
// Errors wrap the sentinels of errors.go with a plain-words detail, so a
// caller maps them to faults with errors.Is and may show Error() to the
// client. No error message contains a notify_pass.
//
// # Snapshots
//
// Get, List and every method that returns a Satellite return a deep copy:
// changing it changes nothing in the registry, and the registry keeps its own
// copy of the Plugins a caller hands in. Snapshots carry NotifyPass because
// the relay needs it to notify and to persist; callers must never show it.
//
// # Order
//
// IDs and List return satellites in registration order (a re-registration
// keeps its place). Removal is amortised O(1) (a hole left in the order,
// compacted once holes outnumber satellites), and IDs and List are O(n).
package registry
