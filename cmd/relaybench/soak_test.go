package main

import (
	"testing"
	"time"
)

// quickSoak is a soak of about a second with a busy schedule.
func quickSoak() Config {
	cfg := quickConfig()
	so := &cfg.Soak
	so.Duration = 1500 * time.Millisecond
	so.Senders, so.Receivers, so.Churners = 2, 1, 3
	so.Rate = 100
	so.ChurnEvery = 20 * time.Millisecond
	so.KillEvery = 250 * time.Millisecond
	so.SampleEvery = 500 * time.Millisecond // too few samples to judge growth: that needs a long soak
	return cfg
}

// checkSoak fails the test on anything but a clean verdict with work done.
func checkSoak(t *testing.T, rep SoakReport, restarts int) {
	t.Helper()
	if !rep.Pass {
		t.Errorf("soak failed: %q", rep.Reasons)
	}
	if rep.Accepted == 0 || rep.Received == 0 {
		t.Errorf("nothing relayed: %+v", rep)
	}
	if len(rep.Instances) != restarts+1 {
		t.Errorf("%d relay instances, want %d", len(rep.Instances), restarts+1)
	}
	if c := rep.Churn; c.Registered+c.Deregistered+c.Died+c.CameBack == 0 {
		t.Error("no churn happened")
	}
	if n := rep.Satellites.LiveRegisteredAtEnd; n < rep.Satellites.Stable || rep.Satellites.ListedAtEnd < n {
		t.Errorf("at the end %d listed, %d live and registered, %d stable", rep.Satellites.ListedAtEnd, n, rep.Satellites.Stable)
	}
}

func TestSoakInProcess(t *testing.T) {
	cfg := quickSoak()
	rep, err := runSoak(t.Context(), cfg, inprocLauncher{})
	if err != nil {
		t.Fatal(err)
	}
	checkSoak(t, rep, 2)
	if rep.Kills != 0 || rep.CleanRestarts != 2 {
		t.Errorf("in process: %d kills, %d clean restarts; want 0 and 2", rep.Kills, rep.CleanRestarts)
	}
	for _, ir := range rep.Instances {
		for _, a := range ir.Accounts {
			if a.Lost > 0 || a.Lost < -a.NotifyFails {
				t.Errorf("instance %d, %s: books off by %d after a clean stop (%+v)", ir.N, a.HostID, a.Lost, a)
			}
		}
	}
}

func TestSoakChildProcessWithSIGKILL(t *testing.T) {
	rep, err := runSoak(t.Context(), quickSoak(), newChildLauncher(relaydBinary(t), nil))
	if err != nil {
		t.Fatal(err)
	}
	checkSoak(t, rep, 2)
	if rep.Kills != 2 || len(rep.Samples) == 0 || rep.Samples[0].Goroutines != -1 {
		t.Errorf("child: %d kills, samples %+v", rep.Kills, rep.Samples)
	}
}
