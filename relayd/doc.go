// Package relayd is the relay: it wires the registry, the fan-out
// (limiter), the pinger and the state file (persist) behind one rpc.Server,
// and serves the co2 methods of PROTOCOL.md and the web pages.
//
// A message travels: POST relay.relay -> rpc.Server (decode, limits) ->
// relay (registry: is the host_id registered, is the caller its IP) ->
// limiter.Submit (never blocks; a full intake is a fault the caller may
// retry) -> dispatcher -> each other satellite's outbox -> its pump ->
// deliver (notify over the rpc client, with a deadline) -> statistics.
//
// What it owns: New takes the state file's lock and loads it; Run starts
// the fan-out, the pinger and the state writer, serves until its context
// ends, then stops taking requests, drains the outboxes for at most
// DrainTimeout, saves the state and returns once every goroutine it started
// has exited. A Relay that is never Run must be Closed to release the lock.
//
// Errors of the rules (registry, limiter) become co2 faults in one place,
// faults.go. No reply, page or log line ever contains a notify_pass.
package relayd
