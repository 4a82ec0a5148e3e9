package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"relayd/rpc"
)

// soak is one --soak run. Its conductor (the goroutine of runSoak) owns
// the schedule: churn, samples and restarts happen one at a time there.
// The senders run in their own goroutines, which the conductor pauses
// between two calls by taking gate.
type soak struct {
	cfg      Config
	sc       SoakConfig
	relay    relayInstance
	killable bool
	client   *rpc.Client
	meter    *meter
	rng      *rand.Rand

	senders, stable, churners, all []*soakSat

	inst     atomic.Int64 // the current relay instance, from 1
	gate     sync.RWMutex
	accepted *acceptedLog
	counts   sendCounts

	rep SoakReport
}

// runSoak runs the soak of cfg.Soak against relays from launcher.
func runSoak(ctx context.Context, cfg Config, launcher relayLauncher) (SoakReport, error) {
	sc := cfg.Soak
	if _, ok := launcher.(externalLauncher); ok {
		return SoakReport{}, errors.New("--soak restarts the relay, so it needs --relayd PATH or --inprocess, not --relay")
	}
	dir, err := os.MkdirTemp("", "relaybench-soak-")
	if err != nil {
		return SoakReport{}, err
	}
	defer os.RemoveAll(dir)
	opt := sc.Relay
	opt.MaxSats = max(opt.MaxSats, sc.Senders+sc.Receivers+sc.Churners+16)
	relay, err := launcher.Launch(ctx, opt, filepath.Join(dir, "relayd-state.xml"))
	if err != nil {
		return SoakReport{}, err
	}
	_, inproc := relay.(*inprocRelay)
	s := &soak{
		cfg: cfg, sc: sc, relay: relay, killable: !inproc,
		client:   newBenchClient(sc.Senders + 2),
		meter:    newMeter(cfg.Now),
		rng:      rand.New(rand.NewPCG(sc.Seed, sc.Seed^0x5eed)),
		accepted: newAcceptedLog(),
	}
	defer s.client.Close()
	s.inst.Store(1)
	s.rep = SoakReport{Mode: cfg.mode(), Restart: "SIGKILL, then start again on the same address and state file"}
	if !s.killable {
		s.rep.Restart = "clean stop and start on the same address and state file (in process: no SIGKILL)"
	}
	err = s.run(ctx)
	s.stopSats()
	if err != nil {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opt.DrainTimeout+10*time.Second)
		defer cancel()
		relay.Stop(stopCtx)
		return s.rep, err
	}
	s.report()
	return s.rep, nil
}

// run sets the satellites up, runs the schedule and the final checks.
func (s *soak) run(ctx context.Context) error {
	if err := s.setup(ctx); err != nil {
		return err
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	senders := s.startSenders(loadCtx)
	err := s.conduct(ctx)
	if err == nil {
		err = s.finish(ctx)
	}
	// Senders blocked on the gate see their context ended once it opens.
	stopLoad()
	senders.Wait()
	return err
}

// setup starts and registers every satellite.
func (s *soak) setup(ctx context.Context) error {
	add := func(role satRole, n int, nick string) []*soakSat {
		var out []*soakSat
		for i := range n {
			ss := &soakSat{role: role, rec: newReceipts(), nick: fmt.Sprintf("soak-%s-%d", nick, i)}
			// Every other satellite offers system.multicall, so that a
			// batching relay's both ways of delivering are soaked.
			ss.sat = &fakeSat{meter: s.meter, onMessage: ss.rec.add, multicall: i%2 == 1}
			out = append(out, ss)
		}
		return out
	}
	s.senders = add(roleSender, s.sc.Senders, "sender")
	s.stable = append(append([]*soakSat(nil), s.senders...), add(roleReceiver, s.sc.Receivers, "receiver")...)
	s.churners = add(roleChurner, s.sc.Churners, "churner")
	s.all = append(append([]*soakSat(nil), s.stable...), s.churners...)
	for _, ss := range s.all {
		if err := ss.sat.start(); err != nil {
			return err
		}
		ss.alive = true
		if err := s.register(ctx, ss); err != nil {
			return err
		}
	}
	return nil
}

func (s *soak) register(ctx context.Context, ss *soakSat) error {
	id, err := register(ctx, s.client, s.relay.URL(), ss.sat.port, ss.nick)
	if err != nil {
		return err
	}
	ss.hostID, ss.sat.hostID = id, id
	ss.registered, ss.changedAt = true, s.cfg.Now()
	return nil
}

func (s *soak) deregister(ctx context.Context, ss *soakSat) error {
	if err := deregister(ctx, s.client, s.relay.URL(), ss.hostID); err != nil {
		return err
	}
	ss.registered, ss.changedAt = false, s.cfg.Now()
	return nil
}

// startSenders starts one goroutine per sender at its share of the rate.
func (s *soak) startSenders(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	interval := time.Duration(float64(len(s.senders)) / s.sc.Rate * float64(time.Second))
	pad := padding(s.sc.Size)
	for _, ss := range s.senders {
		host := ss.hostID
		l := &sendLoop{
			client: s.client, url: s.relay.URL(), method: "relay.relay", hostID: host,
			pad: pad, interval: interval, inst: &s.inst, meter: s.meter, counts: &s.counts,
			gate:       &s.gate,
			onAccepted: func(m message) { s.accepted.add(host, m.Inst) },
		}
		wg.Go(func() { l.run(ctx) })
	}
	return &wg
}

// conduct runs the schedule until the soak's duration has passed.
func (s *soak) conduct(ctx context.Context) error {
	start := s.cfg.Now()
	churn := time.NewTicker(s.sc.ChurnEvery)
	defer churn.Stop()
	sample := time.NewTicker(s.sc.SampleEvery)
	defer sample.Stop()
	end := time.NewTimer(s.sc.Duration)
	defer end.Stop()
	restarts := restartTimes(s.sc.Duration, s.sc.KillEvery)
	restart := time.NewTimer(restarts[0])
	defer restart.Stop()

	s.sample(start)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end.C:
			// Restarts overdue on a machine too busy to keep the schedule
			// still happen, so that a soak always has the ones it planned.
			for range restarts {
				if err := s.restart(ctx); err != nil {
					return err
				}
			}
			s.sample(start)
			return nil
		case <-churn.C:
			s.churnOnce(ctx)
		case <-sample.C:
			s.sample(start)
		case <-restart.C:
			if err := s.restart(ctx); err != nil {
				return err
			}
			if restarts = restarts[1:]; len(restarts) > 0 {
				restart.Reset(restarts[0] - s.cfg.Now().Sub(start))
			}
		}
	}
}

// churnOnce changes one churner: a dead one comes back (listens again on
// its port and registers), a registered one deregisters or dies, an
// unregistered one registers.
func (s *soak) churnOnce(ctx context.Context) {
	if len(s.churners) == 0 {
		return
	}
	c := s.churners[s.rng.IntN(len(s.churners))]
	var err error
	switch {
	case !c.alive:
		if err = c.sat.start(); err == nil {
			c.alive = true
			if err = s.register(ctx, c); err == nil {
				s.rep.Churn.CameBack++
			}
		}
	case c.registered && s.rng.IntN(2) == 0:
		if err = s.deregister(ctx, c); err == nil {
			s.rep.Churn.Deregistered++
		}
	case c.registered:
		c.sat.stop()
		c.alive = false
		s.rep.Churn.Died++
	default:
		if err = s.register(ctx, c); err == nil {
			s.rep.Churn.Registered++
		}
	}
	if err != nil {
		s.rep.Churn.Failed++
		if s.rep.Churn.FirstError == "" {
			s.rep.Churn.FirstError = err.Error()
		}
	}
}

// sample reads the relay's process figures.
func (s *soak) sample(start time.Time) {
	p, err := readProc(s.relay.PID())
	if err != nil {
		return
	}
	g, ok := s.relay.Goroutines()
	if !ok {
		g = -1
	}
	s.rep.Samples = append(s.rep.Samples, soakSample{
		At: s.cfg.Now().Sub(start), Inst: s.inst.Load(),
		RSS: p.RSS, FDs: p.FDs, Threads: p.Threads, Goroutines: g,
	})
}

// restart pauses the senders, closes the books of the current relay
// instance, kills (or cleanly stops) it, starts it again and checks which
// registrations survived.
func (s *soak) restart(ctx context.Context) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	var snap soakSnapshot
	if s.killable {
		snap = s.snapshot(ctx)
	} else {
		snap = s.quiesce(ctx)
	}
	stoppedAt := s.cfg.Now()
	cutoff := stoppedAt
	if s.killable {
		s.relay.Kill()
		cutoff = stoppedAt.Add(-s.sc.PersistGrace)
		s.rep.Kills++
	} else {
		if err := s.stopRelay(ctx); err != nil {
			return err
		}
		s.rep.CleanRestarts++
	}
	s.closeInstance(snap, s.killable)
	// Keep-alive connections to the old relay are dead; a POST on one
	// fails rather than being retried.
	s.client.Close()
	s.inst.Add(1)
	if err := s.relay.Restart(ctx); err != nil {
		return fmt.Errorf("restart %d: %w", s.inst.Load()-1, err)
	}
	return s.reconcile(ctx, cutoff, fmt.Sprintf("after restart %d", s.inst.Load()-1))
}

func (s *soak) stopRelay(ctx context.Context) error {
	stopCtx, cancel := context.WithTimeout(ctx, s.sc.Relay.DrainTimeout+10*time.Second)
	defer cancel()
	return s.relay.Stop(stopCtx)
}

// finish closes the books of the last instance after letting it deliver
// what it holds, checks the registrations and stops the relay cleanly.
func (s *soak) finish(ctx context.Context) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	snap := s.quiesce(ctx)
	if err := s.reconcile(ctx, s.cfg.Now(), "at the end"); err != nil {
		return err
	}
	listed, err := s.listed(ctx)
	if err != nil {
		return err
	}
	s.rep.Satellites.ListedAtEnd = len(listed)
	for _, ss := range s.all {
		if ss.registered && ss.alive {
			s.rep.Satellites.LiveRegisteredAtEnd++
		}
	}
	if err := s.stopRelay(ctx); err != nil {
		return err
	}
	s.closeInstance(snap, false)
	return nil
}

// reconcile compares the relay's list with the model, records what the
// relay should not have forgotten, and repairs the rest as satellites
// would (registering again, deregistering again).
func (s *soak) reconcile(ctx context.Context, cutoff time.Time, when string) error {
	listed, err := s.listed(ctx)
	if err != nil {
		return err
	}
	views := make([]regView, len(s.all))
	byID := map[string]*soakSat{}
	for i, ss := range s.all {
		views[i] = regView{HostID: ss.hostID, Registered: ss.registered, Alive: ss.alive, ChangedAt: ss.changedAt}
		byID[ss.hostID] = ss
	}
	d := diffRegistrations(views, listed, cutoff)
	for _, v := range d.Violations {
		s.rep.Reasons = append(s.rep.Reasons, when+": "+v)
	}
	s.rep.LostRegistrations += d.Forgiven
	for _, id := range d.Register {
		if err := s.register(ctx, byID[id]); err != nil {
			return err
		}
	}
	for _, id := range d.Deregister {
		if err := s.deregister(ctx, byID[id]); err != nil {
			return err
		}
	}
	return nil
}

// listed is the relay's relay.get_satellites as a set.
func (s *soak) listed(ctx context.Context) (map[string]bool, error) {
	v, err := s.client.Call(ctx, s.relay.URL(), "relay.get_satellites")
	if err != nil {
		return nil, fmt.Errorf("relay.get_satellites: %w", err)
	}
	set := map[string]bool{}
	for _, id := range v.Array {
		set[id.Str] = true
	}
	return set, nil
}
