package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// sliceWarmup is the uncounted time before each slice after the first,
// while connections and queues settle again after the pause.
const sliceWarmup = 200 * time.Millisecond

// runScenario runs sc on a relay from launcher, with its ceilings. An
// error means the scenario could not run; the result then says why.
func runScenario(ctx context.Context, cfg Config, sc Scenario, launcher relayLauncher) (Result, error) {
	fmt.Fprintf(cfg.Progress, "relaybench: scenario %s: %s\n", sc.Name, sc.describe())
	if sc.Register > 0 {
		return runRegister(ctx, cfg, sc, launcher)
	}
	return runLoad(ctx, cfg, sc, launcher)
}

// withRelay launches a relay with a temporary state file, runs f and
// stops the relay again.
func withRelay(ctx context.Context, launcher relayLauncher, opt relayOptions, f func(relayInstance) error) error {
	dir, err := os.MkdirTemp("", "relaybench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	relay, err := launcher.Launch(ctx, opt, filepath.Join(dir, "relayd-state.xml"))
	if err != nil {
		return err
	}
	ferr := f(relay)
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opt.DrainTimeout+10*time.Second)
	defer cancel()
	if err := relay.Stop(stopCtx); err != nil && ferr == nil {
		return err
	}
	return ferr
}

// runLoad runs the traffic of sc and its ceilings, and reads what the
// relay and the satellites saw.
func runLoad(ctx context.Context, cfg Config, sc Scenario, launcher relayLauncher) (Result, error) {
	res := Result{Scenario: sc, Mode: cfg.mode(), BenchCPU: -1, CPU: -1, RSS: -1, HWM: -1}
	nSats := sc.Receivers + sc.senderSats() + 2
	err := withRelay(ctx, launcher, benchRelayOptions(nSats), func(relay relayInstance) error {
		r, err := newRig(ctx, cfg, sc, relay.URL())
		if err != nil {
			return err
		}
		defer r.close(ctx)
		bare, err := startBare(ctx, cfg)
		if err != nil {
			return err
		}
		defer bare.Close()
		ceilings := startCeilings(ctx, cfg, sc, bare.URL())
		defer func() {
			for _, c := range ceilings {
				c.close()
			}
		}()
		before, err := readRelayStats(ctx, r.client, relay.URL())
		if err != nil {
			return err
		}
		loadCtx, stopLoad := context.WithCancel(ctx)
		senders := r.startSenders(loadCtx)
		m := alternate(ctx, cfg, r, relay, ceilings)
		r.gate.Unlock() // alternate leaves the senders paused
		stopLoad()
		senders.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
		m.fill(&res)
		for _, c := range ceilings {
			rate, err := c.rate()
			if err != nil {
				return err
			}
			switch {
			case c.roundTrips != nil:
				res.BareRoundTrip = c.roundTrips.Summary()
			case c.key.Method == "relay.relay":
				res.IngestCeiling = rate
			default:
				res.DeliveryCeiling = rate
			}
		}
		after := settle(ctx, cfg, r, relay.URL(), before)
		res.Relay = after.sub(before)
		r.fill(&res)
		return nil
	})
	if err != nil {
		res.Err = err.Error()
	}
	return res, err
}

// startCeilings starts, paused, the ceilings sc is compared with: its
// relay.relay calls over as many connections as it has senders; when
// anything receives, notify calls over one connection per answering
// satellite; and for a paced scenario, timed notify calls at its rate over
// one connection per receiver; all toward the bare server at url.
func startCeilings(ctx context.Context, cfg Config, sc Scenario, url string) []*ceilingRig {
	rigs := []*ceilingRig{startCeiling(ctx, cfg, ceilingKey{Method: "relay.relay", Conns: sc.Senders, Size: sc.Size}, url)}
	if n := sc.deliveryConns(); n > 0 {
		rigs = append(rigs, startCeiling(ctx, cfg, ceilingKey{Method: "notify", Conns: n, Size: sc.Size}, url))
	}
	if sc.Rate > 0 && sc.Receivers > 0 {
		// Each receiver gets every message: one notify call per message per
		// connection, at the scenario's rate.
		rigs = append(rigs, startCeiling(ctx, cfg, ceilingKey{Method: "notify", Conns: sc.Receivers, Size: sc.Size, Rate: sc.Rate}, url))
	}
	return rigs
}

// phaseFigures are what the relay's measuring slices add up to.
type phaseFigures struct {
	measured     time.Duration
	relayCPU     time.Duration
	benchCPU     time.Duration
	relayOK      bool
	benchOK      bool
	lastRSS, hwm int64
}

// alternate measures cfg.Slices slices of the relay, each followed by a
// slice of every ceiling while the senders are paused and the relay idle,
// so that a load on the machine that comes and goes weighs on both alike.
// It returns with the senders paused (r.gate held).
func alternate(ctx context.Context, cfg Config, r *rig, relay relayInstance, ceilings []*ceilingRig) phaseFigures {
	n := max(cfg.Slices, 1)
	relaySlice, ceilingSlice := cfg.Duration/time.Duration(n), cfg.CeilingDuration/time.Duration(n)
	f := phaseFigures{relayOK: relay.PID() > 0, benchOK: true}
	wait(ctx, cfg.Warmup)
	for i := range n {
		if i > 0 {
			r.gate.Unlock()
			wait(ctx, min(sliceWarmup, cfg.Warmup))
		}
		p0, perr0 := readProc(relay.PID())
		b0, berr0 := readProc(os.Getpid())
		start := r.meter.set(phaseMeasure)
		wait(ctx, relaySlice)
		end := r.meter.set(phaseWarmup)
		p1, perr1 := readProc(relay.PID())
		b1, berr1 := readProc(os.Getpid())
		f.measured += end.Sub(start)
		if f.relayOK = f.relayOK && perr0 == nil && perr1 == nil; f.relayOK {
			f.relayCPU += p1.CPU - p0.CPU
			f.lastRSS, f.hwm = p1.RSS, p1.HWM
		}
		if f.benchOK = f.benchOK && berr0 == nil && berr1 == nil; f.benchOK {
			f.benchCPU += b1.CPU - b0.CPU
		}
		r.gate.Lock() // pause the senders between two calls
		r.drain(ctx, cfg)
		for _, c := range ceilings {
			c.slice(ctx, min(sliceWarmup, cfg.Warmup), ceilingSlice)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return f
}

// fill copies the relay's measuring figures into res.
func (f phaseFigures) fill(res *Result) {
	res.Seconds = f.measured.Seconds()
	if f.relayOK && f.measured > 0 {
		res.CPU = float64(f.relayCPU) / float64(f.measured)
		res.RSS, res.HWM = f.lastRSS, f.hwm
	}
	if f.benchOK && f.measured > 0 {
		res.BenchCPU = float64(f.benchCPU) / float64(f.measured)
	}
}

// settle waits, up to cfg.Settle, until the relay has done with every
// notification it owes (delivered, dropped or failed) or stops making
// progress, and returns its totals then.
func settle(ctx context.Context, cfg Config, r *rig, url string, before relayStats) relayStats {
	deadline := cfg.Now().Add(cfg.Settle)
	var last relayStats
	prevDone, lastProgress := int64(-1), cfg.Now()
	for {
		st, err := readRelayStats(ctx, r.client, url)
		if err != nil {
			return last
		}
		last = st
		d := st.sub(before)
		done := d.Delivered + d.Dropped + d.NotifyFails
		owed := d.Accepted * max(st.Satellites-1, 0)
		now := cfg.Now()
		if done != prevDone {
			prevDone, lastProgress = done, now
		}
		switch {
		case done >= owed && st.IntakeDepth == 0, // all accounted for
			now.Sub(lastProgress) > settleStall, // stuck (a hung receiver)
			now.After(deadline), ctx.Err() != nil:
			return st
		}
		wait(ctx, 20*time.Millisecond)
	}
}

// settleStall is how long settle waits without progress: a hung receiver
// never finishes its notifications, and nothing else is then left.
const settleStall = 500 * time.Millisecond

// fill copies the rig's counts into res.
func (r *rig) fill(res *Result) {
	secs := res.Seconds
	res.Ingest = float64(r.counts.measured.Load()) / secs
	var measured, received, requests uint64
	for _, s := range r.answering() {
		measured += s.measured.Load()
	}
	for _, s := range r.receivers {
		res.ReceiverDeliveries += float64(s.measured.Load())
	}
	res.ReceiverDeliveries /= secs
	res.Deliveries = float64(measured) / secs
	all := append([]*fakeSat(nil), r.receivers...)
	for _, s := range r.senders {
		all = append(all, s.sat)
	}
	if r.slow != nil {
		all = append(all, r.slow)
	}
	for _, s := range all {
		received += s.total.Load()
		requests += s.requests.Load()
	}
	res.Received, res.Batched = received, requests
	res.Latency = r.lat.Summary()
	res.Accepted = r.counts.accepted.Load()
	res.Rejected = r.counts.rejected.Load()
	res.Errors = r.counts.errors.Load()
	res.FirstError = r.counts.firstError()
	res.WindowStalls = r.counts.windowStalls.Load()
}
