package relayd

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"relayd/rpc"
)

// Batching: a satellite that lists system.multicall gets up to Config.Batch
// notifications in one call (deliver.go), which lifts the ceiling that one
// HTTP request per notification puts on deliveries per second. Whether it
// does is asked at registration (system.listMethods, with a short deadline)
// by the prober below, off the register call's path. Until the answer comes,
// and whenever the question fails, the satellite gets plain notify calls:
// a satellite without multicall (co2's own) is never sent one.

const (
	// probeTimeout bounds one system.listMethods question: a satellite too
	// slow to answer it quickly is not one to batch for.
	probeTimeout = 2 * time.Second
	// probeWorkers is how many satellites are asked at once.
	probeWorkers = 4
	// maxProbesQueued bounds the satellites waiting to be asked; beyond, a
	// registration is not probed and its satellite gets plain notify calls.
	maxProbesQueued = 1024
)

// batchProber asks satellites whether they serve system.multicall and sets
// their batch size in the fan-out. Probe never blocks; Run owns the workers.
// A satellite registered again while its question is out is asked again,
// and the older answer is ignored.
type batchProber struct {
	batch     int                                                    // the batch size of a satellite that lists multicall
	multicall func(ctx context.Context, target string) (bool, error) // does target list system.multicall?
	setBatch  func(target string, n int)                             // the limiter's SetBatch
	ids       func() []string                                        // satellites registered when Run starts
	log       *slog.Logger
	wake      chan struct{} // doorbell of the workers, capacity 1

	mu     sync.Mutex // guards the fields below, and orders the setBatch calls
	queue  []string   // satellites to ask, oldest first
	queued map[string]bool
	asked  map[string]uint64 // satellite -> number of its newest Probe, until answered
	probes uint64            // Probes so far, to number them
}

func newBatchProber(r *Relay) *batchProber {
	return &batchProber{
		batch:     r.cfg.Batch,
		multicall: r.listsMulticall,
		setBatch:  r.lim.SetBatch,
		ids:       r.reg.IDs,
		log:       r.log.With("component", "batch"),
		wake:      make(chan struct{}, 1),
		queued:    make(map[string]bool),
		asked:     make(map[string]uint64),
	}
}

// Probe queues the question for target, and until a worker has its answer
// target gets plain notify calls. It never blocks: it must not hold up
// relay.register.
func (p *batchProber) Probe(target string) {
	if p.batch <= 1 {
		return // batching is off
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setBatch(target, 1)
	if !p.queued[target] {
		if len(p.queue) >= maxProbesQueued {
			delete(p.asked, target) // and ignore an answer still on its way
			p.log.Debug("too many satellites waiting to be asked about system.multicall; not batching", "target", target)
			return
		}
		p.queue = append(p.queue, target)
		p.queued[target] = true
	}
	p.probes++
	p.asked[target] = p.probes
	p.ring()
}

func (p *batchProber) ring() {
	select {
	case p.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// Run asks every satellite registered now, then each one Probe names, with
// probeWorkers workers, until ctx ends; it returns when they have exited.
func (p *batchProber) Run(ctx context.Context) error {
	if p.batch <= 1 {
		return nil
	}
	for _, id := range p.ids() {
		p.Probe(id)
	}
	var wg sync.WaitGroup
	for range probeWorkers {
		wg.Go(func() { p.work(ctx) })
	}
	wg.Wait()
	return nil
}

func (p *batchProber) work(ctx context.Context) {
	for ctx.Err() == nil {
		if target, probe, ok := p.next(); ok {
			p.ask(ctx, target, probe)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
	}
}

// next takes the oldest satellite to ask and the number of its Probe.
func (p *batchProber) next() (target string, probe uint64, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return "", 0, false
	}
	target, p.queue = p.queue[0], p.queue[1:]
	delete(p.queued, target)
	if len(p.queue) == 0 {
		p.queue = nil // let a long queue's array go
	} else {
		p.ring() // another worker may take the next one
	}
	return target, p.asked[target], true
}

// ask puts the question to target and sets its batch size, unless target
// was registered again (and so queued again) meanwhile.
func (p *batchProber) ask(ctx context.Context, target string, probe uint64) {
	askCtx, cancel := context.WithTimeout(ctx, probeTimeout)
	lists, err := p.multicall(askCtx, target)
	cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.asked[target] != probe {
		return // an older answer: the newer question is queued
	}
	delete(p.asked, target)
	n := 1
	if err == nil && lists {
		n = p.batch
	}
	p.setBatch(target, n)
	p.log.Debug("asked a satellite about system.multicall", "target", target, "multicall", lists, "batch", n, "err", err)
}

// listsMulticall asks target for system.listMethods and looks for
// system.multicall in the answer.
func (r *Relay) listsMulticall(ctx context.Context, target string) (bool, error) {
	v, err := r.client.Call(ctx, satelliteURL(target), "system.listMethods")
	if err != nil {
		return false, err
	}
	if v.Kind != rpc.KindArray {
		return false, fmt.Errorf("system.listMethods answered a %s, not an array", v.Kind)
	}
	for _, name := range v.Array {
		if name.Kind == rpc.KindString && name.Str == "system.multicall" {
			return true, nil
		}
	}
	return false, nil
}
