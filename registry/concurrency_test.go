package registry

import (
	"errors"
	"net/netip"
	"sync"
	"testing"
)

// TestLastPlaceHasOneWinner: 20 goroutines race for the one free place.
func TestLastPlaceHasOneWinner(t *testing.T) {
	const maxSats, racers = 10, 20
	for round := range 50 { // many rounds: one lucky interleaving proves little
		r := New(maxSats)
		for port := 1; port < maxSats; port++ {
			mustRegister(t, r, Registration{IP: ip4, Port: port}, at(0))
		}
		start := make(chan struct{})
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				<-start
				ip := netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)})
				_, _, errs[i] = r.Register(Registration{IP: ip, Port: 7000}, at(1))
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		for i, err := range errs {
			switch {
			case err == nil:
				winners++
			case !errors.Is(err, ErrFull):
				t.Fatalf("round %d, racer %d: %v, want ErrFull or nil", round, i, err)
			}
		}
		if winners != 1 || r.Len() != maxSats {
			t.Fatalf("round %d: %d winners, Len %d; want 1 winner, Len %d", round, winners, r.Len(), maxSats)
		}
	}
}

// TestConcurrentUse runs every method at once; the race detector judges,
// and the limit and the order's invariants must hold at the end.
func TestConcurrentUse(t *testing.T) {
	const workers, ops, maxSats = 8, 300, 16
	r := New(maxSats)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			ip := netip.AddrFrom4([4]byte{203, 0, 113, byte(w + 1)})
			for i := range ops {
				port := 1 + i%5
				id := HostID(ip, port)
				switch i % 7 {
				case 0, 1:
					_, _, err := r.Register(Registration{IP: ip, Port: port, Plugins: []string{"x"}}, at(i))
					if err != nil && !errors.Is(err, ErrFull) {
						t.Errorf("Register: %v", err)
					}
				case 2:
					r.RecordPing(id, 1, i%2 == 0, at(i))
					r.RecordDelivery(id, at(i))
				case 3:
					if err := r.RecordSend(id, ip, at(i)); err != nil && !errors.Is(err, ErrNotRegistered) {
						t.Errorf("RecordSend: %v", err)
					}
				case 4:
					if _, err := r.Deregister(id, ip); err != nil && !errors.Is(err, ErrNotRegistered) {
						t.Errorf("Deregister: %v", err)
					}
				case 5:
					r.Remove(id)
				case 6:
					if n := len(r.List()); n > maxSats {
						t.Errorf("List has %d satellites, more than %d", n, maxSats)
					}
					r.IDs()
					r.Get(id)
				}
			}
		})
	}
	wg.Wait()
	ids := r.IDs()
	if len(ids) != r.Len() || len(ids) > maxSats {
		t.Errorf("IDs has %d, Len %d, max %d", len(ids), r.Len(), maxSats)
	}
	for _, id := range ids {
		if _, ok := r.Get(id); !ok {
			t.Errorf("listed %q cannot be got", id)
		}
	}
}
