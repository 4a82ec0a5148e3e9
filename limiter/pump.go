package limiter

import (
	"context"
	"time"
)

// pump is the one goroutine that calls Deliver for t. It runs until ctx is
// done (RemoveTarget or the end of Run). While t is up it delivers the outbox
// in round-robin order; while t is suspect it sleeps, except for one retry of
// the message kept aside every SuspectRetry.
func (l *Limiter) pump(ctx context.Context, t *target) {
	defer l.wg.Done()
	defer l.pumpExited(t)
	if t.prev != nil {
		select {
		case <-t.prev.exited:
		case <-ctx.Done():
			return
		}
	}
	done := ctx.Done()
	var retry <-chan time.Time // armed only while t is suspect
	for {
		select {
		case <-done:
			return
		default:
		}
		m, ok, suspect := t.take()
		if ok {
			retry = nil
			l.deliverTo(ctx, t, m)
			continue
		}
		switch {
		case !suspect:
			retry = nil
		case retry == nil:
			retry = l.cfg.After(l.cfg.SuspectRetry)
		}
		select {
		case <-done:
			return
		case <-t.wake:
		case <-retry:
			retry = nil
			if m, ok := l.takeAside(t); ok {
				l.deliverTo(ctx, t, m)
			}
		}
	}
}

// deliverTo makes one Deliver call with the configured deadline and records
// the outcome.
func (l *Limiter) deliverTo(ctx context.Context, t *target, m Message) {
	callCtx, cancel := context.WithTimeout(ctx, l.cfg.DeliverTimeout)
	err := l.deliver(callCtx, t.id, m)
	cancel()
	l.settle(t, m, err, ctx.Err() != nil)
}
