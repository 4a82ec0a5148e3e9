package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRestartTimes(t *testing.T) {
	s := time.Second
	tests := []struct {
		name     string
		d, every time.Duration
		want     []time.Duration
	}{
		{"every 5s of 60s: within the first 24s", 60 * s, 5 * s, []time.Duration{5 * s, 10 * s, 15 * s, 20 * s}},
		{"every longer than the share: once, halfway into it", 10 * s, 5 * s, []time.Duration{2 * s}},
		{"no interval: once", 10 * s, 0, []time.Duration{2 * s}},
		{"exactly at the share", 10 * s, 4 * s, []time.Duration{4 * s}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := restartTimes(tt.d, tt.every); !slices.Equal(got, tt.want) {
				t.Errorf("restartTimes(%v, %v) = %v, want %v", tt.d, tt.every, got, tt.want)
			}
		})
	}
}

func TestDiffRegistrations(t *testing.T) {
	cut := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	old, young := cut.Add(-time.Second), cut.Add(time.Millisecond)
	tests := []struct {
		name            string
		sat             regView
		listed          bool
		register, dereg bool
		violation       bool
		forgiven        int
	}{
		{"registered and listed", regView{"a", true, true, old}, true, false, false, false, 0},
		{"deregistered and absent", regView{"a", false, true, old}, false, false, false, false, 0},
		{"old registration lost", regView{"a", true, true, old}, false, true, false, true, 0},
		{"young registration lost", regView{"a", true, true, young}, false, true, false, false, 1},
		{"old deregistration undone", regView{"a", false, true, old}, true, false, true, true, 0},
		{"young deregistration undone", regView{"a", false, false, young}, true, false, true, false, 1},
		{"dead and evicted", regView{"a", true, false, old}, false, false, false, false, 0},
		{"dead and listed", regView{"a", true, false, old}, true, false, false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diffRegistrations([]regView{tt.sat}, map[string]bool{"a": tt.listed}, cut)
			if (len(d.Register) == 1) != tt.register || (len(d.Deregister) == 1) != tt.dereg ||
				(len(d.Violations) == 1) != tt.violation || d.Forgiven != tt.forgiven {
				t.Errorf("diff = %+v", d)
			}
		})
	}
}

func TestCheckAccount(t *testing.T) {
	tests := []struct {
		name    string
		a       satAccount
		killed  bool
		intake  int64
		problem string
	}{
		{"clean and balanced", satAccount{Owed: 10, Received: 8, Dropped: 1, NotifyFails: 1}, false, 0, ""},
		{"clean with a loss", satAccount{Owed: 10, Received: 8, Lost: 2}, false, 0, "neither arrived"},
		{"a failed notify that arrived", satAccount{Owed: 10, Received: 10, NotifyFails: 1, Lost: -1}, false, 0, ""},
		{"duplicates", satAccount{Owed: 10, Received: 11, Lost: -1}, false, 0, "more notifications"},
		{"more than the failures explain", satAccount{Owed: 10, Received: 10, Dropped: 1, NotifyFails: 1, Lost: -2}, false, 0, "more notifications"},
		{"duplicates after a kill", satAccount{Owed: 10, Received: 11, Lost: -1}, true, 0, "more notifications"},
		{"kill lost what was queued", satAccount{Owed: 100, Received: 40, QueueDepth: 50, Lost: 60}, true, 10, ""},
		{"kill lost the in-flight slack too", satAccount{Owed: 100, Received: 8, QueueDepth: 50, Lost: 92}, true, 10, ""},
		{"kill lost more than was queued", satAccount{Owed: 100, Received: 7, QueueDepth: 50, Lost: 93}, true, 10, "more than were queued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkAccount(tt.a, tt.killed, tt.intake)
			if (len(got) > 0) != (tt.problem != "") || (len(got) > 0 && !strings.Contains(got[0], tt.problem)) {
				t.Errorf("checkAccount = %q, want a problem %q", got, tt.problem)
			}
		})
	}
}

func TestGrowth(t *testing.T) {
	const d = 20 * time.Second
	series := func(rss func(i int) int64, fds func(i int) int, goroutines func(i int) int) []soakSample {
		var out []soakSample
		for i := range 40 {
			out = append(out, soakSample{At: time.Duration(i) * d / 40, Inst: 1, RSS: rss(i), FDs: fds(i), Goroutines: goroutines(i)})
		}
		return out
	}
	flat64 := func(int) int64 { return 30e6 }
	flat := func(int) int { return 40 }
	noisy := func(i int) int { return 40 + (i%5)*6 } // swings of 24, as churn makes
	tests := []struct {
		name    string
		samples []soakSample
		grew    string
	}{
		{"flat", series(flat64, flat, flat), ""},
		{"noisy but level", series(flat64, noisy, noisy), ""},
		{"RSS leak", series(func(i int) int64 { return 30e6 + int64(i)*1e6 }, flat, flat), "RSS"},
		{"fd leak", series(flat64, func(i int) int { return 40 + 3*i }, flat), "open fds"},
		{"goroutine leak", series(flat64, flat, func(i int) int { return 100 + 5*i }), "goroutines"},
		{"goroutines unknown are not judged", series(flat64, flat, func(int) int { return -1 }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reasons, _ := growth(tt.samples, d, 1)
			if (len(reasons) > 0) != (tt.grew != "") || (len(reasons) > 0 && !strings.HasPrefix(reasons[0], tt.grew)) {
				t.Errorf("growth = %q, want %q", reasons, tt.grew)
			}
		})
	}
}

func TestGrowthNeedsSamples(t *testing.T) {
	reasons, notes := growth([]soakSample{{At: 9 * time.Second, RSS: 1}, {At: 10 * time.Second, RSS: 1e9}}, 10*time.Second, 0)
	if len(reasons) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "not judged") {
		t.Errorf("growth on two samples = %q, %q", reasons, notes)
	}
}

func TestReceiptsCountByInstanceAndCatchDisorder(t *testing.T) {
	r := newReceipts()
	r.add("s1", message{Seq: 1, Inst: 1}, true)
	r.add("s2", message{Seq: 1, Inst: 1}, true) // another sender's numbers are separate
	r.add("s1", message{Seq: 3, Inst: 2}, true) // a gap is fine
	r.add("s1", message{Seq: 3, Inst: 2}, true) // a duplicate
	r.add("s1", message{Seq: 2, Inst: 2}, true) // late
	r.add("s1", message{}, false)
	if r.received(1) != 2 || r.received(2) != 3 || r.outOfOrder != 2 || r.foreign != 1 {
		t.Errorf("inst1 %d inst2 %d outOfOrder %d foreign %d", r.received(1), r.received(2), r.outOfOrder, r.foreign)
	}
}

func TestAcceptedLogOwesEveryoneButTheSender(t *testing.T) {
	a := newAcceptedLog()
	for range 3 {
		a.add("s1", 1)
	}
	a.add("s2", 1)
	a.add("s2", 2)
	if got := a.toward("s1", 1); got != 1 {
		t.Errorf("s1 owed %d in instance 1, want 1 (s2's)", got)
	}
	if got := a.toward("r", 1); got != 4 {
		t.Errorf("a receiver owed %d in instance 1, want 4", got)
	}
	if got := a.inInstance(2); got != 1 {
		t.Errorf("instance 2 accepted %d, want 1", got)
	}
}
