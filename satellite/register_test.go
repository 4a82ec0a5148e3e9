package satellite

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"relayd/rpc"
)

func TestRegisterRetriesCo2FaultsAndStopsAtProtocolFaults(t *testing.T) {
	for _, c := range []struct {
		name      string
		faults    []*rpc.Fault
		wantErr   bool
		wantCalls int
	}{
		{"succeeds at once", nil, false, 1},
		{"relay full twice, then room", []*rpc.Fault{rpc.Faultf(1, "Co2RegistryError: satellite limit reached"), rpc.Faultf(1, "Co2RegistryError: satellite limit reached")}, false, 3},
		{"bad port is final", []*rpc.Fault{rpc.Faultf(rpc.CodeInvalidParams, "port must be 1-65535")}, true, 1},
		{"internal error is final", []*rpc.Fault{rpc.Faultf(rpc.CodeInternal, "internal error")}, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			relay := startFakeRelay(t)
			relay.registerFaults = c.faults
			s := newTestSatellite(t, relay.URL, nil)
			id, err := s.Register(t.Context())
			if got := relay.count("relay.register"); got != c.wantCalls {
				t.Errorf("%d register calls, want %d", got, c.wantCalls)
			}
			if c.wantErr {
				if !matches(err, c.faults[0]) {
					t.Fatalf("Register = %q, %v; want the fault %v", id, err, c.faults[0])
				}
				if s.HostID() != "" {
					t.Fatalf("HostID %q after a failed registration", s.HostID())
				}
				return
			}
			if err != nil || id == "" || s.HostID() != id {
				t.Fatalf("Register = %q, %v; HostID %q", id, err, s.HostID())
			}
			if st := s.Stats(); st.Registrations != 1 || st.Reregistrations != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestRegisterRetriesAnUnreachableRelayUntilTheContextEnds(t *testing.T) {
	// Nothing listens on port 1 of the loopback: every attempt is refused.
	s := newTestSatellite(t, "http://127.0.0.1:1/", nil)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := s.Register(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Register = %v, want an error wrapping context.DeadlineExceeded", err)
	}
}

func TestCloseEndsARegistrationThatIsRetrying(t *testing.T) {
	s, err := New(Config{Relay: "http://127.0.0.1:1/", RegisterBackoff: time.Hour, RegisterMaxBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.Register(context.Background()); done <- err }()
	s.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Register = %v, want ErrClosed", err)
	}
}

func TestCloseDeregisters(t *testing.T) {
	relay := startFakeRelay(t)
	s := newTestSatellite(t, relay.URL, nil)
	id, err := s.Register(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := relay.lastParams("relay.deregister"); !got.Equal(rpc.Struct(member("host_id", rpc.String(id)))) {
		t.Fatalf("deregister got %v, want host_id %s", got, id)
	}
	if s.HostID() != "" {
		t.Fatalf("HostID %q after Close", s.HostID())
	}
	if err := s.Close(); err != nil || relay.count("relay.deregister") != 1 {
		t.Fatalf("a second Close = %v and %d deregister calls; want nil and 1", err, relay.count("relay.deregister"))
	}
}

func TestDeregisterTakesAKeyErrorAsDone(t *testing.T) {
	relay := startFakeRelay(t)
	s := newTestSatellite(t, relay.URL, nil)
	if _, err := s.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	relay.forget()
	if err := s.Deregister(t.Context()); err != nil {
		t.Fatalf("Deregister from a relay that forgot: %v", err)
	}
	if err := s.Deregister(t.Context()); !errors.Is(err, ErrNotRegistered) {
		t.Fatalf("a second Deregister = %v, want ErrNotRegistered", err)
	}
}

func TestRelay(t *testing.T) {
	notRegistered := rpc.Faultf(1, "Co2RegistryError: satellite not registered: 127.0.0.1:1")
	queueFull := rpc.Faultf(1, "Co2RegistryError: relay queue full, retry later (limiter: relay queue full)")
	wrongAddress := rpc.Faultf(1, "Co2RegistryError: caller's address is not the satellite's: 127.0.0.1:1")
	for _, c := range []struct {
		name          string
		forget        bool
		faults        []*rpc.Fault
		wantErr       error // nil: success
		wantRelays    int
		wantRegisters int
	}{
		{"accepted", false, nil, nil, 1, 1},
		{"relay forgot: register again and resend", true, nil, nil, 2, 2},
		{"relay queue full", false, []*rpc.Fault{queueFull}, ErrRelayBusy, 1, 1},
		{"other co2 fault", false, []*rpc.Fault{wrongAddress}, wrongAddress, 1, 1},
		{"forgot twice: one retry only", false, []*rpc.Fault{notRegistered, notRegistered}, notRegistered, 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			relay := startFakeRelay(t)
			var mu sync.Mutex
			var told []string
			s := newTestSatellite(t, relay.URL, func(cfg *Config) {
				cfg.OnReregister = func(id string) { mu.Lock(); told = append(told, id); mu.Unlock() }
			})
			if err := s.Relay(t.Context(), rpc.Int(1)); !errors.Is(err, ErrNotRegistered) {
				t.Fatalf("Relay before Register = %v, want ErrNotRegistered", err)
			}
			id, err := s.Register(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if c.forget {
				relay.forget()
			}
			relay.relayFaults = c.faults
			data := rpc.Struct(member("text", rpc.String("hi")))
			err = s.Relay(t.Context(), data)
			if c.wantErr == nil && err != nil || c.wantErr != nil && !matches(err, c.wantErr) {
				t.Fatalf("Relay = %v, want %v", err, c.wantErr)
			}
			if got := relay.count("relay.relay"); got != c.wantRelays {
				t.Errorf("%d relay calls, want %d", got, c.wantRelays)
			}
			if got := relay.count("relay.register"); got != c.wantRegisters {
				t.Errorf("%d register calls, want %d", got, c.wantRegisters)
			}
			last, _ := relay.lastParams("relay.relay")
			if want := rpc.Struct(member("host_id", rpc.String(id)), member("data", data)); !last.Equal(want) {
				t.Errorf("relay.relay got %v, want %v", last, want)
			}
			st := s.Stats()
			wantRe := uint64(c.wantRegisters - 1)
			mu.Lock()
			defer mu.Unlock()
			if st.Reregistrations != wantRe || uint64(len(told)) != wantRe {
				t.Errorf("%d re-registrations, OnReregister told %v; want %d", st.Reregistrations, told, wantRe)
			}
			if wantRelayed := map[bool]uint64{true: 1, false: 0}[c.wantErr == nil]; st.Relayed != wantRelayed {
				t.Errorf("Relayed = %d, want %d", st.Relayed, wantRelayed)
			}
		})
	}
}

// matches reports whether err is or wraps want; a fault matches a fault
// with the same code and text, as faults arrive decoded anew.
func matches(err, want error) bool {
	var wf, f *rpc.Fault
	if errors.As(want, &wf) {
		return errors.As(err, &f) && *f == *wf
	}
	return errors.Is(err, want)
}
