package relayd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"relayd/guard"
	"relayd/internal/hostinfo"
	"relayd/limiter"
	"relayd/persist"
	"relayd/pinger"
	"relayd/registry"
	"relayd/rpc"
)

// Relay is one relay: its registry, fan-out, pinger, state file and
// XML-RPC server. New builds it (loading the state file); Run serves it
// until its context ends, then drains and saves.
type Relay struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	start  time.Time
	reg    *registry.Registry
	lim    *limiter.Limiter
	ping   *pinger.Pinger
	client *rpc.Client
	rpc    *rpc.Server
	state  *persist.Writer // nil without a state file
	lock   *persist.Lock
	host   hostinfo.Info
	guard  *guard.Guard // access rules and limits (guard.go)
	batch  *batchProber // who gets notifications in system.multicall (batch.go)

	closing sync.Once
}

// New builds a relay from cfg. With a state file it takes the file's lock
// and loads the satellites saved there; a locked, unreadable or corrupt
// file is an error that names the file, and nothing is written to it.
func New(cfg Config) (*Relay, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxSats < 1 {
		return nil, fmt.Errorf("max satellites must be at least 1, not %d", cfg.MaxSats)
	}
	r := &Relay{
		cfg:    cfg,
		log:    cfg.Logger,
		now:    cfg.Now,
		start:  cfg.Now(),
		reg:    registry.New(cfg.MaxSats),
		client: rpc.NewClient(cfg.Client),
		host:   hostinfo.Read(),
	}
	g, err := newGuard(cfg)
	if err != nil {
		return nil, err
	}
	r.guard = g

	lc := limiter.DefaultConfig()
	lc.Rate, lc.Burst = cfg.Rate, cfg.Burst
	lc.SenderRate, lc.SenderBurst = cfg.SenderRate, cfg.SenderBurst
	lc.IntakeSize, lc.SenderQueue, lc.Outbox = cfg.Intake, cfg.SenderQueue, cfg.Outbox
	lc.DeliverTimeout = cfg.NotifyTimeout
	lc.SuspectAfter = cfg.SuspectAfter
	lc.Now = cfg.Now
	lc.Logger = cfg.Logger.With("component", "limiter")
	if err := lc.Validate(); err != nil {
		return nil, fmt.Errorf("fan-out settings: %w", err)
	}
	r.lim = limiter.New(lc, r.deliver)
	r.batch = newBatchProber(r)

	pc := pinger.DefaultConfig()
	pc.Interval, pc.Timeout, pc.EvictAfter = cfg.PingInterval, cfg.PingTimeout, cfg.EvictAfter
	pc.Logger = cfg.Logger.With("component", "pinger")
	r.ping = pinger.New(pc, r.reg.IDs, r.pingSatellite, r.pingResult, r.evict)

	sc := cfg.Server
	sc.Logger = cfg.Logger.With("component", "rpc")
	sc.Pages = r.pages()
	r.rpc = rpc.NewServer(sc)
	r.registerMethods()

	if cfg.StatePath != "" {
		if err := r.loadState(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// loadState locks the state file, loads it into the registry and starts a
// pump for every satellite it names.
func (r *Relay) loadState() error {
	lock, err := persist.Acquire(r.cfg.StatePath)
	if err != nil {
		return err
	}
	recs, found, err := persist.Load(r.cfg.StatePath)
	if err != nil {
		lock.Release()
		return err
	}
	sats := make([]registry.Satellite, 0, len(recs))
	for _, rec := range recs {
		ip, err := netip.ParseAddr(rec.IP)
		if err != nil {
			lock.Release()
			return fmt.Errorf("state file %s: satellite %q: bad ip %q", r.cfg.StatePath, rec.HostID, rec.IP)
		}
		sats = append(sats, registry.Satellite{
			HostID: rec.HostID, IP: ip, Port: rec.Port, Nick: rec.Nick,
			Plugins: rec.Plugins, NotifyPass: rec.NotifyPass, CTime: rec.CTime,
		})
	}
	if err := r.reg.Restore(sats); err != nil {
		lock.Release()
		return fmt.Errorf("state file %s: %w", r.cfg.StatePath, err)
	}
	for _, s := range sats {
		r.lim.AddTarget(s.HostID)
	}
	r.lock = lock
	r.state = persist.NewWriter(persist.WriterConfig{
		Path:          r.cfg.StatePath,
		Delay:         100 * time.Millisecond,
		RetryInterval: time.Second,
		Logger:        r.log.With("component", "persist"),
	}, r.snapshot)
	if found {
		r.log.Info("state loaded", "file", r.cfg.StatePath, "satellites", len(sats))
	} else {
		r.log.Info("no state file yet; starting empty", "file", r.cfg.StatePath)
	}
	return nil
}

// snapshot is the registry as the state file stores it.
func (r *Relay) snapshot() []persist.Record {
	sats := r.reg.List()
	recs := make([]persist.Record, len(sats))
	for i, s := range sats {
		recs[i] = persist.Record{
			HostID: s.HostID, IP: s.IP.String(), Port: s.Port, Nick: s.Nick,
			Plugins: s.Plugins, NotifyPass: s.NotifyPass, CTime: s.CTime,
		}
	}
	return recs
}

// changed tells the state writer the registry changed.
func (r *Relay) changed() {
	if r.state != nil {
		r.state.Changed()
	}
}

// Handler is the relay's HTTP handler (XML-RPC on POST, pages on GET),
// behind the guard's request rate and read rules.
func (r *Relay) Handler() http.Handler { return r.guard.Handler(r.rpc) }

// Run serves on ln until ctx ends. Then it stops taking requests and
// messages, gives outboxes up to DrainTimeout to deliver, writes the state
// file and returns. Every goroutine it started has exited when it returns.
func (r *Relay) Run(ctx context.Context, ln net.Listener) error {
	defer r.release()
	ln = r.guard.Listener(ln)
	srv := r.rpc.HTTPServer(ln.Addr().String())
	srv.Handler = r.Handler()
	srv.BaseContext = func(net.Listener) context.Context { return ctx }

	// The fan-out and the pinger outlive the HTTP server by the drain, so
	// they get their own context.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var wg sync.WaitGroup
	runPart := func(name string, run func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(workCtx); err != nil && !errors.Is(err, context.Canceled) {
				r.log.Error("part stopped with an error", "part", name, "err", err)
			}
		}()
	}
	runPart("limiter", r.lim.Run)
	runPart("pinger", r.ping.Run)
	runPart("batch prober", r.batch.Run)
	if r.state != nil {
		runPart("state writer", r.state.Run)
	}
	for _, id := range r.reg.IDs() {
		r.ping.PingNow(id)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	r.log.Info("relayd listening", "addr", ln.Addr().String(), "max_sats", r.cfg.MaxSats, "state", r.cfg.StatePath)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	r.log.Info("relayd stopping: draining outboxes", "timeout", r.cfg.DrainTimeout)
	drainCtx, cancelDrain := context.WithTimeout(context.Background(), r.cfg.DrainTimeout)
	shutErr := srv.Shutdown(drainCtx)
	if shutErr != nil {
		srv.Close()
	}
	if err := r.lim.Drain(drainCtx); err != nil {
		r.log.Warn("drain deadline passed with notifications undelivered", "totals", fmt.Sprintf("%+v", r.lim.Totals()))
	}
	cancelDrain()
	stopWork()
	wg.Wait()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	if r.state != nil {
		if err := r.state.Flush(); err != nil {
			return fmt.Errorf("final save of %s: %w", r.cfg.StatePath, err)
		}
	}
	r.log.Info("relayd stopped")
	return nil
}

// release gives up the state file's lock and the idle connections.
func (r *Relay) release() {
	r.closing.Do(func() {
		r.client.Close()
		if r.lock != nil {
			r.lock.Release()
		}
	})
}

// Close releases what New took (the state file's lock) for a relay that
// is never Run.
func (r *Relay) Close() { r.release() }
