package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is everything one relaybench run prints.
type Report struct {
	Command []string    `json:"command"`
	Machine Machine     `json:"machine"`
	Mode    string      `json:"mode"`
	Scope   string      `json:"cpu_rss_scope"` // what the CPU and RSS figures cover
	Results []Result    `json:"scenarios,omitempty"`
	Checks  []Check     `json:"checks,omitempty"`
	Soak    *SoakReport `json:"soak,omitempty"`
}

// passed says whether every check passed and the soak, if any, did.
func (r Report) passed() bool {
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	if r.Soak != nil && !r.Soak.Pass {
		return false
	}
	for _, res := range r.Results {
		if res.Err != "" {
			return false
		}
	}
	return true
}

func writeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeText prints the report as plain tables.
func writeText(w io.Writer, r Report) error {
	fmt.Fprintf(w, "relaybench: %s\n", strings.Join(r.Command, " "))
	fmt.Fprintf(w, "machine: %d CPUs, %s, %s, %s\n", r.Machine.NProc, r.Machine.CPU, r.Machine.Go, r.Machine.Kernel)
	fmt.Fprintf(w, "relay: %s; CPU and RSS cover %s\n", r.Mode, r.Scope)
	if len(r.Results) > 0 {
		fmt.Fprintln(w)
		writeResults(w, r.Results)
	}
	if len(r.Checks) > 0 {
		fmt.Fprintln(w)
		writeChecks(w, r.Checks)
	}
	if r.Soak != nil {
		fmt.Fprintln(w)
		writeSoak(w, *r.Soak)
	}
	return nil
}

// writeResults prints one row per scenario, then what each one was and
// anything worth a second look.
func writeResults(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tingest/s\tx ceil\tdeliveries/s\tx ceil\tp50 ms\tp99 ms\tmax ms\taccepted\tdropped\terrors\trelay CPU\tRSS MB\tbench CPU\t")
	names := runNames(results)
	for i, r := range results {
		if r.Err != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t\n", names[i])
			continue
		}
		ingest, ingestX := formatNumber(r.Ingest), formatRatio(r.Ingest, r.IngestCeiling)
		if r.Scenario.Register > 0 {
			ingest, ingestX = formatNumber(r.RegisterRate)+" reg", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t\n",
			names[i], ingest, ingestX,
			formatNumber(r.Deliveries), formatRatio(r.Deliveries, r.DeliveryCeiling),
			latencyCell(r, r.Latency.P50), latencyCell(r, r.Latency.P99), latencyCell(r, r.Latency.Max),
			r.Accepted, r.Relay.Dropped, r.Errors+uint64(r.Relay.NotifyFails),
			cpuCell(r.CPU), memCell(r.RSS), cpuCell(r.BenchCPU))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for i, r := range results {
		fmt.Fprintf(w, "  %s: %s\n", names[i], r.Scenario.describe())
		for _, n := range resultNotes(r) {
			fmt.Fprintf(w, "      %s\n", n)
		}
	}
}

// runNames names each result by its scenario, with "#2" and so on for a
// scenario run again.
func runNames(results []Result) []string {
	seen := map[string]int{}
	names := make([]string, len(results))
	for i, r := range results {
		seen[r.Scenario.Name]++
		names[i] = r.Scenario.Name
		if n := seen[r.Scenario.Name]; n > 1 {
			names[i] += fmt.Sprintf(" #%d", n)
		}
	}
	return names
}

// resultNotes are the remarks on one result: failures, the relay's own
// count against the satellites', batching, window stalls.
func resultNotes(r Result) []string {
	var notes []string
	if r.Err != "" {
		return []string{"did not run: " + r.Err}
	}
	if r.Scenario.Register > 0 {
		return []string{fmt.Sprintf("%d registered in %.2f s; relay reports %d satellites; peak RSS %s MB", r.Registered, r.Seconds, r.Relay.Satellites, memCell(r.HWM))}
	}
	notes = append(notes, fmt.Sprintf("relay: accepted %d, delivered %d, dropped %d, notify failures %d; satellites received %d in %d requests; %d queue-full retries",
		r.Relay.Accepted, r.Relay.Delivered, r.Relay.Dropped, r.Relay.NotifyFails, r.Received, r.Batched, r.Rejected))
	if r.Relay.Delivered != int64(r.Received) {
		notes = append(notes, fmt.Sprintf("the relay's delivered count and the satellites' differ by %d (notifications in flight when it was read, or satellites not ours on a shared relay)", int64(r.Received)-r.Relay.Delivered))
	}
	if rt := r.BareRoundTrip; rt.Count > 0 {
		notes = append(notes, fmt.Sprintf("a bare notify round trip at the same rate on %d connections: p50 %s ms, p99 %s ms, max %s ms",
			r.Scenario.Receivers, formatNumber(ms(rt.P50)), formatNumber(ms(rt.P99)), formatNumber(ms(rt.Max))))
	}
	if r.Scenario.Rate > 0 && r.Ingest < 0.95*r.Scenario.Rate {
		notes = append(notes, fmt.Sprintf("the senders reached only %s of the %s msg/s asked for", formatNumber(r.Ingest), formatNumber(r.Scenario.Rate)))
	}
	if r.Errors > 0 {
		notes = append(notes, fmt.Sprintf("%d send errors, the first: %s", r.Errors, r.FirstError))
	}
	if r.WindowStalls > 0 {
		notes = append(notes, fmt.Sprintf("a sender's window stayed shut for a second %d times (notifications lost?)", r.WindowStalls))
	}
	return notes
}

func writeChecks(w io.Writer, checks []Check) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "check\ttarget\tmeasured\tratio\tresult\t")
	for _, c := range checks {
		verdict := "FAIL"
		if c.Pass {
			verdict = "pass"
		}
		if c.Note != "" {
			verdict += " (" + c.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%s\t\n", c.Name, c.Target, c.Measured, c.Ratio, verdict)
	}
	tw.Flush()
}

func formatRatio(a, b float64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func latencyCell(r Result, d time.Duration) string {
	if r.Latency.Count == 0 {
		return "-"
	}
	return formatNumber(ms(d))
}

func cpuCell(cores float64) string {
	if cores < 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f cores", cores)
}

func memCell(bytes int64) string {
	if bytes < 0 {
		return "-"
	}
	return formatNumber(float64(bytes) / 1e6)
}
