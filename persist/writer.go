package persist

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// WriterConfig configures a Writer. NewWriter uses the defaults of
// DefaultWriterConfig for zero fields.
type WriterConfig struct {
	// Path is the state file.
	Path string
	// Delay is how long the Writer waits after a change before writing, so
	// the changes of that window are written once. While writes succeed, a
	// change stays off disk at most the longer of Delay and 9 times
	// the last write's duration, plus one write.
	Delay time.Duration
	// RetryInterval is the wait after a failed write before the next attempt.
	RetryInterval time.Duration
	// Logger receives failed writes and the recovery after them. It never
	// receives a record, so never a notify_pass.
	Logger *slog.Logger
	// Now stamps Health and the file's saved attribute.
	Now func() time.Time
}

// DefaultWriterConfig returns the configuration for the state file at path:
// Delay 100ms, RetryInterval 1s, a Logger that discards, Now time.Now.
func DefaultWriterConfig(path string) WriterConfig {
	return WriterConfig{
		Path:          path,
		Delay:         100 * time.Millisecond,
		RetryInterval: time.Second,
		Logger:        slog.New(slog.DiscardHandler),
		Now:           time.Now,
	}
}

// Health is what a Writer has achieved, for a health snapshot.
type Health struct {
	LastWrite   time.Time // last successful write
	LastError   string    // "" when the last attempt succeeded
	LastErrorAt time.Time // when the last failure happened; kept after a success
	Failures    int64     // failed writes in all
	Writes      int64     // successful writes in all
}

// Writer writes the state file when told that the registry changed: one
// goroutine (the one running Run) coalesces changes, retries failures and
// writes a last time at shutdown; Flush writes at once.
type Writer struct {
	cfg      WriterConfig
	snapshot func() []Record
	log      *slog.Logger

	changes  atomic.Uint64 // count of Changed calls
	pending  chan struct{} // capacity 1: "a change is waiting", coalesced
	lastCost atomic.Int64  // how long the last write took, in nanoseconds

	// Seams for tests: the timer and the file write.
	after func(time.Duration) <-chan time.Time
	save  func(path string, recs []Record, now time.Time) error

	writeMu    sync.Mutex // serialises writes (Run's and Flush's) and guards:
	written    uint64     // changes counted when the last successful write took its snapshot
	lastFailed bool       // the last attempt failed
	failStreak int        // consecutive failures, for the log
	lastLogged string     // the failure last logged, so a lasting one is logged once

	healthMu sync.Mutex
	health   Health
}

// NewWriter returns a Writer for cfg.Path. snapshot is called by the writer
// goroutine (and by Flush) to get what to write; it must be safe to call
// concurrently with changes to the registry, and the Writer does not keep or
// change what it returns.
func NewWriter(cfg WriterConfig, snapshot func() []Record) *Writer {
	def := DefaultWriterConfig(cfg.Path)
	if cfg.Delay <= 0 {
		cfg.Delay = def.Delay
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = def.RetryInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = def.Logger
	}
	if cfg.Now == nil {
		cfg.Now = def.Now
	}
	return &Writer{
		cfg:      cfg,
		snapshot: snapshot,
		log:      cfg.Logger.With("component", "persist", "path", cfg.Path),
		pending:  make(chan struct{}, 1),
		after:    time.After,
		save: func(path string, recs []Record, now time.Time) error {
			return save(path, recs, now, osFS)
		},
	}
}

// Changed tells the Writer the registry changed. Call it after the change is
// visible to snapshot. It never blocks; calls within Delay of each other are
// written once.
func (w *Writer) Changed() {
	w.changes.Add(1)
	select {
	case w.pending <- struct{}{}:
	default: // a change is already waiting; the same write will cover this one
	}
}

// Run is the writer goroutine; call it once. It writes Delay after a change,
// and RetryInterval after a failed write until one succeeds. When ctx is done
// it writes once more, whether or not a change is pending, and returns that
// write's error (nil if it succeeded).
func (w *Writer) Run(ctx context.Context) error {
	var due <-chan time.Time // the next scheduled write; nil when none is
	for {
		select {
		case <-w.pending:
			if due == nil {
				due = w.after(w.delay())
			} // else the scheduled write will take a fresh snapshot anyway
		case <-due:
			due = nil
			if err := w.write(false); err != nil {
				due = w.after(w.cfg.RetryInterval)
			}
		case <-ctx.Done():
			return w.write(true)
		}
	}
}

// costFactor is how many times its last write's duration the Writer waits
// at least between writes, so that rewriting the file takes at most a tenth
// of a core however large the registry grows (10,000 satellites registering
// at once spent 15% of the relay's CPU in writes every 100 ms).
const costFactor = 9

// delay is how long to wait after a change before writing it.
func (w *Writer) delay() time.Duration {
	return max(w.cfg.Delay, costFactor*time.Duration(w.lastCost.Load()))
}

// Flush writes the state file now and returns the result. It waits for a
// write in progress in Run, and may be called before, during or after Run.
func (w *Writer) Flush() error {
	return w.write(true)
}

// Health returns a copy of the Writer's health.
func (w *Writer) Health() Health {
	w.healthMu.Lock()
	defer w.healthMu.Unlock()
	return w.health
}

// write saves a snapshot unless force is false and nothing changed since the
// last successful write (a Flush may have written the changes a scheduled
// write was for).
func (w *Writer) write(force bool) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	// This write covers every change made so far: drop the pending signal
	// before reading the count, so no change is both counted here and
	// signalled again.
	select {
	case <-w.pending:
	default:
	}
	seen := w.changes.Load()
	if !force && seen == w.written && !w.lastFailed {
		return nil
	}
	now := w.cfg.Now()
	err := w.save(w.cfg.Path, w.snapshot(), now)
	w.lastCost.Store(int64(w.cfg.Now().Sub(now)))
	w.record(now, err)
	if err != nil {
		w.lastFailed = true
		w.failStreak++
		// A full disk fails the same way every RetryInterval: log when the
		// failure starts or changes; Health shows that it lasts.
		if msg := err.Error(); msg != w.lastLogged {
			w.lastLogged = msg
			w.log.Warn("state file write failed", "err", err,
				"consecutive_failures", w.failStreak, "retry_interval", w.cfg.RetryInterval)
		}
		return err
	}
	w.written = seen
	if w.lastFailed {
		w.log.Info("state file written again", "after_failures", w.failStreak)
	}
	w.lastFailed, w.failStreak, w.lastLogged = false, 0, ""
	return nil
}

func (w *Writer) record(at time.Time, err error) {
	w.healthMu.Lock()
	defer w.healthMu.Unlock()
	if err != nil {
		w.health.LastError = err.Error()
		w.health.LastErrorAt = at
		w.health.Failures++
		return
	}
	w.health.LastError = ""
	w.health.LastWrite = at
	w.health.Writes++
}
