package satellite

import (
	"testing"
	"time"
)

func TestSilentTooLong(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		since time.Duration
		want  bool
	}{
		{0, false},
		{2 * time.Second, false},
		{3*time.Second - time.Nanosecond, false},
		{3 * time.Second, true},
		{time.Hour, true},
		{-time.Second, false}, // a clock that stepped back
	} {
		if got := silentTooLong(t0, t0.Add(c.since), time.Second); got != c.want {
			t.Errorf("silent for %v with 1s pings: %v, want %v", c.since, got, c.want)
		}
	}
}

func TestWatchdogRegistersAgainWhenTheRelayForgets(t *testing.T) {
	relay := startFakeRelay(t)
	told := make(chan string, 1)
	s := newTestSatellite(t, relay.URL, func(cfg *Config) {
		cfg.PingInterval = 10 * time.Millisecond
		cfg.OnReregister = func(id string) { told <- id }
	})
	id, err := s.Register(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The relay is silent (it never pings) but still lists the satellite:
	// the watchdog asks, and leaves the registration alone.
	eventually(t, "the watchdog to ask the relay three times", func() bool { return relay.count("relay.get_satellites") >= 3 })
	if n := relay.count("relay.register"); n != 1 {
		t.Fatalf("%d registrations while the relay listed the satellite, want 1", n)
	}
	relay.forget()
	if got := <-told; got != id {
		t.Fatalf("OnReregister(%q), want %q", got, id)
	}
	if st := s.Stats(); st.Reregistrations != 1 || st.Registrations != 2 {
		t.Fatalf("stats %+v: want 2 registrations, 1 of them by the watchdog", st)
	}
}

func TestWatchdogLeavesARelayThatPingsAlone(t *testing.T) {
	relay := startFakeRelay(t)
	s := newTestSatellite(t, relay.URL, func(cfg *Config) { cfg.PingInterval = 20 * time.Millisecond })
	if _, err := s.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	relay.forget() // were the watchdog to ask, it would register again
	// Ping more often than the watchdog's threshold for ten intervals.
	deadline := time.Now().Add(10 * 20 * time.Millisecond)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		if _, err := call(t, s, "ping", nil...); err != nil {
			t.Fatal(err)
		}
		<-tick.C
	}
	if n := relay.count("relay.get_satellites"); n != 0 {
		t.Fatalf("the watchdog asked the relay %d times although it pinged", n)
	}
}
