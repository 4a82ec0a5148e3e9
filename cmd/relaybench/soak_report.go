package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// SoakReport is what a soak did and its verdict.
type SoakReport struct {
	Seconds float64 `json:"seconds"`
	Mode    string  `json:"mode"`
	Restart string  `json:"restart"` // how the relay was restarted

	Sent       uint64 `json:"sent"`     // relay.relay calls made
	Accepted   uint64 `json:"accepted"` // of them, accepted
	Rejected   uint64 `json:"rejected"` // refused with "relay queue full"
	SendErrors uint64 `json:"send_errors"`
	FirstError string `json:"first_error,omitempty"`
	Received   uint64 `json:"received"`  // notifications the satellites received
	Delivered  int64  `json:"delivered"` // the relay's count, all instances
	// AcceptedByKilled is what instances that were later killed accepted:
	// what they still held when they died is lost by design (at most once).
	AcceptedByKilled int64 `json:"accepted_by_killed"`
	Dropped          int64 `json:"dropped"`      // the relay's count, all instances
	NotifyFails      int64 `json:"notify_fails"` // the relay's count, all instances
	LostInKills      int64 `json:"lost_in_kills"`
	OutOfOrder       int64 `json:"out_of_order"`
	Foreign          int64 `json:"foreign"`

	Satellites struct {
		Stable              int `json:"stable"`
		Churners            int `json:"churners"`
		ListedAtEnd         int `json:"listed_at_end"`
		LiveRegisteredAtEnd int `json:"live_registered_at_end"`
	} `json:"satellites"`
	Churn             churnCounts `json:"churn"`
	Kills             int         `json:"kills"`
	CleanRestarts     int         `json:"clean_restarts"`
	LostRegistrations int         `json:"lost_registrations"` // changes within the grace before a kill

	Instances []instanceReport `json:"instances"`
	Samples   []soakSample     `json:"samples"`

	Pass    bool     `json:"pass"`
	Reasons []string `json:"reasons,omitempty"` // why it failed
	Notes   []string `json:"notes,omitempty"`
}

// churnCounts are the churn actions that happened.
type churnCounts struct {
	Registered   int    `json:"registered"`
	Deregistered int    `json:"deregistered"`
	Died         int    `json:"died"`
	CameBack     int    `json:"came_back"`
	Failed       int    `json:"failed"`
	FirstError   string `json:"first_error,omitempty"`
}

// instanceReport is the books of one relay lifetime.
type instanceReport struct {
	N          int64        `json:"instance"`
	Killed     bool         `json:"killed"`   // SIGKILL, not a clean stop
	Accepted   int64        `json:"accepted"` // messages it accepted
	Relay      relayStats   `json:"relay"`    // its totals just before it ended
	Accounts   []satAccount `json:"stable_satellites"`
	LostInKill int64        `json:"lost_in_kill"`
}

// writeSoak prints the soak's summary, samples, books and verdict.
func writeSoak(w io.Writer, r SoakReport) {
	fmt.Fprintf(w, "soak: %.0f s, relay %s; restarts: %s\n", r.Seconds, r.Mode, r.Restart)
	fmt.Fprintf(w, "messages: sent %d, accepted %d (%d by instances later killed), queue-full %d, errors %d\n",
		r.Sent, r.Accepted, r.AcceptedByKilled, r.Rejected, r.SendErrors)
	fmt.Fprintf(w, "notifications: delivered %d (satellites received %d), dropped %d, notify failures %d, lost in kills %d (stable satellites)\n",
		r.Delivered, r.Received, r.Dropped, r.NotifyFails, r.LostInKills)
	fmt.Fprintf(w, "satellites: %d stable, %d churning; at the end %d listed, %d live and registered\n",
		r.Satellites.Stable, r.Satellites.Churners, r.Satellites.ListedAtEnd, r.Satellites.LiveRegisteredAtEnd)
	c := r.Churn
	fmt.Fprintf(w, "churn: %d registered, %d deregistered, %d died, %d came back, %d failed; restarts: %d killed, %d clean\n",
		c.Registered, c.Deregistered, c.Died, c.CameBack, c.Failed, r.Kills, r.CleanRestarts)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sample\tat s\tinstance\tRSS MB\tfds\tthreads\tgoroutines\t")
	for _, p := range pickSamples(r.Samples) {
		g := "-"
		if p.s.Goroutines >= 0 {
			g = fmt.Sprint(p.s.Goroutines)
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%d\t%.1f\t%d\t%d\t%s\t\n", p.name, p.s.At.Seconds(), p.s.Inst, float64(p.s.RSS)/1e6, p.s.FDs, p.s.Threads, g)
	}
	tw.Flush()

	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "instance\tended\taccepted\tdelivered\tdropped\tfails\towed (stable)\treceived\tlost in kill\t")
	for _, ir := range r.Instances {
		ended := "stopped"
		if ir.Killed {
			ended = "SIGKILL"
		}
		var owed, got int64
		for _, a := range ir.Accounts {
			owed, got = owed+a.Owed, got+a.Received
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", ir.N, ended, ir.Accepted, ir.Relay.Delivered, ir.Relay.Dropped, ir.Relay.NotifyFails, owed, got, ir.LostInKill)
	}
	tw.Flush()

	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "verdict: %s\n", verdict)
	for _, why := range r.Reasons {
		fmt.Fprintf(w, "  - %s\n", why)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

type namedSample struct {
	name string
	s    soakSample
}

// pickSamples are the first sample, the one nearest the middle, and the
// last.
func pickSamples(samples []soakSample) []namedSample {
	if len(samples) == 0 {
		return nil
	}
	last := samples[len(samples)-1]
	mid := samples[0]
	for _, s := range samples {
		if absDuration(s.At-last.At/2) < absDuration(mid.At-last.At/2) {
			mid = s
		}
	}
	return []namedSample{{"start", samples[0]}, {"middle", mid}, {"end", last}}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
