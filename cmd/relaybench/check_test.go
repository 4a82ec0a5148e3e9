package main

import (
	"strings"
	"testing"
	"time"
)

func TestCheckConstructors(t *testing.T) {
	tests := []struct {
		name      string
		c         Check
		pass      bool
		ratio     float64
		measured  string
		targetHas string
	}{
		{"ratio met", atLeastRatio("x", 7500, 10000, 0.75, "/s", "ceiling"), true, 0.75, "7,500/s of 10,000/s", ">= 0.75 x ceiling"},
		{"ratio missed", atLeastRatio("x", 7400, 10000, 0.75, "/s", "ceiling"), false, 0.74, "7,400/s of 10,000/s", ">= 0.75"},
		{"no baseline fails", atLeastRatio("x", 7400, 0, 0.75, "/s", "ceiling"), false, 0, "7,400/s of 0.00/s", ">= 0.75"},
		{"below the limit", below("x", 4.2, 5, "ms"), true, 0.84, "4.20 ms", "< 5.00 ms"},
		{"at the limit fails", below("x", 5, 5, "ms"), false, 1, "5.00 ms", "< 5.00 ms"},
		{"at least met exactly", atLeast("x", 5000, 5000, "/s"), true, 1, "5,000 /s", ">= 5,000 /s"},
		{"at least missed", atLeast("x", 710, 5000, "/s"), false, 0.142, "710 /s", ">= 5,000 /s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			if c.Pass != tt.pass || c.Measured != tt.measured || !strings.Contains(c.Target, tt.targetHas) || c.Ratio < tt.ratio-1e-9 || c.Ratio > tt.ratio+1e-9 {
				t.Errorf("got %+v; want pass %v, ratio %v, measured %q, target with %q", c, tt.pass, tt.ratio, tt.measured, tt.targetHas)
			}
		})
	}
}

// suiteResults is a suite where every target is met.
func suiteResults() map[string][]Result {
	one := func(r Result) []Result { return []Result{r} }
	return map[string][]Result{
		"ingest":        one(Result{Ingest: 8000, IngestCeiling: 10000}),
		"fanout":        one(Result{Deliveries: 6000, DeliveryCeiling: 10000, Received: 100, Batched: 100}),
		"latency":       one(Result{Latency: LatencySummary{Count: 10, P99: 3 * time.Millisecond}}),
		"latency-batch": one(Result{Latency: LatencySummary{Count: 10, P99: 2 * time.Millisecond}, BareRoundTrip: LatencySummary{Count: 10, P99: 1500 * time.Microsecond}}),
		"fanout10":      {{ReceiverDeliveries: 5200}, {ReceiverDeliveries: 4800}},
		"hung":          {{ReceiverDeliveries: 4900}, {ReceiverDeliveries: 4900}},
		"slow":          {{ReceiverDeliveries: 4600}, {ReceiverDeliveries: 4400}},
		"register":      one(Result{RSS: 80e6, RegisterRate: 9000}),
		"batch":         one(Result{Deliveries: 20000, DeliveryCeiling: 10000, Received: 3200, Batched: 100}),
	}
}

func TestSuiteChecksAllPass(t *testing.T) {
	checks := suiteChecks(suiteResults())
	if len(checks) != 9 {
		t.Fatalf("%d checks, want 9: %+v", len(checks), checks)
	}
	for _, c := range checks {
		if !c.Pass {
			t.Errorf("%s failed: %+v", c.Name, c)
		}
	}
}

func TestSuiteChecksEachFailure(t *testing.T) {
	tests := []struct {
		name   string
		change func(map[string][]Result)
		check  string
		note   string
	}{
		{"slow ingest", func(m map[string][]Result) { m["ingest"][0].Ingest = 7000 }, "ingest, no receivers", ""},
		{"slow fan-out", func(m map[string][]Result) { m["fanout"][0].Deliveries = 4000 }, "1 sender, 20 receivers: deliveries", ""},
		{"high p99", func(m map[string][]Result) { m["latency"][0].Latency.P99 = 6 * time.Millisecond }, "1,000 msg/s to 10 receivers: p99", ""},
		{"high batched p99", func(m map[string][]Result) { m["latency-batch"][0].Latency.P99 = 5 * time.Millisecond }, "the same, batching: p99", "a bare round trip at this rate: p99 1.50 ms"},
		{"hung hurts", func(m map[string][]Result) { m["hung"][1].ReceiverDeliveries = 3900 }, "one hung receiver: others' deliveries", ""},
		{"slow hurts", func(m map[string][]Result) { m["slow"][0].ReceiverDeliveries = 1000 }, "one slow receiver: others' deliveries", ""},
		{"fat registry", func(m map[string][]Result) { m["register"][0].RSS = 151e6 }, "10,000 satellites: RSS", ""},
		{"slow registration", func(m map[string][]Result) { m["register"][0].RegisterRate = 4999 }, "10,000 satellites: registrations", ""},
		{"no batches", func(m map[string][]Result) { m["batch"][0].Deliveries, m["batch"][0].Batched = 9000, 3200 }, "batching: deliveries", "no batches"},
		{"scenario failed", func(m map[string][]Result) { m["latency"][0].Err = "relay died" }, "1,000 msg/s to 10 receivers: p99", "relay died"},
		{"second hung run failed", func(m map[string][]Result) { m["hung"][1].Err = "boom" }, "one hung receiver: others' deliveries", "boom"},
		{"scenario missing", func(m map[string][]Result) { delete(m, "hung") }, "one hung receiver: others' deliveries", "did not run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := suiteResults()
			tt.change(results)
			for _, c := range suiteChecks(results) {
				if c.Pass == (c.Name == tt.check) {
					t.Errorf("%s: pass = %v (%+v)", c.Name, c.Pass, c)
				}
				if c.Name == tt.check && !strings.Contains(c.Note, tt.note) {
					t.Errorf("%s: note %q, want it to say %q", c.Name, c.Note, tt.note)
				}
			}
		})
	}
}
