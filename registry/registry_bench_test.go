package registry

import (
	"net/netip"
	"testing"
)

// manyRegistrations returns n distinct registrations spread over IPv4
// addresses and ports.
func manyRegistrations(n int) []Registration {
	regs := make([]Registration, n)
	for i := range regs {
		ip := netip.AddrFrom4([4]byte{10, 0, byte(i / 250), byte(1 + i%250)})
		regs[i] = Registration{IP: ip, Port: 7000 + i%7, Nick: "sat", Plugins: []string{"chat"}}
	}
	return regs
}

// BenchmarkRegister10000 fills a registry with 10,000 satellites.
func BenchmarkRegister10000(b *testing.B) {
	regs := manyRegistrations(10000)
	b.ReportAllocs()
	for b.Loop() {
		r := New(len(regs))
		for _, reg := range regs {
			if _, _, err := r.Register(reg, t0); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRemoveAll10000 empties a registry of 10,000 satellites in
// registration order, the worst case for a slice that shifts on removal.
func BenchmarkRemoveAll10000(b *testing.B) {
	regs := manyRegistrations(10000)
	ids := make([]string, len(regs))
	for i, reg := range regs {
		ids[i] = HostID(reg.IP, reg.Port)
	}
	for b.Loop() {
		b.StopTimer()
		r := New(len(regs))
		for _, reg := range regs {
			r.Register(reg, t0)
		}
		b.StartTimer()
		for _, id := range ids {
			r.Remove(id)
		}
	}
}

// BenchmarkList10000 snapshots a registry of 10,000 satellites.
func BenchmarkList10000(b *testing.B) {
	regs := manyRegistrations(10000)
	r := New(len(regs))
	for _, reg := range regs {
		r.Register(reg, t0)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(r.List()) != len(regs) {
			b.Fatal("List lost satellites")
		}
	}
}
