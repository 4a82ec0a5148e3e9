package main

import (
	"context"
	"errors"
)

// externalLauncher targets a relay that runs elsewhere (--relay URL).
type externalLauncher struct {
	url string
	pid int // 0 when unknown
}

func (l externalLauncher) Scope() string {
	if l.pid == 0 {
		return "nothing: an external relay without --relay-pid"
	}
	return "the external relay's process (--relay-pid)"
}

// Launch returns the external relay; opt and statePath cannot be applied
// to it.
func (l externalLauncher) Launch(context.Context, relayOptions, string) (relayInstance, error) {
	return externalRelay(l), nil
}

// externalRelay is shared by every scenario and never stopped.
type externalRelay struct {
	url string
	pid int
}

func (r externalRelay) URL() string                { return r.url }
func (r externalRelay) PID() int                   { return r.pid }
func (r externalRelay) Goroutines() (int, bool)    { return 0, false }
func (r externalRelay) Stop(context.Context) error { return nil }
func (r externalRelay) Kill() error                { return ErrKillUnsupported }
func (r externalRelay) Restart(context.Context) error {
	return errors.New("an external relay cannot be restarted from here")
}
