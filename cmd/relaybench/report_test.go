package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleReport() Report {
	return Report{
		Command: []string{"relaybench", "--suite"},
		Machine: Machine{NProc: 2, CPU: "Test CPU", Go: "go1.26", Kernel: "linux"},
		Mode:    "in process",
		Scope:   "the whole process",
		Results: []Result{{
			Scenario: presets["slow"], Mode: "inprocess", Seconds: 5,
			Ingest: 1000, IngestCeiling: 2000, Deliveries: 9000, DeliveryCeiling: 12000,
			Latency:  LatencySummary{Count: 3, P50: 1500 * time.Microsecond, P99: 4 * time.Millisecond, Max: 9 * time.Millisecond},
			Accepted: 5000, Received: 45000, Batched: 45000, CPU: 0.5, RSS: 20e6, HWM: 21e6,
			Relay: relayStats{Accepted: 5000, Delivered: 45000, Dropped: 12},
		}},
		Checks: suiteChecks(suiteResults()),
	}
}

func TestJSONReport(t *testing.T) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Machine   Machine `json:"machine"`
		Scenarios []struct {
			Scenario struct {
				Name   string  `json:"name"`
				SlowMS float64 `json:"slow_ms"`
			} `json:"scenario"`
			Ingest  float64 `json:"ingest_per_s"`
			Latency struct {
				P50 float64 `json:"p50_ms"`
				P99 float64 `json:"p99_ms"`
			} `json:"latency"`
			Relay struct {
				Dropped int64 `json:"notifications_dropped"`
			} `json:"relay"`
		} `json:"scenarios"`
		Checks []Check `json:"checks"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v in\n%s", err, buf.String())
	}
	if got.Machine.NProc != 2 || len(got.Scenarios) != 1 || len(got.Checks) != 9 {
		t.Fatalf("decoded %+v", got)
	}
	s := got.Scenarios[0]
	if s.Scenario.Name != "slow" || s.Scenario.SlowMS != 50 || s.Ingest != 1000 || s.Latency.P50 != 1.5 || s.Latency.P99 != 4 || s.Relay.Dropped != 12 {
		t.Errorf("scenario decoded as %+v", s)
	}
}

func TestTextReport(t *testing.T) {
	rep := sampleReport()
	rep.Results = append(rep.Results, rep.Results[0]) // a scenario run twice
	var buf bytes.Buffer
	writeText(&buf, rep)
	out := buf.String()
	for _, want := range []string{
		"machine: 2 CPUs, Test CPU, go1.26",
		"scenario  ingest/s", // the header
		"slow",
		"1,000", // ingest
		"0.50",  // ingest ratio
		"0.75",  // delivery ratio
		"1.50",  // p50 ms
		"0.50 cores",
		"+1 slow (50ms)",
		"slow #2",
		"ingest, no receivers",
		">= 0.75 x ceiling",
		"pass",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}

func TestReportPassed(t *testing.T) {
	r := sampleReport()
	if !r.passed() {
		t.Error("a report whose checks all pass did not pass")
	}
	r.Checks[3].Pass = false
	if r.passed() {
		t.Error("a report with a failed check passed")
	}
	r = sampleReport()
	r.Results[0].Err = "boom"
	if r.passed() {
		t.Error("a report with a failed scenario passed")
	}
	r = sampleReport()
	r.Soak = &SoakReport{Pass: false}
	if r.passed() {
		t.Error("a report with a failed soak passed")
	}
}
