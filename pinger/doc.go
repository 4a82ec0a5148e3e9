// Package pinger pings every target (a satellite's host_id) once per
// Interval, spread over the interval, with a deadline and a bound on the
// pings in flight, and reports each result through a callback
// (PROTOCOL.md section 6: ping({}), timed). It owns the schedule and the
// count of consecutive failures per target, nothing else: the statistics,
// the suspect state and the eviction itself belong to the caller (relayd),
// which is handed every Result and told when a target has failed EvictAfter
// times in a row. It never imports the rpc package; the caller hands it a
// Ping function.
//
// # Schedule
//
// Run reads the clock once at start. A target's first ping is due at
// start+Jitter(target) (the next such slot at or after the moment the
// target is first seen, start+Jitter(target)+k*Interval), and every ping
// after that one Interval later, so each target keeps its own phase and the
// pings of many targets spread over the interval. A due target that is
// still being pinged (or still waiting for a slot) skips that round rather
// than queueing a second ping. Rounds the loop missed (a stalled machine, a
// clock that jumped) are skipped too, never replayed in a burst. Due
// targets wait in FIFO order for one of Concurrency slots.
//
// The targets callback is called when Run starts and then, because reading
// it costs time in proportion to the number of targets, at most once per
// min(Interval, 1s): when the loop wakes (for a due ping, a PingNow request
// or a finished ping) and that long has passed since the last call; and at
// least once per Interval. Targets that appear are scheduled as above;
// targets that disappear are dropped with their failure count, and the
// result of a ping still in flight for them is dropped too (it would be
// about a satellite that is gone). Each decision is made on a list at most
// min(Interval, 1s) old, so a target that has just left may still be
// pinged, and its result reported, within that time.
//
// PingNow asks for one target to be pinged at once, outside its schedule; a
// request for a target that is already being pinged is dropped. A request
// for a target the schedule does not know is trusted, since the caller asks
// right after adding the target: it is scheduled as if targets() had listed
// it and pinged at once, and the next call to targets() drops it again if
// it does not list it. So a PingNow for a target that targets() never lists
// may cause one ping and one report (and, with EvictAfter 1, one evict)
// before that call. The loop takes the requests before it calls targets(),
// so when it calls targets() in the wake-up that takes a request (always
// the case for requests made before Run), the list is newer than the
// request and a target it does not list is dropped instead.
//
// # Results and eviction
//
// report is called once for every finished ping with the target's
// consecutive failure count after it (0 on success). When that count
// reaches EvictAfter, evict is called once for the target, just after its
// report, and the count starts again from zero. report and evict are
// called from Run's goroutine, one at a time, so they must not block; they
// may call PingNow.
//
// # Time and shutdown
//
// Scheduling time comes from Config.Clock, so tests drive the schedule with
// a fake clock. The per-ping Timeout is a context deadline and so runs on
// the real clock; a ping that ends because of it reports an error wrapping
// ErrTimeout and context.DeadlineExceeded. Ping must return when its
// context is done. When Run's context is cancelled, the pings in flight are
// cancelled, their results are dropped (a ping cut short by shutdown says
// nothing about the satellite), and Run returns ctx.Err() once every ping
// goroutine has exited.
package pinger
