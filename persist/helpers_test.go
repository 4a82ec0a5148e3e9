package persist

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// statePath returns a state file path in a fresh folder.
func statePath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "state.xml")
}

// sampleRecords is a small registry with every field set.
func sampleRecords() []Record {
	return []Record{
		{
			HostID:     "127.0.0.1:7001",
			IP:         "127.0.0.1",
			Port:       7001,
			Nick:       "alice",
			Plugins:    []string{"chat", "news"},
			NotifyPass: "s3cret",
			CTime:      time.Date(2026, 11, 22, 9, 59, 58, 123456789, time.UTC),
		},
		{
			HostID: "[::1]:7002",
			IP:     "::1",
			Port:   7002,
			Nick:   "bob",
			CTime:  time.Date(2026, 11, 22, 9, 59, 59, 0, time.UTC),
		},
	}
}

// requireRecords fails unless got holds the same records as want, in order.
// Times must be the same instant and come back in UTC; nil and empty plugin
// lists are the same.
func requireRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\n got %#v\nwant %#v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.HostID != w.HostID || g.IP != w.IP || g.Port != w.Port || g.Nick != w.Nick ||
			g.NotifyPass != w.NotifyPass || !slices.Equal(g.Plugins, w.Plugins) {
			t.Errorf("record %d:\n got %#v\nwant %#v", i, g, w)
		}
		if !g.CTime.Equal(w.CTime) || g.CTime.Location() != time.UTC {
			t.Errorf("record %d: ctime %v, want %v in UTC", i, g.CTime, w.CTime)
		}
	}
}

// receive returns the next value from ch, failing the test if none comes in
// a generous time (a hang, not a slow machine).
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// eventually waits until cond holds, checking every millisecond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
