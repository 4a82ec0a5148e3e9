package satellite

import (
	"context"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"relayd/internal/relaytest"
	"relayd/rpc"
)

var eventually = relaytest.Eventually

// fakeRelay is a scripted relay: it answers register, deregister, relay
// and get_satellites, records every call, and answers with the queued
// faults first.
type fakeRelay struct {
	URL string

	mu             sync.Mutex
	calls          []string     // method names, in order
	params         []rpc.Value  // the struct each call carried
	registerFaults []*rpc.Fault // answered by the next register calls
	relayFaults    []*rpc.Fault // answered by the next relay calls
	registered     map[string]bool
}

// startFakeRelay serves a fakeRelay on 127.0.0.1 until the test ends.
func startFakeRelay(t *testing.T) *fakeRelay {
	t.Helper()
	f := &fakeRelay{registered: map[string]bool{}}
	srv := rpc.NewServer(rpc.DefaultServerConfig())
	handle := func(name string, answer func(st rpc.Value) (rpc.Value, error)) {
		err := srv.Register(rpc.Method{Names: []string{name}, Handler: func(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
			st, err := rpc.StructParam(params)
			if err != nil {
				return rpc.Value{}, err
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			f.calls = append(f.calls, name)
			f.params = append(f.params, st)
			return answer(st)
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	handle("relay.register", func(st rpc.Value) (rpc.Value, error) {
		if fault := pop(&f.registerFaults); fault != nil {
			return rpc.Value{}, fault
		}
		port, _, _ := rpc.IntMember(st, "port", true)
		id := "127.0.0.1:" + strconv.FormatInt(port, 10)
		f.registered[id] = true
		return rpc.String(id), nil
	})
	handle("relay.deregister", func(st rpc.Value) (rpc.Value, error) {
		id, _, _ := rpc.StringMember(st, "host_id", true)
		if !f.registered[id] {
			return rpc.Value{}, rpc.Faultf(1, "KeyError: satellite not registered: %s", id)
		}
		delete(f.registered, id)
		return rpc.String("OK"), nil
	})
	handle("relay.relay", func(st rpc.Value) (rpc.Value, error) {
		if fault := pop(&f.relayFaults); fault != nil {
			return rpc.Value{}, fault
		}
		id, _, _ := rpc.StringMember(st, "host_id", true)
		if !f.registered[id] {
			return rpc.Value{}, rpc.Faultf(1, "Co2RegistryError: satellite not registered: %s", id)
		}
		return rpc.String("OK"), nil
	})
	handle("relay.get_satellites", func(rpc.Value) (rpc.Value, error) {
		ids := []string{}
		for id := range f.registered {
			ids = append(ids, id)
		}
		return rpc.Strings(ids), nil
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f.URL = ts.URL + "/"
	return f
}

func pop(q *[]*rpc.Fault) *rpc.Fault {
	if len(*q) == 0 {
		return nil
	}
	f := (*q)[0]
	*q = (*q)[1:]
	return f
}

// count returns how many calls of method the relay had.
func (f *fakeRelay) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == method {
			n++
		}
	}
	return n
}

// forget drops every registration, as a relay restarted without its state
// file would.
func (f *fakeRelay) forget() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.registered)
}

// lastParams returns the struct of the last call of method.
func (f *fakeRelay) lastParams(method string) (rpc.Value, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i] == method {
			return f.params[i], true
		}
	}
	return rpc.Value{}, false
}

// newTestSatellite starts a satellite with short timings for relayURL;
// tweak may change the config first. It is closed when the test ends.
func newTestSatellite(t *testing.T, relayURL string, tweak func(*Config)) *Satellite {
	t.Helper()
	cfg := Config{
		Relay:              relayURL,
		Nick:               "tester",
		RegisterBackoff:    5 * time.Millisecond,
		RegisterMaxBackoff: 20 * time.Millisecond,
		CloseTimeout:       2 * time.Second,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// call calls method on the satellite and returns the result or fault.
func call(t *testing.T, s *Satellite, method string, params ...rpc.Value) (rpc.Value, error) {
	t.Helper()
	return testClient.Call(context.Background(), "http://"+s.Addr()+"/", method, params...)
}

var testClient = rpc.NewClient(rpc.DefaultClientConfig())
