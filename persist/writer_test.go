package persist

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeTimers hands the Writer timers that fire only when the test says so,
// and tells the test each time one is asked for.
type fakeTimers struct {
	requested chan fakeTimer
}

type fakeTimer struct {
	d    time.Duration
	fire chan time.Time
}

func (f *fakeTimers) after(d time.Duration) <-chan time.Time {
	tm := fakeTimer{d: d, fire: make(chan time.Time, 1)}
	f.requested <- tm
	return tm.fire
}

// fakeDisk records saves and fails the first len(failures) of them.
type fakeDisk struct {
	mu       sync.Mutex
	failures []error
	saved    chan []Record
}

func (d *fakeDisk) save(_ string, recs []Record, _ time.Time) error {
	d.mu.Lock()
	var err error
	if len(d.failures) > 0 {
		err, d.failures = d.failures[0], d.failures[1:]
	}
	d.mu.Unlock()
	d.saved <- recs
	return err
}

// registry is a stand-in for the relay's registry: a nick that changes.
type registry struct {
	mu   sync.Mutex
	nick int
}

func (r *registry) change() {
	r.mu.Lock()
	r.nick++
	r.mu.Unlock()
}

func (r *registry) snapshot() []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return []Record{{HostID: "h", IP: "1.2.3.4", Port: 1, Nick: strconv.Itoa(r.nick), NotifyPass: "hunter2"}}
}

var fakeNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

type writerTest struct {
	w      *Writer
	reg    *registry
	timers *fakeTimers
	disk   *fakeDisk
	log    *bytes.Buffer
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
	runErr error         // Run's result, once done is closed
}

// startWriter runs a Writer with fake timers and disk; failures are the
// errors of its first saves.
func startWriter(t *testing.T, failures ...error) *writerTest {
	t.Helper()
	wt := &writerTest{
		reg:    &registry{},
		timers: &fakeTimers{requested: make(chan fakeTimer, 100)},
		disk:   &fakeDisk{failures: failures, saved: make(chan []Record, 100)},
		log:    &bytes.Buffer{},
		done:   make(chan struct{}),
	}
	wt.w = NewWriter(WriterConfig{
		Path:          "unused",
		Delay:         100 * time.Millisecond,
		RetryInterval: time.Second,
		Logger:        slog.New(slog.NewTextHandler(wt.log, nil)),
		Now:           func() time.Time { return fakeNow },
	}, wt.reg.snapshot)
	wt.w.after = wt.timers.after
	wt.w.save = wt.disk.save
	ctx, cancel := context.WithCancel(context.Background())
	wt.cancel = cancel
	go func() {
		wt.runErr = wt.w.Run(ctx)
		close(wt.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-wt.done
	})
	return wt
}

// change changes the registry and tells the Writer, n times.
func (wt *writerTest) change(n int) {
	for range n {
		wt.reg.change()
		wt.w.Changed()
	}
}

func (wt *writerTest) nextTimer(t *testing.T, want time.Duration) fakeTimer {
	t.Helper()
	tm := receive(t, wt.timers.requested, "a timer")
	if tm.d != want {
		t.Fatalf("timer of %v, want %v", tm.d, want)
	}
	return tm
}

func (wt *writerTest) nextSave(t *testing.T, wantNick string) {
	t.Helper()
	recs := receive(t, wt.disk.saved, "a save")
	if len(recs) != 1 || recs[0].Nick != wantNick {
		t.Fatalf("saved %v, want nick %q", recs, wantNick)
	}
}

// stop cancels Run and returns its result, after which nothing is in flight.
func (wt *writerTest) stop(t *testing.T) error {
	t.Helper()
	wt.cancel()
	receive(t, wt.done, "Run to return")
	return wt.runErr
}

func (wt *writerTest) requireNoMoreTimersOrSaves(t *testing.T) {
	t.Helper()
	if n := len(wt.timers.requested); n != 0 {
		t.Errorf("%d more timers asked for", n)
	}
	if n := len(wt.disk.saved); n != 0 {
		t.Errorf("%d more saves", n)
	}
}

func TestWriterCoalescesChanges(t *testing.T) {
	wt := startWriter(t)
	wt.change(1000)
	tm := wt.nextTimer(t, 100*time.Millisecond)
	wt.change(1000) // within the window: the same write covers them
	tm.fire <- fakeNow
	wt.nextSave(t, "2000")

	if err := wt.stop(t); err != nil {
		t.Fatal(err)
	}
	wt.nextSave(t, "2000") // the final write
	wt.requireNoMoreTimersOrSaves(t)
	if h := wt.w.Health(); h.Writes != 2 || h.Failures != 0 || h.LastError != "" || !h.LastWrite.Equal(fakeNow) {
		t.Errorf("Health = %+v, want 2 writes at %v, no failures", h, fakeNow)
	}
}

func TestWriterWritesAgainForLaterChanges(t *testing.T) {
	wt := startWriter(t)
	for i := 1; i <= 3; i++ {
		wt.change(1)
		wt.nextTimer(t, 100*time.Millisecond).fire <- fakeNow
		wt.nextSave(t, strconv.Itoa(i))
	}
	if err := wt.stop(t); err != nil {
		t.Fatal(err)
	}
	wt.nextSave(t, "3")
	wt.requireNoMoreTimersOrSaves(t)
}

// A write that takes long spaces the next ones out, so a huge registry
// cannot keep the relay busy rewriting its file.
func TestWriterWaitsLongerAfterSlowWrites(t *testing.T) {
	wt := startWriter(t)
	calls := 0 // read by Run's goroutine only
	wt.w.cfg.Now = func() time.Time {
		calls++
		return fakeNow.Add(time.Duration(calls) * 50 * time.Millisecond) // each write takes 50 ms
	}
	wt.change(1)
	wt.nextTimer(t, 100*time.Millisecond).fire <- fakeNow
	wt.nextSave(t, "1")
	wt.change(1)
	wt.nextTimer(t, 450*time.Millisecond).fire <- fakeNow // 9 x 50 ms
	wt.nextSave(t, "2")
}

func TestWriterWritesOnceMoreWhenStopped(t *testing.T) {
	cases := []struct {
		name    string
		changes int
		failure error
	}{
		{"with a change pending", 5, nil},
		{"with nothing pending", 0, nil},
		{"and reports a failed final write", 1, syscall.ENOSPC},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var failures []error
			if tc.failure != nil {
				failures = append(failures, tc.failure)
			}
			wt := startWriter(t, failures...)
			wt.change(tc.changes)
			if tc.changes > 0 {
				wt.nextTimer(t, 100*time.Millisecond) // never fires
			}
			err := wt.stop(t)
			if !errors.Is(err, tc.failure) {
				t.Fatalf("Run = %v, want %v", err, tc.failure)
			}
			wt.nextSave(t, strconv.Itoa(tc.changes))
			wt.requireNoMoreTimersOrSaves(t)
		})
	}
}

func TestWriterRetriesAFailedWriteAndReportsIt(t *testing.T) {
	wt := startWriter(t, syscall.ENOSPC, syscall.ENOSPC, syscall.EACCES)
	wt.change(1)
	wt.nextTimer(t, 100*time.Millisecond).fire <- fakeNow
	wt.nextSave(t, "1")

	// The retry timer is asked for after the failure is recorded.
	retry := wt.nextTimer(t, time.Second)
	requireFailing(t, wt.w.Health(), 1, "no space left on device")

	wt.change(1) // a change while failing does not hurry the retry
	retry.fire <- fakeNow
	wt.nextSave(t, "2")
	retry = wt.nextTimer(t, time.Second)
	requireFailing(t, wt.w.Health(), 2, "no space left on device")

	retry.fire <- fakeNow
	wt.nextSave(t, "2")
	retry = wt.nextTimer(t, time.Second)
	requireFailing(t, wt.w.Health(), 3, "permission denied")

	retry.fire <- fakeNow
	wt.nextSave(t, "2")
	if err := wt.stop(t); err != nil {
		t.Fatal(err)
	}
	wt.nextSave(t, "2")
	wt.requireNoMoreTimersOrSaves(t)

	h := wt.w.Health()
	if h.LastError != "" || h.Writes != 2 || h.Failures != 3 || !h.LastWrite.Equal(fakeNow) || !h.LastErrorAt.Equal(fakeNow) {
		t.Errorf("Health after recovery = %+v, want no LastError, 2 writes, 3 failures", h)
	}
	// The lasting ENOSPC is logged once, the change to EACCES again.
	log := wt.log.String()
	if n := strings.Count(log, "state file write failed"); n != 2 {
		t.Errorf("%d failures logged, want 2:\n%s", n, log)
	}
	for _, want := range []string{"consecutive_failures=1", "consecutive_failures=3", "state file written again", "component=persist"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "hunter2") {
		t.Errorf("log shows a notify_pass:\n%s", log)
	}
}

func requireFailing(t *testing.T, h Health, failures int64, msg string) {
	t.Helper()
	if h.Failures != failures || !strings.Contains(h.LastError, msg) || !h.LastErrorAt.Equal(fakeNow) || h.Writes != 0 {
		t.Errorf("Health = %+v, want %d failures, LastError with %q at %v", h, failures, msg, fakeNow)
	}
}

func TestFlushWritesNowAndSatisfiesTheScheduledWrite(t *testing.T) {
	wt := startWriter(t, syscall.EIO)
	wt.change(1)
	tm := wt.nextTimer(t, 100*time.Millisecond)

	if err := wt.w.Flush(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Flush = %v, want EIO", err)
	}
	wt.nextSave(t, "1")
	requireFailing(t, wt.w.Health(), 1, "input/output error")
	if err := wt.w.Flush(); err != nil {
		t.Fatal(err)
	}
	wt.nextSave(t, "1")

	// The scheduled write finds nothing new to write. Once Run has taken the
	// timer it finishes that write before it sees the cancel, so the saves
	// after this point are exactly the scheduled one (if any) and the final.
	tm.fire <- fakeNow
	eventually(t, "Run to take the timer", func() bool { return len(tm.fire) == 0 })
	if err := wt.stop(t); err != nil {
		t.Fatal(err)
	}
	wt.nextSave(t, "1") // the final write
	wt.requireNoMoreTimersOrSaves(t)
	if h := wt.w.Health(); h.LastError != "" || h.Writes != 2 || h.Failures != 1 {
		t.Errorf("Health = %+v, want 2 writes, 1 failure, no error now", h)
	}
}

// TestWriterOnDisk runs the real thing: real timers, real files, Changed and
// Flush from many goroutines (for the race detector).
func TestWriterOnDisk(t *testing.T) {
	path := statePath(t)
	reg := &registry{}
	w := NewWriter(WriterConfig{Path: path, Delay: time.Millisecond, RetryInterval: time.Millisecond}, reg.snapshot)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	reg.change()
	w.Changed()
	eventually(t, "the first change on disk", func() bool {
		recs, _, err := Load(path)
		return err == nil && len(recs) == 1 && recs[0].Nick == "1"
	})

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				reg.change()
				w.Changed()
				if g == 0 && i%10 == 0 {
					if err := w.Flush(); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	if err := receive(t, done, "Run to return"); err != nil {
		t.Fatal(err)
	}
	recs, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	requireRecords(t, recs, reg.snapshot())
	if info, err := os.Stat(path); err != nil || info.Mode() != 0o600 {
		t.Errorf("stat = %v, %v; want mode 0600", info, err)
	}
	if h := w.Health(); h.Writes < 2 || h.Failures != 0 {
		t.Errorf("Health = %+v", h)
	}
}

func TestDefaultWriterConfig(t *testing.T) {
	w := NewWriter(WriterConfig{Path: "p"}, nil)
	def := DefaultWriterConfig("p")
	if w.cfg.Delay != 100*time.Millisecond || w.cfg.RetryInterval != time.Second ||
		w.cfg.Delay != def.Delay || w.cfg.RetryInterval != def.RetryInterval ||
		w.cfg.Logger == nil || w.cfg.Now == nil {
		t.Errorf("NewWriter filled %+v, want the defaults %+v", w.cfg, def)
	}
}
