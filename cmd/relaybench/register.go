package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"relayd/rpc"
)

// registerBasePort is the first port the register scenario's satellites
// claim. Nothing listens there: the relay's system.listMethods probe of
// each (and, within the run, the first pings of a few) fails, which costs
// it no more than a real call would. The ports stay below
// Linux's ephemeral range (32768 and up), where the bench's own servers are.
const registerBasePort = 20000

// runRegister registers sc.Register satellites, sc.Senders at a time, and
// reads the registration rate and the relay's memory afterwards.
func runRegister(ctx context.Context, cfg Config, sc Scenario, launcher relayLauncher) (Result, error) {
	res := Result{Scenario: sc, Mode: cfg.mode(), BenchCPU: -1, CPU: -1, RSS: -1, HWM: -1}
	if sc.Register > 32768-registerBasePort {
		err := fmt.Errorf("register: at most %d satellites", 32768-registerBasePort)
		res.Err = err.Error()
		return res, err
	}
	err := withRelay(ctx, launcher, benchRelayOptions(sc.Register), func(relay relayInstance) error {
		client := newBenchClient(sc.Senders)
		defer client.Close()
		p0, procErr := readProc(relay.PID())
		start := cfg.Now()
		ids, err := registerMany(ctx, client, relay.URL(), sc.Register, max(sc.Senders, 1))
		end := cfg.Now()
		p1, procErr1 := readProc(relay.PID())
		res.Registered = len(ids)
		res.Seconds = end.Sub(start).Seconds()
		res.RegisterRate = float64(len(ids)) / res.Seconds
		if relay.PID() > 0 && procErr == nil && procErr1 == nil {
			res.CPU = cpuCores(p0, p1, end.Sub(start))
			res.RSS, res.HWM = p1.RSS, p1.HWM
		}
		if st, serr := readRelayStats(ctx, client, relay.URL()); serr == nil {
			res.Relay = st
		}
		if _, external := relay.(externalRelay); external {
			for _, id := range ids {
				deregister(ctx, client, relay.URL(), id)
			}
		}
		return err
	})
	if err != nil {
		res.Err = err.Error()
	}
	return res, err
}

// registerMany registers n satellites at consecutive ports from
// registerBasePort over conns connections and returns their host_ids; it
// stops at the first failure.
func registerMany(ctx context.Context, client *rpc.Client, url string, n, conns int) ([]string, error) {
	var (
		next    atomic.Int64
		mu      sync.Mutex
		ids     = make([]string, 0, n)
		firstEr error
		wg      sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range conns {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || ctx.Err() != nil {
					return
				}
				id, err := register(ctx, client, url, registerBasePort+int(i), fmt.Sprintf("bench-reg-%d", i))
				mu.Lock()
				if err != nil && firstEr == nil {
					firstEr = err
					cancel()
				}
				if err == nil {
					ids = append(ids, id)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ids, firstEr
}
