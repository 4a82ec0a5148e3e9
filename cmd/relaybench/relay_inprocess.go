package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"

	"relayd/relayd"
)

// inprocLauncher runs the relay inside relaybench.
type inprocLauncher struct{}

func (inprocLauncher) Scope() string {
	return "the whole relaybench process (relay in process: load, fake satellites and relay together)"
}

func (inprocLauncher) Launch(ctx context.Context, opt relayOptions, statePath string) (relayInstance, error) {
	r := &inprocRelay{opt: opt, state: statePath, addr: "127.0.0.1:0"}
	if err := r.start(); err != nil {
		return nil, err
	}
	return r, nil
}

// inprocRelay is a relayd.Relay served from this process. Its Run goroutine
// is owned by the inprocRelay: Stop cancels it and waits for it to return.
type inprocRelay struct {
	opt   relayOptions
	state string
	addr  string // "127.0.0.1:0" until the first start

	cancel context.CancelFunc
	done   chan error // receives Run's result; nil while stopped
}

// relaydConfig is opt as a relayd.Config, its log discarded.
func (r *inprocRelay) relaydConfig() relayd.Config {
	cfg := relayd.DefaultConfig()
	cfg.StatePath = r.state
	cfg.MaxSats = r.opt.MaxSats
	cfg.NotifyTimeout = r.opt.NotifyTimeout
	cfg.DrainTimeout = r.opt.DrainTimeout
	cfg.PingInterval = r.opt.PingInterval
	cfg.PingTimeout = r.opt.PingTimeout
	cfg.EvictAfter = r.opt.EvictAfter
	cfg.Logger = slog.New(slog.DiscardHandler)
	return cfg
}

func (r *inprocRelay) start() error {
	rel, err := relayd.New(r.relaydConfig())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		rel.Close()
		return fmt.Errorf("listen on %s: %w", r.addr, err)
	}
	r.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rel.Run(ctx, ln) }()
	r.cancel, r.done = cancel, done
	return nil
}

func (r *inprocRelay) URL() string             { return "http://" + r.addr + "/" }
func (r *inprocRelay) PID() int                { return os.Getpid() }
func (r *inprocRelay) Goroutines() (int, bool) { return runtime.NumGoroutine(), true }

// Stop cancels the relay's Run and waits for it to drain and return.
func (r *inprocRelay) Stop(ctx context.Context) error {
	if r.done == nil {
		return nil
	}
	r.cancel()
	select {
	case err := <-r.done:
		r.done = nil
		return err
	case <-ctx.Done():
		return fmt.Errorf("in-process relay did not stop: %w", ctx.Err())
	}
}

// Kill is not possible in process; the soak stops cleanly instead.
func (r *inprocRelay) Kill() error { return ErrKillUnsupported }

// Restart serves a new relay on the same address and state file.
func (r *inprocRelay) Restart(ctx context.Context) error {
	if r.done != nil {
		return errors.New("the in-process relay is still running; stop it first")
	}
	return r.start()
}
