package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"relayd/rpc"
)

// rig is the satellites of one scenario: receivers, the extra hung or slow
// one, and the satellites the senders relay as, all registered with the
// relay. It owns their servers; close stops them.
type rig struct {
	sc        Scenario
	relayURL  string
	client    *rpc.Client
	meter     *meter
	lat       *latencyRecorder
	receivers []*fakeSat
	slow      *fakeSat
	hung      *hungSat
	senders   []*senderSat
	hostIDs   []string // every registration, for close
	counts    sendCounts
	// gate is held for reading around each sender's call; holding it
	// pauses every sender between two calls.
	gate sync.RWMutex
}

// newRig starts and registers the scenario's satellites.
func newRig(ctx context.Context, cfg Config, sc Scenario, relayURL string) (*rig, error) {
	r := &rig{
		sc: sc, relayURL: relayURL,
		client: newBenchClient(sc.Senders),
		meter:  newMeter(cfg.Now),
		lat:    newLatencyRecorder(cfg.LatencySamples),
	}
	for range sc.senderSats() {
		r.senders = append(r.senders, &senderSat{})
	}
	// bySender is stored once every sender is registered; the receivers'
	// handlers load it.
	var bySender atomic.Pointer[map[string]*senderSat]
	windowCredit := func(sender string, _ message, _ bool) {
		m := bySender.Load()
		if m == nil {
			return
		}
		if s := (*m)[sender]; s != nil {
			s.reached.Add(1)
			s.ring()
		}
	}
	for range sc.Receivers {
		r.receivers = append(r.receivers, &fakeSat{multicall: sc.Multicall, lean: sc.Lean, meter: r.meter, lat: r.lat, onMessage: windowCredit})
	}
	if sc.Slow > 0 {
		r.slow = &fakeSat{delay: sc.Slow, multicall: sc.Multicall, lean: sc.Lean, meter: r.meter}
	}
	for _, s := range r.senders {
		s.sat = &fakeSat{multicall: sc.Multicall, lean: sc.Lean, meter: r.meter, lat: r.lat}
	}
	if err := r.register(ctx); err != nil {
		r.close(ctx)
		return nil, err
	}
	ids := map[string]*senderSat{}
	for _, s := range r.senders {
		ids[s.sat.hostID] = s
	}
	bySender.Store(&ids)
	return r, nil
}

// answering is every satellite that answers notifications at once.
func (r *rig) answering() []*fakeSat {
	sats := append([]*fakeSat(nil), r.receivers...)
	if len(r.senders) > 1 {
		for _, s := range r.senders {
			sats = append(sats, s.sat)
		}
	}
	return sats
}

// register starts each satellite's server and registers it.
func (r *rig) register(ctx context.Context) error {
	all := append([]*fakeSat(nil), r.receivers...)
	if r.slow != nil {
		all = append(all, r.slow)
	}
	for _, s := range r.senders {
		all = append(all, s.sat)
	}
	for i, s := range all {
		if err := s.start(); err != nil {
			return err
		}
		id, err := register(ctx, r.client, r.relayURL, s.port, fmt.Sprintf("bench-%d", i))
		if err != nil {
			return err
		}
		s.hostID = id
		r.hostIDs = append(r.hostIDs, id)
	}
	if r.sc.Hung {
		h, err := startHungSat()
		if err != nil {
			return err
		}
		r.hung = h
		id, err := register(ctx, r.client, r.relayURL, h.port, "bench-hung")
		if err != nil {
			return err
		}
		r.hostIDs = append(r.hostIDs, id)
	}
	return nil
}

// startSenders starts the sending goroutines; they stop when ctx ends and
// the returned WaitGroup is done when they have.
func (r *rig) startSenders(ctx context.Context) *sync.WaitGroup {
	var interval time.Duration
	if r.sc.Rate > 0 {
		interval = time.Duration(float64(r.sc.Senders) / r.sc.Rate * float64(time.Second))
	}
	pad := padding(r.sc.Size)
	loops := make([]*sendLoop, r.sc.Senders)
	for g := range loops {
		as := r.senders[g%len(r.senders)]
		bell := make(chan struct{}, 1)
		as.bells = append(as.bells, bell)
		loops[g] = &sendLoop{
			client: r.client, url: r.relayURL, method: "relay.relay", hostID: as.sat.hostID,
			as: as, bell: bell, pad: pad, interval: interval,
			window: int64(r.sc.Window), windowReceivers: int64(r.sc.Receivers),
			meter: r.meter, counts: &r.counts, gate: &r.gate,
		}
		if r.sc.Receivers == 0 {
			loops[g].window = 0
		}
	}
	var wg sync.WaitGroup
	for _, l := range loops {
		wg.Go(func() { l.run(ctx) })
	}
	return &wg
}

// drainStall and drainMax bound drain: a receiver that lost
// notifications (or a hung one) never catches up.
const (
	drainStall = 300 * time.Millisecond
	drainMax   = 3 * time.Second
)

// drain waits, with the senders paused, until the plain receivers have
// every message the senders got accepted, so that the relay is idle for a
// ceiling slice; it gives up when they stop catching up.
func (r *rig) drain(ctx context.Context, cfg Config) {
	if r.sc.Receivers == 0 {
		return
	}
	behind := func() int64 {
		var n int64
		for _, s := range r.senders {
			n += s.accepted.Load()*int64(r.sc.Receivers) - s.reached.Load()
		}
		return n
	}
	start := cfg.Now()
	last, lastMove := behind(), start
	for last > 0 && ctx.Err() == nil {
		now := cfg.Now()
		if now.Sub(lastMove) > drainStall || now.Sub(start) > drainMax {
			return
		}
		wait(ctx, 5*time.Millisecond)
		if b := behind(); b != last {
			last, lastMove = b, cfg.Now()
		}
	}
}

// close deregisters every satellite (an external relay outlives the
// scenario) and stops their servers.
func (r *rig) close(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, id := range r.hostIDs {
		deregister(ctx, r.client, r.relayURL, id)
	}
	for _, s := range r.receivers {
		s.stop()
	}
	if r.slow != nil {
		r.slow.stop()
	}
	for _, s := range r.senders {
		if s.sat != nil {
			s.sat.stop()
		}
	}
	if r.hung != nil {
		r.hung.stop()
	}
	r.client.Close()
}
