// Package satellite is for writing co2 satellites in Go: programs that
// register with a relay (relayd or the original co2 relay), relay data to
// every other satellite through it, and receive what the others relay
// (PROTOCOL.md sections 5 and 6).
//
// # What a Satellite owns
//
// New listens on Config.Listen and serves XML-RPC there at once, so the
// relay can reach it the moment it registers:
//
//   - notify: takes {host_id, data, notify_pass} from the relay. When
//     Config.NotifyPass is set, a call whose notify_pass is missing or
//     wrong is refused with a fault (compared in constant time). An
//     accepted notification is queued and notify answers "OK" at once; a
//     full queue drops the notification and counts it (Stats.Dropped), so a
//     slow Handler never makes the relay's notify time out.
//   - ping (and web.ping): answers "pong" and notes that the relay is alive.
//   - test (and web.test): returns the struct it was given.
//   - system.get_properties (and sys., web.): the satellite's properties,
//     which GET / also shows as a page.
//   - the co2 introspection names and system.multicall (from package rpc).
//
// One worker goroutine takes notifications off the queue, in the order
// they arrived, and calls Config.Handler with each; handler calls never
// overlap.
//
// # Registration
//
// Register registers with the relay, retrying with exponential backoff
// until it succeeds, the context ends, or the relay answers with a fault
// that retrying cannot mend (a protocol fault such as a bad port). The
// host_id the relay returns is the satellite's identity from then on
// (HostID); Relay sends data as that host_id.
//
// A relay can forget a satellite: it restarts without its state file, or
// evicts a satellite it could not ping. The satellite notices in two ways
// and registers again by itself, then calls Config.OnReregister:
//
//   - Relay gets a fault saying the host_id is not registered: it
//     registers again and sends the data once more.
//   - Nothing was heard from the relay (no ping, no notify) for three
//     Config.PingIntervals: it asks the relay for its satellites
//     (relay.get_satellites) and registers again if its host_id is not
//     among them. An unreachable relay is asked again at the next check.
//
// # Shutdown and the caller's contract
//
// Close deregisters (bounded by Config.CloseTimeout), stops the server,
// the watchdog and the worker, and returns when every goroutine the
// Satellite started has exited. It cancels the context handed to Handler,
// and notifications still queued are discarded. Call Close once you are
// done (a second call is harmless); every method is safe for concurrent
// use, and after Close, Register and Relay fail with ErrClosed. Handler and OnReregister must not
// call Close (Close waits for them).
package satellite
