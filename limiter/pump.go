package limiter

import (
	"context"
	"time"
)

// pump is the one goroutine that calls Deliver for t. It runs until ctx is
// done (RemoveTarget or the end of Run). While t is up it delivers the outbox
// in round-robin order, up to t's batch size per call; while t is suspect it
// sleeps, except for one retry of the message kept aside every SuspectRetry.
func (l *Limiter) pump(ctx context.Context, t *target) {
	defer l.wg.Done()
	defer l.pumpExited(t)
	if t.prev != nil {
		// Wait for the previous pump of this id even if this one is removed
		// meanwhile: a later pump of the id waits for this one's exit, so
		// that exit must not come before the previous one's, or the later
		// pump and the previous one could be in Deliver at once. The wait is
		// short: the previous pump's context is already cancelled.
		<-t.prev.exited
		if ctx.Err() != nil {
			return
		}
	}
	done := ctx.Done()
	var retry <-chan time.Time // armed only while t is suspect
	var batch []Message        // reused for every call: Deliver must not keep it
	for {
		select {
		case <-done:
			return
		default:
		}
		var suspect bool
		if batch, suspect = t.take(batch[:0]); len(batch) > 0 {
			retry = nil
			l.deliverTo(ctx, t, batch)
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
				l.deliverTo(ctx, t, append(batch[:0], m))
			}
		}
	}
}

// deliverTo makes one Deliver call with the configured deadline, records the
// outcome and lets go of the payloads.
func (l *Limiter) deliverTo(ctx context.Context, t *target, batch []Message) {
	callCtx, cancel := context.WithTimeout(ctx, l.cfg.DeliverTimeout)
	err := l.deliver(callCtx, t.id, batch)
	cancel()
	l.settle(t, batch, err, ctx.Err() != nil)
	clear(batch)
}
