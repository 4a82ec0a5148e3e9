package limiter

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// target is one satellite as the limiter sees it: its outbox, its state and
// its counters. The dispatcher offers messages to it, its pump takes them.
type target struct {
	id     string
	wake   chan struct{} // pump doorbell, capacity 1
	exited chan struct{} // closed when the pump has returned (or will never run)

	// Set under Limiter.mu before the pump starts, then read-only.
	started bool
	cancel  context.CancelFunc // cancels the pump's context
	prev    *target            // a removed target with this id whose pump must exit first

	mu          sync.Mutex // guards the fields below
	removed     bool
	box         outbox
	state       State
	batch       int     // most messages per Deliver call, >= 1 (SetBatch)
	aside       Message // suspect only: the newest message, for the retry
	hasAside    bool
	delivered   uint64
	dropped     uint64
	notifyFails uint64
	consecutive int // failed deliveries in a row
	lastDropLog time.Time
	unlogged    uint64 // drops since the last drop log
}

func newTarget(id string, outboxSize int) *target {
	return &target{
		id:     id,
		wake:   make(chan struct{}, 1),
		exited: make(chan struct{}),
		box:    newOutbox(outboxSize),
		batch:  1,
	}
}

func (t *target) ring() {
	select {
	case t.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// offer is the dispatcher's hand-off of m to t. It never blocks on the pump.
func (l *Limiter) offer(t *target, m Message) {
	t.mu.Lock()
	var dropLog *logEntry
	switch {
	case t.removed:
	case t.state == StateSuspect:
		if t.hasAside {
			dropLog = l.dropLocked(t, 1, "satellite is suspect")
		}
		t.aside, t.hasAside = m, true
	default:
		wasEmpty := t.box.depth == 0
		if t.box.push(m) {
			dropLog = l.dropLocked(t, 1, "outbox full: dropped the oldest message of its largest sender")
		} else {
			l.work.add(1) // inside the lock, before the pump can take it
		}
		if wasEmpty {
			t.ring() // the pump sleeps only on an empty outbox
		}
	}
	t.mu.Unlock()
	l.writeLog(dropLog)
}

// take appends to buf the pump's next messages, up to t's batch size in
// round-robin order, unless t is suspect or removed; it returns buf as it is
// when there is nothing to deliver.
func (t *target) take(buf []Message) (batch []Message, suspect bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.removed || t.state == StateSuspect {
		return buf, t.state == StateSuspect
	}
	for range t.batch {
		m, ok := t.box.pop()
		if !ok {
			break
		}
		buf = append(buf, m)
	}
	return buf, false
}

// takeAside gives the pump the message kept for a suspect retry.
func (l *Limiter) takeAside(t *target) (m Message, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.removed || t.state != StateSuspect || !t.hasAside {
		return m, false
	}
	m, t.hasAside = t.aside, false
	t.aside = Message{}
	l.work.add(1) // in flight now; settle subtracts it
	return m, true
}

// settle records the outcome of delivering batch to t. stopped means the
// pump's context ended (the target was removed or Run stopped): not the
// target's fault, so a message not delivered counts as dropped, not failed.
// One call counts once toward SuspectAfter, however many messages it held,
// and only if none of them was delivered.
func (l *Limiter) settle(t *target, batch []Message, err error, stopped bool) {
	o := judge(batch, err, stopped)
	var logs []*logEntry
	t.mu.Lock()
	t.delivered += uint64(o.delivered)
	l.totals.delivered.Add(uint64(o.delivered))
	t.dropped += uint64(o.lost)
	l.totals.dropped.Add(uint64(o.lost))
	t.notifyFails += uint64(o.failed)
	l.totals.notifyFails.Add(uint64(o.failed))
	if o.delivered > 0 {
		t.consecutive = 0
	} else if o.failed > 0 {
		t.consecutive++
	}
	if o.failed > 0 {
		first := batch[o.firstFailed]
		logs = append(logs, newLogEntry(slog.LevelWarn, "notify failed",
			"target", t.id, "sender", first.Sender, "seq", first.Seq,
			"failed", o.failed, "batch", len(batch),
			"consecutive_fails", t.consecutive, "err", o.err))
	}
	switch {
	case o.delivered > 0 && t.state == StateSuspect:
		logs = append(logs, l.upLocked(t, "a retry succeeded"))
	case o.failed == 0 || o.delivered > 0:
	case t.state == StateSuspect && !t.hasAside:
		// Still the newest: retry it next time.
		t.aside, t.hasAside = batch[o.newestFailed], true
	case t.state == StateSuspect:
		logs = append(logs, l.dropLocked(t, 1, "satellite is suspect"))
	case t.consecutive >= l.cfg.SuspectAfter:
		logs = append(logs, l.suspectLocked(t)...)
	}
	l.work.add(-len(batch)) // no longer in flight
	t.mu.Unlock()
	for _, r := range logs {
		l.writeLog(r)
	}
}

// suspectLocked makes t suspect: the pump stops delivering, the newest queued
// message is kept aside for the retry and the rest are dropped.
func (l *Limiter) suspectLocked(t *target) []*logEntry {
	t.state = StateSuspect
	logs := []*logEntry{newLogEntry(slog.LevelWarn, "satellite suspect: deliveries stopped until a ping or a retry succeeds",
		"target", t.id, "consecutive_fails", t.consecutive)}
	newest, ok := t.box.newest()
	n := t.box.clear()
	l.work.add(-n)
	if ok {
		t.aside, t.hasAside = newest, true
		n--
	}
	if n > 0 {
		logs = append(logs, l.dropLocked(t, n, "satellite is suspect"))
	}
	return logs
}

// upLocked makes a suspect t up again and queues the message kept aside.
func (l *Limiter) upLocked(t *target, why string) *logEntry {
	t.state = StateUp
	t.consecutive = 0
	if t.hasAside {
		t.box.push(t.aside) // the outbox is empty while suspect: nothing drops
		t.aside, t.hasAside = Message{}, false
		l.work.add(1)
		t.ring()
	}
	return newLogEntry(slog.LevelInfo, "satellite up: deliveries resume", "target", t.id, "why", why)
}

func (l *Limiter) markUp(t *target) {
	t.mu.Lock()
	var r *logEntry
	if !t.removed && t.state == StateSuspect {
		r = l.upLocked(t, "marked up")
	}
	t.mu.Unlock()
	l.writeLog(r)
}

// discard empties a removed target. Its pump, if any, has been cancelled.
func (l *Limiter) discard(t *target) {
	t.mu.Lock()
	t.removed = true
	n := t.box.clear()
	l.work.add(-n)
	if t.hasAside {
		n++
		t.aside, t.hasAside = Message{}, false
	}
	t.dropped += uint64(n)
	l.totals.dropped.Add(uint64(n))
	t.mu.Unlock()
}

// dropLocked counts n messages t lost and returns a log record for them if
// the last drop log for t is at least a second old (nil otherwise).
func (l *Limiter) dropLocked(t *target, n int, reason string) *logEntry {
	t.dropped += uint64(n)
	t.unlogged += uint64(n)
	l.totals.dropped.Add(uint64(n))
	now := l.cfg.Now()
	if !t.lastDropLog.IsZero() && now.Sub(t.lastDropLog) < time.Second {
		return nil
	}
	r := newLogEntry(slog.LevelWarn, "dropped messages for satellite",
		"target", t.id, "dropped", t.unlogged, "dropped_total", t.dropped, "reason", reason)
	t.lastDropLog, t.unlogged = now, 0
	return r
}

// logEntry is a log line decided under a target's lock and written after it
// is released, so a slow log handler never holds up the dispatcher.
type logEntry struct {
	level slog.Level
	msg   string
	args  []any
}

func newLogEntry(level slog.Level, msg string, args ...any) *logEntry {
	return &logEntry{level: level, msg: msg, args: args}
}

func (l *Limiter) writeLog(e *logEntry) {
	if e != nil {
		l.log.Log(context.Background(), e.level, e.msg, e.args...)
	}
}
