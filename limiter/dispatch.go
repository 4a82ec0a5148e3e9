package limiter

import (
	"context"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// The dispatcher moves messages from the intake to the outboxes: one message
// per sender per turn, each sender's rate and the relay's rate consulted, and
// never a blocking hand-off, so no sender and no target can hold it up.

// sweepEvery is how many dispatches pass between sweeps of senders with
// nothing queued, so the sender map does not grow with every host that ever
// relayed.
const sweepEvery = 4096

// dispatch is the dispatcher loop: it hands out messages until ctx is done,
// and sleeps on the doorbell (or a rate timer) when it cannot.
func (l *Limiter) dispatch(ctx context.Context) {
	done := ctx.Done()
	// tokens fires at tokensDue, when a rate allows the next message. It is
	// kept across wake-ups unless an earlier one is needed, so a stream of
	// Submits while every sender is over its rate does not make a timer each.
	var tokens <-chan time.Time
	var tokensDue time.Time
	for {
		select {
		case <-done:
			return
		default:
		}
		m, targets, due, ok := l.next()
		if ok {
			l.fanOut(m, targets)
			continue
		}
		if !due.IsZero() && (tokens == nil || due.Before(tokensDue)) {
			tokens, tokensDue = l.cfg.After(due.Sub(l.cfg.Now())), due
		}
		select {
		case <-done:
			return
		case <-l.wake:
		case <-tokens:
			tokens = nil
		}
	}
}

// next takes the next message in round-robin order over senders, skipping
// senders over their rate. When it returns !ok, due is when a rate allows the
// next message (zero: the intake is empty).
func (l *Limiter) next() (m Message, targets []*target, due time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.turns.len() == 0 {
		return m, nil, due, false
	}
	var now time.Time
	if l.global != nil || l.cfg.SenderRate > 0 {
		now = l.cfg.Now()
	}
	if l.global != nil {
		if w := tokenWait(l.global, now); w > 0 {
			return m, nil, now.Add(w), false
		}
	}
	var wait time.Duration // the shortest wait of the senders skipped
	for range l.turns.len() {
		s := l.turns.pop()
		if s.lim != nil {
			if w := tokenWait(s.lim, now); w > 0 {
				l.turns.push(s)
				if wait == 0 || w < wait {
					wait = w
				}
				continue
			}
			s.lim.AllowN(now, 1)
		}
		if l.global != nil {
			l.global.AllowN(now, 1)
		}
		m = s.queue.pop()
		l.intakeDepth--
		if s.queue.len() > 0 {
			l.turns.push(s) // back of the line: the other senders go first
		} else {
			s.queued = false
		}
		if l.sinceSweep++; l.sinceSweep >= sweepEvery {
			l.sweepSendersLocked(now)
		}
		return m, l.fanout, due, true
	}
	return m, nil, now.Add(wait), false
}

// tokenWait returns how long until lim has a token at now (0: it has one).
// It rounds up to the microsecond so the wake-up is never a hair too early.
func tokenWait(lim *rate.Limiter, now time.Time) time.Duration {
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	micros := math.Ceil(missing / float64(lim.Limit()) * 1e6)
	return time.Duration(micros) * time.Microsecond
}

// sweepSendersLocked forgets senders with nothing queued whose rate limiter,
// if any, is full again (a fresh one would be the same).
func (l *Limiter) sweepSendersLocked(now time.Time) {
	l.sinceSweep = 0
	for id, s := range l.senders {
		if !s.queued && (s.lim == nil || s.lim.TokensAt(now) >= float64(s.lim.Burst())) {
			delete(l.senders, id)
		}
	}
}

// fanOut offers m to every target but its sender.
func (l *Limiter) fanOut(m Message, targets []*target) {
	for _, t := range targets {
		if t.id != m.Sender {
			l.offer(t, m)
		}
	}
	l.totals.dispatched.Add(1)
	l.work.add(-1) // after the outboxes counted theirs: see pending
}
