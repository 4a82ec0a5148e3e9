package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"relayd/rpc"
)

const (
	// queueFullBackoff is how long a sender waits after "relay queue full"
	// before it sends again, as a polite client would.
	queueFullBackoff = time.Millisecond
	// errorBackoff is the wait after any other failure, so that a relay
	// that is down is not spun against.
	errorBackoff = 10 * time.Millisecond
	// windowStall is the longest a sender waits for its window to open; a
	// window that stays shut (notifications dropped) must not stop a run.
	windowStall = time.Second
)

// senderSat is a registered satellite the senders relay as. Its sequence
// numbers and counters are shared by every goroutine sending as it.
type senderSat struct {
	sat      *fakeSat     // it receives what other senders relay
	seq      atomic.Int64 // the last sequence number handed out
	accepted atomic.Int64 // relay.relay calls accepted, whole run
	// reached counts notifications of its messages received by the window
	// receivers; bells wake its sending goroutines when it grows.
	reached atomic.Int64
	bells   []chan struct{}
}

// ring wakes every goroutine waiting for this sender's window. It never
// blocks.
func (s *senderSat) ring() {
	for _, b := range s.bells {
		select {
		case b <- struct{}{}:
		default:
		}
	}
}

// sendCounts are what the senders of one run did.
type sendCounts struct {
	measured     atomic.Uint64 // calls accepted while measuring
	accepted     atomic.Uint64 // calls accepted in all
	rejected     atomic.Uint64 // "relay queue full" faults
	errors       atomic.Uint64 // other faults and transport errors
	windowStalls atomic.Uint64 // times a window stayed shut for windowStall

	mu       sync.Mutex
	firstErr string
}

func (c *sendCounts) fail(err error) {
	c.errors.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.firstErr == "" {
		c.firstErr = err.Error()
	}
}

func (c *sendCounts) firstError() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.firstErr
}

// sendLoop is one sending goroutine with its own connection: it calls
// method ("relay.relay", or "notify" for the delivery ceiling) with
// {host_id, data} until its context ends.
type sendLoop struct {
	client   *rpc.Client
	url      string
	method   string
	hostID   string
	as       *senderSat    // nil when not relaying as a registered satellite
	bell     chan struct{} // this goroutine's bell in as.bells
	pad      string
	interval time.Duration // between sends; 0 = as fast as possible
	// window caps as's messages accepted but not yet received by every one
	// of windowReceivers receivers; 0 = no window.
	window          int64
	windowReceivers int64
	inst            *atomic.Int64 // the relay instance to stamp, nil = 0
	meter           *meter
	counts          *sendCounts
	// onAccepted, when set, sees each accepted message; it must not block.
	onAccepted func(m message)
	// roundTrips, when set, records how long each successful call took
	// while the meter is measuring.
	roundTrips *latencyRecorder
	// gate, when set, is held for reading around each call, so that the
	// soak can stop every sender between two calls by taking it.
	gate *sync.RWMutex
}

func (l *sendLoop) run(ctx context.Context) {
	var local atomic.Int64 // sequence numbers when not relaying as a satellite
	seqs := &local
	if l.as != nil {
		seqs = &l.as.seq
	}
	next := l.meter.now()
	for ctx.Err() == nil {
		if l.interval > 0 {
			next = l.pace(ctx, next)
		}
		if l.window > 0 {
			l.waitWindow(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		err := l.send(ctx, seqs)
		switch {
		case err == nil:
			l.counts.accepted.Add(1)
			if l.meter.measuring() {
				l.counts.measured.Add(1)
			}
			if l.as != nil {
				l.as.accepted.Add(1)
			}
		case ctx.Err() != nil:
			return
		case isQueueFull(err):
			l.counts.rejected.Add(1)
			wait(ctx, queueFullBackoff)
		default:
			l.counts.fail(err)
			wait(ctx, errorBackoff)
		}
	}
}

// catchUpIntervals is how far behind its schedule, in intervals, a paced
// loop may fall and still catch up. Beyond it (paused while the ceilings
// ran, or a slow relay) it starts afresh instead of bursting: a burst is
// not the steady rate asked for (100 intervals let a 300 msg/s run burst
// 180 messages after every ceiling slice, and its p99 was 200 ms), and the
// report says when the senders reached less than that rate.
const catchUpIntervals = 10

// pace waits until next+interval and returns it.
func (l *sendLoop) pace(ctx context.Context, next time.Time) time.Time {
	next = next.Add(l.interval)
	now := l.meter.now()
	if d := next.Sub(now); d > 0 {
		wait(ctx, d)
	} else if -d > catchUpIntervals*l.interval {
		next = now
	}
	return next
}

// send makes one call, holding the gate when there is one.
func (l *sendLoop) send(ctx context.Context, seqs *atomic.Int64) error {
	if l.gate != nil {
		l.gate.RLock()
		defer l.gate.RUnlock()
	}
	m := message{Seq: seqs.Add(1), Sent: l.meter.since()}
	if l.inst != nil {
		m.Inst = l.inst.Load()
	}
	// A call in flight when the loop is told to stop is let finish (within
	// the client's timeout), so that what the relay accepted is counted.
	start := l.meter.now()
	_, err := l.client.Call(context.WithoutCancel(ctx), l.url, l.method, rpc.Struct(
		rpc.Member{Name: "host_id", Value: rpc.String(l.hostID)},
		rpc.Member{Name: "data", Value: m.data(l.pad)},
	))
	if err == nil && l.roundTrips != nil && l.meter.measuring() {
		l.roundTrips.Add(l.meter.now().Sub(start))
	}
	if err == nil && l.onAccepted != nil {
		l.onAccepted(m) // under the gate, so a pause sees every acceptance
	}
	return err
}

// waitWindow waits while more of as's accepted messages than the window
// are still on their way to the window receivers.
func (l *sendLoop) waitWindow(ctx context.Context) {
	open := func() bool {
		return l.as.accepted.Load()*l.windowReceivers-l.as.reached.Load() <= l.window*l.windowReceivers
	}
	if open() {
		return
	}
	stall := time.NewTimer(windowStall)
	defer stall.Stop()
	for !open() {
		select {
		case <-l.bell:
		case <-ctx.Done():
			return
		case <-stall.C:
			l.counts.windowStalls.Add(1)
			return
		}
	}
}

// isQueueFull says whether err is relayd's "relay queue full" fault, which
// a sender may retry.
func isQueueFull(err error) bool {
	var f *rpc.Fault
	return errors.As(err, &f) && strings.Contains(f.String, "queue full")
}

// newBenchClient is the rpc client every load generator uses, with room
// for conns keep-alive connections to one peer.
func newBenchClient(conns int) *rpc.Client {
	cfg := rpc.DefaultClientConfig()
	cfg.MaxConnsPerHost = max(conns, 1)
	cfg.MaxIdleConnsPerHost = max(conns, 1)
	cfg.Timeout = 10 * time.Second
	cfg.UserAgent = "relaybench"
	return rpc.NewClient(cfg)
}
