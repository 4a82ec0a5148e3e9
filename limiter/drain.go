package limiter

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Drain stops the intake (Submit fails with ErrClosed from now on) and waits
// until the intake and every outbox are empty and no Deliver is in flight. It
// returns nil then, ctx.Err() if ctx ends first, or an error wrapping
// ErrClosed if Run returns first. A message kept aside for a suspect target
// is not waited for: only a retry or MarkUp could deliver it.
func (l *Limiter) Drain(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.work.draining.Store(true)
	for {
		idle := l.work.idle()
		n := l.work.n.Load()
		if n == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		case <-l.done:
			return fmt.Errorf("%w: Run returned with %d messages undelivered", ErrClosed, l.work.n.Load())
		}
	}
}

// pending counts the work Drain waits for: messages in the intake, in
// outboxes and in flight. A message moves from the intake to the outboxes by
// adding one per outbox before subtracting one for the intake, so the count
// never touches zero while work remains.
type pending struct {
	n        atomic.Int64
	draining atomic.Bool // only a draining limiter pays for the wake-ups

	mu     sync.Mutex
	idleCh chan struct{} // closed when n reaches zero; nil when no one waits
}

func (p *pending) add(delta int) {
	if p.n.Add(int64(delta)) != 0 || !p.draining.Load() {
		return
	}
	p.mu.Lock()
	if p.idleCh != nil {
		close(p.idleCh)
		p.idleCh = nil
	}
	p.mu.Unlock()
}

// idle returns a channel that is closed the next time the count reaches zero.
// Read the count after calling it, so a zero in between is not missed.
func (p *pending) idle() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idleCh == nil {
		p.idleCh = make(chan struct{})
	}
	return p.idleCh
}
