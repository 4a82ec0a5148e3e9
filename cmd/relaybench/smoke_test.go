package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"
)

// quickConfig is a Config for runs of a fraction of a second. Nothing is
// asserted about the figures' size, only about their accounting.
func quickConfig() Config {
	cfg := DefaultConfig()
	cfg.Duration = 300 * time.Millisecond
	cfg.Warmup = 100 * time.Millisecond
	cfg.CeilingDuration = 200 * time.Millisecond
	cfg.Slices = 2
	cfg.Settle = 10 * time.Second
	cfg.Out, cfg.Progress = io.Discard, io.Discard
	return cfg
}

func TestSmokeScenarioInProcess(t *testing.T) {
	cfg := quickConfig()
	// Lean satellites here; the child test and the soak decode in full.
	sc := Scenario{Name: "smoke", Senders: 2, SenderSats: 2, Receivers: 2, Size: 50, Rate: 400, Window: 8, Slow: time.Millisecond, Multicall: true, Lean: true}
	res, err := runScenario(t.Context(), cfg, sc, inprocLauncher{})
	if err != nil {
		t.Fatal(err)
	}
	checkSmoke(t, res)

	rep := Report{Results: []Result{res}}
	var buf bytes.Buffer
	if err := writeJSON(&buf, rep); err != nil || !json.Valid(buf.Bytes()) {
		t.Errorf("JSON: %v\n%s", err, buf.String())
	}
}

// TestSmokeScenarioChildProcess runs the relay and the ceiling's bare
// server as child processes (the test binary stands in for relaybench).
func TestSmokeScenarioChildProcess(t *testing.T) {
	cfg := quickConfig()
	cfg.RelaydPath = relaydBinary(t)
	sc := Scenario{Name: "smoke", Senders: 2, SenderSats: 2, Receivers: 2, Size: 50, Window: 8, Hung: true}
	res, err := runScenario(t.Context(), cfg, sc, newLauncher(cfg))
	if err != nil {
		t.Fatal(err)
	}
	checkSmoke(t, res)
}

// checkSmoke checks a tiny scenario's accounting, never its speed: 2
// senders relaying as 2 satellites to 2 receivers and maybe an extra one.
func checkSmoke(t *testing.T, res Result) {
	t.Helper()
	if res.Accepted == 0 || res.Received == 0 || res.Latency.Count == 0 || res.IngestCeiling <= 0 || res.DeliveryCeiling <= 0 {
		t.Fatalf("nothing measured: %+v", res)
	}
	if res.Errors != 0 {
		t.Errorf("%d send errors, the first: %s", res.Errors, res.FirstError)
	}
	if paced := res.Scenario.Rate > 0; paced != (res.BareRoundTrip.Count > 0) {
		t.Errorf("rate %v, yet %d bare round trips timed", res.Scenario.Rate, res.BareRoundTrip.Count)
	}
	if res.Relay.Accepted != int64(res.Accepted) {
		t.Errorf("the relay accepted %d, the senders counted %d", res.Relay.Accepted, res.Accepted)
	}
	if res.Received != uint64(res.Relay.Delivered) {
		t.Errorf("satellites received %d, the relay delivered %d", res.Received, res.Relay.Delivered)
	}
	if res.CPU < 0 || res.RSS <= 0 || res.BenchCPU < 0 {
		t.Errorf("no process figures: relay cpu %v rss %v, bench cpu %v", res.CPU, res.RSS, res.BenchCPU)
	}
	if res.Scenario.Hung {
		return // the hung one's notifications are still in flight
	}
	// Five satellites: each message is owed to the four but its sender.
	if got, owed := res.Relay.Delivered+res.Relay.Dropped+res.Relay.NotifyFails, 4*res.Relay.Accepted; got != owed {
		t.Errorf("the relay accounted for %d notifications, it owed %d", got, owed)
	}
}

func TestSmokeRegisterInProcess(t *testing.T) {
	cfg := quickConfig()
	sc := Scenario{Name: "register", Senders: 2, Register: 50}
	res, err := runScenario(t.Context(), cfg, sc, inprocLauncher{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Registered != 50 || res.Relay.Satellites != 50 || res.RegisterRate <= 0 {
		t.Errorf("registered %d, relay lists %d, rate %v", res.Registered, res.Relay.Satellites, res.RegisterRate)
	}
}

func TestScenarioOnAStoppedRelayFails(t *testing.T) {
	cfg := quickConfig()
	cfg.RelayURL = "http://127.0.0.1:1/"
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := runScenario(ctx, cfg, presets["fanout10"], newLauncher(cfg))
	if err == nil || res.Err == "" {
		t.Errorf("a scenario against no relay succeeded: %+v", res)
	}
}
