package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"relayd/rpc"
)

// ceilingKey says which ceiling: calls of method with bodies of size
// bytes of padding over conns connections, as fast as they go, or, with
// Rate, Rate calls a second on each connection, timed: the round trip a
// paced scenario's latency can be held against.
type ceilingKey struct {
	Method string
	Conns  int
	Size   int
	Rate   float64
}

// bareHandler is the ceiling's server: it reads the request and answers
// the fixed reply, decoding nothing.
func bareHandler(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(okReply)))
	w.Write(okReply)
}

// ceilingRig measures what the machine does without a relay: the bench's
// own rpc client, k.Conns send loops, against a bare server (bare.go). Its
// loops run only during slices, so that a scenario can alternate between
// the relay and its ceilings and both see the same load on the machine.
// It owns its loops; close ends them.
type ceilingRig struct {
	key        ceilingKey
	roundTrips *latencyRecorder // with key.Rate: each call's round trip
	client     *rpc.Client
	counts     *sendCounts
	meter      *meter
	gate       sync.RWMutex // held while the loops are paused
	stop       context.CancelFunc
	loops      sync.WaitGroup
	measured   time.Duration // measuring time so far
}

// startCeiling starts the loops toward url, paused.
func startCeiling(ctx context.Context, cfg Config, k ceilingKey, url string) *ceilingRig {
	c := &ceilingRig{key: k, client: newBenchClient(k.Conns), counts: &sendCounts{}, meter: newMeter(cfg.Now)}
	var interval time.Duration
	if k.Rate > 0 {
		c.roundTrips = newLatencyRecorder(cfg.LatencySamples)
		interval = time.Duration(float64(time.Second) / k.Rate)
	}
	c.gate.Lock()
	loopCtx, stop := context.WithCancel(ctx)
	c.stop = stop
	pad := padding(k.Size)
	for range k.Conns {
		l := &sendLoop{client: c.client, url: url, method: k.Method, interval: interval, roundTrips: c.roundTrips,
			hostID: "127.0.0.1:1", pad: pad, meter: c.meter, counts: c.counts, gate: &c.gate}
		c.loops.Go(func() { l.run(loopCtx) })
	}
	return c
}

// slice runs the loops for warm (not counted) and then d (counted).
func (c *ceilingRig) slice(ctx context.Context, warm, d time.Duration) {
	c.gate.Unlock()
	wait(ctx, warm)
	start := c.meter.set(phaseMeasure)
	wait(ctx, d)
	c.measured += c.meter.set(phaseWarmup).Sub(start)
	c.gate.Lock() // waits for the calls in flight
}

// rate is the calls per second completed while measuring.
func (c *ceilingRig) rate() (float64, error) {
	if n := c.counts.errors.Load(); n > 0 {
		return 0, fmt.Errorf("ceiling %s: %d calls failed, the first: %s", c.key.Method, n, c.counts.firstError())
	}
	if c.measured <= 0 {
		return 0, nil
	}
	return float64(c.counts.measured.Load()) / c.measured.Seconds(), nil
}

// close ends the loops: paused, they see their context end once the gate
// opens.
func (c *ceilingRig) close() {
	c.stop()
	c.gate.Unlock()
	c.loops.Wait()
	c.client.Close()
}
