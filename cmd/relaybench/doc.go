// Command relaybench measures a relayd the way satellites load it and says
// how the figures compare with what the same machine can do at all.
//
// One run starts a relay (a child relayd process with --relayd PATH, the
// relay in this process with --inprocess, or none with --relay URL), fake
// satellites on 127.0.0.1:0 that count and time every notify, and senders
// that relay.relay as fast as a window allows or at --rate. It reports
// ingest (relay.relay calls accepted per second), deliveries per second,
// end-to-end latency (send to notify: p50, p99, max), drops, errors, and
// the relay's CPU and RSS read from /proc (and relaybench's own CPU, since
// load and relay share the machine). In the same run it measures the
// ceiling: the same rpc client at the same concurrency and body size
// against a bare net/http handler that answers a fixed methodResponse (in
// a process of its own when the relay runs in one), and prints each rate
// as a ratio of it. A paced scenario (--rate) also times single notify
// round trips to that handler at its rate, one connection per receiver:
// a request and its reply on this machine, against which the relay's path
// (a request to the relay, its work, a request to the satellite) is held.
// Relay and ceiling are measured in alternating slices (--slices), so that
// both see the same background load.
//
// --scenario NAME runs one preset (scenario flags given on the command line
// change it), --suite runs every preset and prints one table of target,
// measured, ratio and pass/fail, and --soak DURATION churns satellites,
// relays continuously and restarts the relay (SIGKILL for a child) to
// check that nothing leaks and nothing is lost that the relay did not
// count.
//
// Two choices shape the figures. A sender keeps at most a window of its
// messages on their way to the receivers (--window), so that a flat-out
// sender measures what the relay delivers rather than how fast outboxes
// overflow. And the presets' satellites are lean: they scan a notification
// for the few fields they need instead of decoding it with encoding/xml,
// because on one 2-core machine decoding costs more CPU than the relay
// spends sending it (--lean-sats=false decodes in full; the soak always
// does).
//
// The contract: every run stops by itself (durations and counts are
// bounded), uses the loopback only, and leaves nothing behind (temporary
// state files are removed, child relays are stopped, and die with
// relaybench on Linux). A child relayd's per-address rate limits are
// switched off when it has them: all of the load comes from 127.0.0.1.
// Figures are noisy when the machine is busy; the ratios of one run are
// what to compare.
package main
