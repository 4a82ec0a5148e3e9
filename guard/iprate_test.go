package guard

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

var (
	ipA = netip.MustParseAddr("192.0.2.1")
	ipB = netip.MustParseAddr("192.0.2.2")
)

func TestIPLimiterBurstThenRate(t *testing.T) {
	clock := newFakeClock()
	l := NewIPLimiter(10, 3, 100) // 10/s: a token every 100 ms
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow(ipA, clock.Now()); !ok {
			t.Fatalf("token %d of a burst of 3 refused", i+1)
		}
	}
	ok, wait := l.Allow(ipA, clock.Now())
	if ok || wait != 100*time.Millisecond {
		t.Fatalf("4th token at once: ok %v wait %v, want refused with 100ms", ok, wait)
	}
	if ok, _ := l.Allow(ipB, clock.Now()); !ok {
		t.Fatal("another address has its own bucket")
	}
	clock.Advance(99 * time.Millisecond)
	if ok, wait := l.Allow(ipA, clock.Now()); ok || wait != time.Millisecond {
		t.Fatalf("after 99 ms: ok %v wait %v, want refused with 1ms (a refusal takes nothing)", ok, wait)
	}
	clock.Advance(time.Millisecond)
	if ok, _ := l.Allow(ipA, clock.Now()); !ok {
		t.Fatal("after 100 ms one token is back")
	}
	if ok, _ := l.Allow(ipA, clock.Now()); ok {
		t.Fatal("only one")
	}
}

func TestIPLimiterKeys(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1", "192.0.2.2", false},
		{"192.0.2.1", "::ffff:192.0.2.1", true},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true}, // one /64
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"fe80::1%eth0", "fe80::2%eth1", true},
	}
	for _, tc := range tests {
		t.Run(tc.a+" "+tc.b, func(t *testing.T) {
			now := newFakeClock().Now()
			l := NewIPLimiter(1, 1, 100)
			l.Allow(netip.MustParseAddr(tc.a), now)
			ok, _ := l.Allow(netip.MustParseAddr(tc.b), now)
			if ok == tc.same {
				t.Fatalf("second address allowed %v; same bucket should be %v", ok, tc.same)
			}
		})
	}
}

func TestIPLimiterUnlimitedRemembersNothing(t *testing.T) {
	l := NewIPLimiter(0, 1, 10)
	now := newFakeClock().Now()
	for i := 0; i < 1000; i++ {
		if ok, _ := l.Allow(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), now); !ok {
			t.Fatal("rate 0 is unlimited")
		}
	}
	if l.Len() != 0 {
		t.Fatalf("an unlimited limiter keeps %d entries", l.Len())
	}
}

func TestIPLimiterTableIsBounded(t *testing.T) {
	clock := newFakeClock()
	l := NewIPLimiter(1, 5, 3) // a bucket is full again 5 s after its last use
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}) }
	for i := 1; i <= 3; i++ {
		l.Allow(addr(i), clock.Now())
		clock.Advance(time.Second)
	}
	l.Allow(addr(1), clock.Now()) // 1 is now the one seen last; 2 the one seen longest ago
	l.Allow(addr(4), clock.Now())
	if l.Len() != 3 || l.Evicted() != 1 {
		t.Fatalf("full table: len %d evicted %d, want 3 and 1", l.Len(), l.Evicted())
	}
	// 2 was dropped, so it starts again with a full bucket of 5; 1 was
	// kept: full again at 3 s, then one used, so 4 left.
	for _, c := range []struct{ i, want int }{{2, 5}, {1, 4}} {
		i, want := c.i, c.want
		got := 0
		for {
			if ok, _ := l.Allow(addr(i), clock.Now()); !ok {
				break
			}
			got++
		}
		if got != want {
			t.Errorf("address %d had %d tokens, want %d", i, got, want)
		}
	}
}

func TestIPLimiterForgetsFullBucketsWithoutEvicting(t *testing.T) {
	clock := newFakeClock()
	l := NewIPLimiter(10, 10, 4) // full again 1 s after the last use
	for i := 0; i < 4; i++ {
		l.Allow(netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), clock.Now())
	}
	clock.Advance(time.Second)
	l.Allow(ipA, clock.Now())
	if l.Len() != 1 || l.Evicted() != 0 {
		t.Fatalf("len %d evicted %d, want the 4 idle, full buckets forgotten and none evicted", l.Len(), l.Evicted())
	}
}

func BenchmarkIPLimiterAllow(b *testing.B) {
	l := NewIPLimiter(1e9, 1e9, 16384)
	addrs := make([]netip.Addr, 1000)
	for i := range addrs {
		addrs[i] = netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	now := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Allow(addrs[i%len(addrs)], now)
	}
}
