package satellite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"relayd/internal/hostinfo"
	"relayd/rpc"
)

// shutdownGrace is how long Close lets requests in progress finish.
const shutdownGrace = 500 * time.Millisecond

// Satellite is one running satellite. New starts it; Close stops it.
type Satellite struct {
	cfg    Config
	log    *slog.Logger
	client *rpc.Client
	rpc    *rpc.Server
	http   *http.Server
	ln     net.Listener
	port   int
	start  time.Time
	host   hostinfo.Info // read once, for the properties
	queue  chan Notification
	counts counters

	// ctx ends at Close: it is the Handler's context and bounds the
	// watchdog and registration retries.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool

	closeOnce sync.Once
	closeErr  error

	// regMu serialises register and deregister calls, so that a
	// re-registration happens once however many goroutines notice.
	regMu sync.Mutex

	mu         sync.Mutex // guards the fields below
	hostID     string     // "" when not registered
	generation uint64     // counts registrations; see reregister
	lastHeard  time.Time  // last ping, notify or check that proved the relay knows us
}

// New checks cfg, listens on cfg.Listen and starts serving, handling
// notifications and watching the relay. It does not register: call
// Register. The caller must call Close.
func New(cfg Config) (*Satellite, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("satellite: listen on %s: %w", cfg.Listen, err)
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		ln.Close()
		return nil, fmt.Errorf("%w: %s is not a TCP address", ErrBadConfig, ln.Addr())
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Satellite{
		cfg:    cfg,
		log:    cfg.Logger.With("component", "satellite"),
		client: rpc.NewClient(cfg.Client),
		ln:     ln,
		port:   tcp.Port,
		start:  cfg.Now(),
		host:   hostinfo.Read(),
		queue:  make(chan Notification, cfg.QueueSize),
		ctx:    ctx,
		cancel: cancel,
	}
	sc := cfg.Server
	sc.Logger = s.log
	sc.Pages = s.pages()
	s.rpc = rpc.NewServer(sc)
	s.registerMethods()
	s.http = s.rpc.HTTPServer(ln.Addr().String())

	s.wg.Add(3)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("satellite server stopped", "err", err)
		}
	}()
	go func() { defer s.wg.Done(); s.work() }()
	go func() { defer s.wg.Done(); s.watch() }()
	s.log.Info("satellite listening", "addr", s.Addr(), "relay", cfg.Relay)
	return s, nil
}

// Addr is the address the satellite serves XML-RPC on ("IP:PORT").
func (s *Satellite) Addr() string { return s.ln.Addr().String() }

// HostID is the host_id the relay gave at the last registration, or ""
// when the satellite is not registered.
func (s *Satellite) HostID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hostID
}

// Close deregisters from the relay, stops serving and waits for every
// goroutine the satellite started. It returns the deregister error, if
// any; the satellite is closed all the same. Later calls return the same.
func (s *Satellite) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		// Cancelling first ends registration retries at once, so the
		// deregister below is the last word the relay hears.
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.CloseTimeout)
		defer cancel()
		var errs []error
		if err := s.deregister(ctx); err != nil && !errors.Is(err, ErrNotRegistered) {
			errs = append(errs, err)
		}
		// Every method answers at once, so a connection still busy after
		// shutdownGrace is one that never sent a request (net/http waits
		// up to 5 s for those): close it rather than wait.
		graceCtx, cancelGrace := context.WithTimeout(ctx, shutdownGrace)
		if err := s.http.Shutdown(graceCtx); err != nil {
			s.http.Close()
		}
		cancelGrace()
		s.wg.Wait()
		s.client.Close()
		s.closeErr = errors.Join(errs...)
		s.log.Info("satellite closed", "stats", fmt.Sprintf("%+v", s.Stats()))
	})
	return s.closeErr
}

// heard notes that the relay has shown it knows this satellite.
func (s *Satellite) heard(at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.After(s.lastHeard) {
		s.lastHeard = at
	}
}

// registration returns the current host_id, its generation and when the
// relay was last heard from.
func (s *Satellite) registration() (hostID string, generation uint64, lastHeard time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hostID, s.generation, s.lastHeard
}
