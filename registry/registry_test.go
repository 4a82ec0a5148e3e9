package registry

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// t0 is the tests' clock: every time is t0 plus some offset, never time.Now.
var t0 = time.Date(2003, time.May, 1, 12, 0, 0, 0, time.UTC)

func at(seconds int) time.Time { return t0.Add(time.Duration(seconds) * time.Second) }

var (
	ip4    = netip.MustParseAddr("192.0.2.1")
	ip4b   = netip.MustParseAddr("192.0.2.2")
	mapped = netip.MustParseAddr("::ffff:192.0.2.1") // ip4, IPv4-mapped
	ip6    = netip.MustParseAddr("2001:db8::1")
	ip6b   = netip.MustParseAddr("2001:db8::2")
	loop6  = netip.MustParseAddr("::1")
)

// mustRegister registers and fails the test on an error.
func mustRegister(t testing.TB, r *Registry, reg Registration, now time.Time) Satellite {
	t.Helper()
	sat, _, err := r.Register(reg, now)
	if err != nil {
		t.Fatalf("Register(%v:%d): %v", reg.IP, reg.Port, err)
	}
	return sat
}

func TestHostID(t *testing.T) {
	tests := []struct {
		ip   netip.Addr
		port int
		want string
	}{
		{ip4, 80, "192.0.2.1:80"},
		{netip.MustParseAddr("127.0.0.1"), 2003, "127.0.0.1:2003"},
		{mapped, 7000, "192.0.2.1:7000"},
		{netip.MustParseAddr("::ffff:127.0.0.1"), 1, "127.0.0.1:1"},
		{loop6, 7000, "[::1]:7000"},
		{ip6, 65535, "[2001:db8::1]:65535"},
		{netip.MustParseAddr("fe80::1%eth0"), 9, "[fe80::1%eth0]:9"},
	}
	for _, tc := range tests {
		if got := HostID(tc.ip, tc.port); got != tc.want {
			t.Errorf("HostID(%v, %d) = %q, want %q", tc.ip, tc.port, got, tc.want)
		}
	}
}

func TestNewPanicsWithoutRoom(t *testing.T) {
	for _, maxSats := range []int{0, -1} {
		t.Run(fmt.Sprint(maxSats), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%d) did not panic", maxSats)
				}
			}()
			New(maxSats)
		})
	}
}

func TestRegisterNewSatellite(t *testing.T) {
	tests := []struct {
		name string
		reg  Registration
		want Satellite
	}{
		{
			name: "IPv4 with every field",
			reg:  Registration{IP: ip4, Port: 8000, Nick: "alice", Plugins: []string{"chat", "clock"}, NotifyPass: "s3cret"},
			want: Satellite{HostID: "192.0.2.1:8000", IP: ip4, Port: 8000, Nick: "alice", Plugins: []string{"chat", "clock"}, NotifyPass: "s3cret"},
		},
		{
			name: "nick defaults to host_id, no plugins is an empty list",
			reg:  Registration{IP: ip4, Port: 1},
			want: Satellite{HostID: "192.0.2.1:1", IP: ip4, Port: 1, Nick: "192.0.2.1:1", Plugins: []string{}},
		},
		{
			name: "IPv4-mapped IPv6 is unmapped",
			reg:  Registration{IP: netip.MustParseAddr("::ffff:127.0.0.1"), Port: 7000},
			want: Satellite{HostID: "127.0.0.1:7000", IP: netip.MustParseAddr("127.0.0.1"), Port: 7000, Nick: "127.0.0.1:7000", Plugins: []string{}},
		},
		{
			name: "IPv6 is bracketed",
			reg:  Registration{IP: loop6, Port: 65535, Nick: "six"},
			want: Satellite{HostID: "[::1]:65535", IP: loop6, Port: 65535, Nick: "six", Plugins: []string{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(5)
			sat, added, err := r.Register(tc.reg, at(1))
			if err != nil || !added {
				t.Fatalf("Register = added %v, err %v; want added, nil", added, err)
			}
			want := tc.want
			want.CTime = at(1)
			want.Stats = Stats{PingCurrent: -1, PingMin: -1, PingMax: -1, PingAvg: -1}
			assertSatellite(t, "returned", sat, want)
			got, ok := r.Get(want.HostID)
			if !ok {
				t.Fatalf("Get(%q) not found", want.HostID)
			}
			assertSatellite(t, "Get", got, want)
			if r.Len() != 1 {
				t.Errorf("Len = %d, want 1", r.Len())
			}
		})
	}
}

func assertSatellite(t *testing.T, what string, got, want Satellite) {
	t.Helper()
	if got.HostID != want.HostID || got.IP != want.IP || got.Port != want.Port || got.Nick != want.Nick ||
		got.NotifyPass != want.NotifyPass || !got.CTime.Equal(want.CTime) || got.Stats != want.Stats ||
		got.Plugins == nil || !slices.Equal(got.Plugins, want.Plugins) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestRegisterRejects(t *testing.T) {
	tests := []struct {
		name    string
		reg     Registration
		wantErr error
	}{
		{"port 0", Registration{IP: ip4, Port: 0}, ErrBadPort},
		{"negative port", Registration{IP: ip4, Port: -80}, ErrBadPort},
		{"port 65536", Registration{IP: ip4, Port: 65536}, ErrBadPort},
		{"zero IP", Registration{Port: 80}, ErrBadAddress},
		{"zero IP and bad port", Registration{Port: 0}, ErrBadAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(5)
			_, added, err := r.Register(tc.reg, at(0))
			if !errors.Is(err, tc.wantErr) || added {
				t.Errorf("Register = added %v, err %v; want %v", added, err, tc.wantErr)
			}
			if r.Len() != 0 {
				t.Errorf("Len = %d after a refused registration", r.Len())
			}
		})
	}
}

func TestMaxSats(t *testing.T) {
	r := New(2)
	a := mustRegister(t, r, Registration{IP: ip4, Port: 1}, at(0))
	mustRegister(t, r, Registration{IP: ip6, Port: 1}, at(0))

	_, added, err := r.Register(Registration{IP: ip4b, Port: 1}, at(1))
	if !errors.Is(err, ErrFull) || added {
		t.Fatalf("third Register = added %v, err %v; want ErrFull", added, err)
	}
	if want := "satellite limit reached: 2 of 2 satellites registered"; err.Error() != want {
		t.Errorf("error text %q, want %q", err, want)
	}
	if _, added, err := r.Register(Registration{IP: mapped, Port: 1, Nick: "again"}, at(2)); err != nil || added {
		t.Errorf("re-registration when full = added %v, err %v; want not added, nil", added, err)
	}
	if _, ok := r.Remove(a.HostID); !ok {
		t.Fatalf("Remove(%q) = false", a.HostID)
	}
	if _, added, err := r.Register(Registration{IP: ip4b, Port: 1}, at(3)); err != nil || !added {
		t.Errorf("Register after a removal = added %v, err %v; want added", added, err)
	}
	if r.Len() != 2 || r.Max() != 2 {
		t.Errorf("Len, Max = %d, %d; want 2, 2", r.Len(), r.Max())
	}
}

func TestReRegistration(t *testing.T) {
	r := New(3)
	first := mustRegister(t, r, Registration{IP: ip4, Port: 9, Nick: "old", Plugins: []string{"a"}, NotifyPass: "p1"}, at(0))
	mustRegister(t, r, Registration{IP: ip6, Port: 9}, at(1))
	r.RecordPing(first.HostID, 20*time.Millisecond, true, at(2))
	if err := r.RecordSend(first.HostID, ip4, at(3)); err != nil {
		t.Fatal(err)
	}
	r.RecordDelivery(first.HostID, at(4))
	before, _ := r.Get(first.HostID)

	tests := []struct {
		name string
		reg  Registration
		want Satellite // Stats and order must not change
	}{
		{
			name: "replaces nick, plugins, notify_pass, ctime",
			reg:  Registration{IP: ip4, Port: 9, Nick: "new", Plugins: []string{"b", "c"}, NotifyPass: "p2"},
			want: Satellite{Nick: "new", Plugins: []string{"b", "c"}, NotifyPass: "p2"},
		},
		{
			name: "from the IPv4-mapped form of the same address",
			reg:  Registration{IP: mapped, Port: 9, Nick: "mapped"},
			want: Satellite{Nick: "mapped", Plugins: []string{}},
		},
		{
			name: "empty nick falls back to host_id, empty pass clears it",
			reg:  Registration{IP: ip4, Port: 9, Plugins: []string{"d"}},
			want: Satellite{Nick: first.HostID, Plugins: []string{"d"}},
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := at(100 + i)
			sat, added, err := r.Register(tc.reg, now)
			if err != nil || added {
				t.Fatalf("Register = added %v, err %v; want not added, nil", added, err)
			}
			want := tc.want
			want.HostID, want.IP, want.Port, want.CTime, want.Stats = first.HostID, ip4, 9, now, before.Stats
			assertSatellite(t, "returned", sat, want)
			got, _ := r.Get(first.HostID)
			assertSatellite(t, "Get", got, want)
			if ids := r.IDs(); !slices.Equal(ids, []string{"192.0.2.1:9", "[2001:db8::1]:9"}) || r.Len() != 2 {
				t.Errorf("IDs = %v, Len = %d; order or count changed", ids, r.Len())
			}
		})
	}
}

func TestCallerChecks(t *testing.T) {
	// Two satellites on the same port: one IPv4 (registered through its
	// IPv4-mapped form), one IPv6.
	const v4ID, v6ID = "192.0.2.1:7000", "[2001:db8::1]:7000"
	tests := []struct {
		name    string
		hostID  string
		caller  netip.Addr
		wantErr error // nil: accepted
	}{
		{"IPv4 owner", v4ID, ip4, nil},
		{"IPv4 owner, mapped", v4ID, mapped, nil},
		{"IPv6 owner", v6ID, ip6, nil},
		{"other IPv4", v4ID, ip4b, ErrWrongAddress},
		{"other IPv6", v6ID, ip6b, ErrWrongAddress},
		{"IPv6 caller for IPv4 id", v4ID, ip6, ErrWrongAddress},
		{"zero caller", v4ID, netip.Addr{}, ErrWrongAddress},
		{"unknown id from the right IP", "192.0.2.1:7001", ip4, ErrNotRegistered},
		{"unknown id from a wrong IP: registration is checked first", "192.0.2.1:7001", ip4b, ErrNotRegistered},
		{"mapped spelling is not a host_id", "[::ffff:192.0.2.1]:7000", ip4, ErrNotRegistered},
		{"empty id", "", ip4, ErrNotRegistered},
	}
	setup := func(t *testing.T) *Registry {
		r := New(10)
		mustRegister(t, r, Registration{IP: mapped, Port: 7000}, at(0))
		mustRegister(t, r, Registration{IP: ip6, Port: 7000}, at(0))
		return r
	}
	for _, tc := range tests {
		t.Run("RecordSend/"+tc.name, func(t *testing.T) {
			r := setup(t)
			err := r.RecordSend(tc.hostID, tc.caller, at(5))
			checkErr(t, err, tc.wantErr)
			if tc.wantErr == nil {
				sat, _ := r.Get(tc.hostID)
				if sat.Stats.SendCount != 1 || !sat.Stats.SendTime.Equal(at(5)) {
					t.Errorf("after an accepted send: SendCount %d, SendTime %v", sat.Stats.SendCount, sat.Stats.SendTime)
				}
			}
			for _, sat := range r.List() {
				if tc.wantErr != nil && sat.Stats.SendCount != 0 {
					t.Errorf("%s: refused send was counted", sat.HostID)
				}
			}
		})
		t.Run("Deregister/"+tc.name, func(t *testing.T) {
			r := setup(t)
			sat, err := r.Deregister(tc.hostID, tc.caller)
			checkErr(t, err, tc.wantErr)
			wantLen := 2
			if tc.wantErr == nil {
				wantLen = 1
				if sat.HostID != tc.hostID {
					t.Errorf("Deregister returned %q, want %q", sat.HostID, tc.hostID)
				}
				if _, ok := r.Get(tc.hostID); ok {
					t.Errorf("%q still registered", tc.hostID)
				}
			}
			if r.Len() != wantLen {
				t.Errorf("Len = %d, want %d", r.Len(), wantLen)
			}
		})
	}
}

func checkErr(t *testing.T, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	for _, other := range []error{ErrFull, ErrNotRegistered, ErrWrongAddress, ErrBadPort, ErrBadAddress, ErrDuplicate} {
		if other != want && errors.Is(err, other) {
			t.Errorf("err %v also matches %v", err, other)
		}
	}
}

func TestErrorsExplainThemselves(t *testing.T) {
	r := New(1)
	mustRegister(t, r, Registration{IP: ip4, Port: 80, NotifyPass: "hunter2"}, at(0))
	_, _, errFull := r.Register(Registration{IP: ip4b, Port: 80}, at(0))
	_, _, errPort := r.Register(Registration{IP: ip4, Port: 70000}, at(0))
	errWrong := r.RecordSend("192.0.2.1:80", ip4b, at(0))
	_, errUnknown := r.Deregister("192.0.2.9:80", ip4)
	tests := []struct {
		err  error
		want string
	}{
		{errFull, "satellite limit reached: 1 of 1 satellites registered"},
		{errPort, "bad port: 70000 is outside 1-65535"},
		{errWrong, "caller's address is not the satellite's: 192.0.2.1:80 may only be used from 192.0.2.1, not from 192.0.2.2"},
		{errUnknown, "satellite not registered: 192.0.2.9:80"},
	}
	for _, tc := range tests {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("error %v, want %q", tc.err, tc.want)
		}
		if tc.err != nil && strings.Contains(tc.err.Error(), "hunter2") {
			t.Errorf("error %q shows the notify_pass", tc.err)
		}
	}
}

func TestOrderOfIDs(t *testing.T) {
	r := New(10)
	reg := func(ip netip.Addr, port int) string {
		return mustRegister(t, r, Registration{IP: ip, Port: port}, at(port)).HostID
	}
	a := reg(ip4, 3)
	b := reg(ip6, 1)
	c := reg(ip4, 2)
	r.Remove(b)
	d := reg(loop6, 1)
	reg(ip4, 3) // re-registration keeps a first
	e := reg(ip6, 1)
	want := []string{a, c, d, e}
	if got := r.IDs(); !slices.Equal(got, want) {
		t.Errorf("IDs = %v, want %v", got, want)
	}
	var listed []string
	for _, sat := range r.List() {
		listed = append(listed, sat.HostID)
	}
	if !slices.Equal(listed, want) {
		t.Errorf("List order = %v, want %v", listed, want)
	}
	if got := New(1).IDs(); got == nil || len(got) != 0 {
		t.Errorf("IDs of an empty registry = %#v, want an empty slice", got)
	}
}

// TestOrderAgainstModel drives many registrations and removals (enough to
// compact the order many times) and compares with a plain slice.
func TestOrderAgainstModel(t *testing.T) {
	const ports = 200
	rng := rand.New(rand.NewPCG(1, 2))
	r := New(ports)
	var model []string
	for step := range 5000 {
		port := 1 + rng.IntN(ports)
		id := HostID(ip4, port)
		idx := slices.Index(model, id)
		if rng.IntN(2) == 0 {
			mustRegister(t, r, Registration{IP: ip4, Port: port}, at(step))
			if idx < 0 {
				model = append(model, id)
			}
		} else {
			_, ok := r.Remove(id)
			if ok != (idx >= 0) {
				t.Fatalf("step %d: Remove(%q) = %v, model says registered=%v", step, id, ok, idx >= 0)
			}
			if ok {
				model = slices.Delete(model, idx, idx+1)
			}
		}
		if got := r.IDs(); !slices.Equal(got, model) {
			t.Fatalf("step %d: IDs = %v\nwant %v", step, got, model)
		}
		if r.Len() != len(model) {
			t.Fatalf("step %d: Len = %d, want %d", step, r.Len(), len(model))
		}
	}
	if len(r.sats.slots) > 2*r.Len()+1 {
		t.Errorf("order holds %d slots for %d satellites: holes are not compacted", len(r.sats.slots), r.Len())
	}
}

func TestRecordPing(t *testing.T) {
	tests := []struct {
		name  string
		pings []float64 // ms; -1 means the ping failed
		want  Stats
	}{
		{"none", nil, Stats{PingCurrent: -1, PingMin: -1, PingMax: -1, PingAvg: -1}},
		{"one success", []float64{12.5}, Stats{PingCurrent: 12.5, PingMin: 12.5, PingMax: 12.5, PingAvg: 12.5, PingCount: 1}},
		{"failures only", []float64{-1, -1}, Stats{PingCurrent: -1, PingMin: -1, PingMax: -1, PingAvg: -1, PingCount: 2, PingFails: 2, PingFailsInRow: 2}},
		{"fail then succeed", []float64{-1, 4}, Stats{PingCurrent: 4, PingMin: 4, PingMax: 4, PingAvg: 4, PingCount: 2, PingFails: 1}},
		{"mixed", []float64{10, 30, -1, 20, -1, -1}, Stats{PingCurrent: 20, PingMin: 10, PingMax: 30, PingAvg: 20, PingCount: 6, PingFails: 3, PingFailsInRow: 2}},
		{"sub-millisecond", []float64{0.25, 0.75}, Stats{PingCurrent: 0.75, PingMin: 0.25, PingMax: 0.75, PingAvg: 0.5, PingCount: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(1)
			id := mustRegister(t, r, Registration{IP: ip4, Port: 1}, at(0)).HostID
			want := tc.want
			for i, ms := range tc.pings {
				now := at(i + 1)
				rtt := time.Duration(ms * float64(time.Millisecond))
				if !r.RecordPing(id, rtt, ms >= 0, now) {
					t.Fatal("RecordPing of a registered satellite = false")
				}
				want.PingTime = now
			}
			sat, _ := r.Get(id)
			if sat.Stats != want {
				t.Errorf("Stats\n got %+v\nwant %+v", sat.Stats, want)
			}
		})
	}
}

func TestRecordPingNegativeRTTIsZero(t *testing.T) {
	r := New(1)
	id := mustRegister(t, r, Registration{IP: ip4, Port: 1}, at(0)).HostID
	r.RecordPing(id, -time.Second, true, at(1))
	if sat, _ := r.Get(id); sat.Stats.PingCurrent != 0 || sat.Stats.PingMin != 0 {
		t.Errorf("Stats after a negative rtt = %+v, want 0 ms", sat.Stats)
	}
}

func TestRecordDelivery(t *testing.T) {
	r := New(2)
	id := mustRegister(t, r, Registration{IP: ip4, Port: 1}, at(0)).HostID
	for i := 1; i <= 3; i++ {
		if !r.RecordDelivery(id, at(i)) {
			t.Fatal("RecordDelivery of a registered satellite = false")
		}
	}
	sat, _ := r.Get(id)
	if sat.Stats.RecvCount != 3 || !sat.Stats.RecvTime.Equal(at(3)) {
		t.Errorf("RecvCount %d, RecvTime %v; want 3, %v", sat.Stats.RecvCount, sat.Stats.RecvTime, at(3))
	}
}

func TestUnknownHostID(t *testing.T) {
	r := New(2)
	mustRegister(t, r, Registration{IP: ip4, Port: 1}, at(0))
	const unknown = "192.0.2.1:2"
	tests := []struct {
		name string
		call func() bool
	}{
		{"RecordDelivery", func() bool { return r.RecordDelivery(unknown, at(1)) }},
		{"RecordPing ok", func() bool { return r.RecordPing(unknown, time.Millisecond, true, at(1)) }},
		{"RecordPing failed", func() bool { return r.RecordPing(unknown, 0, false, at(1)) }},
		{"Remove", func() bool { _, ok := r.Remove(unknown); return ok }},
		{"Get", func() bool { _, ok := r.Get(unknown); return ok }},
	}
	for _, tc := range tests {
		if tc.call() {
			t.Errorf("%s(%q) = true for an unknown host_id", tc.name, unknown)
		}
	}
	if r.Len() != 1 {
		t.Errorf("Len = %d, want 1", r.Len())
	}
}

func TestSnapshotsAreCopies(t *testing.T) {
	r := New(2)
	plugins := []string{"chat", "clock"}
	sat := mustRegister(t, r, Registration{IP: ip4, Port: 1, Plugins: plugins}, at(0))
	plugins[0] = "changed by the caller"
	sat.Plugins[1] = "changed in the returned copy"
	sat.Nick = "changed"

	got, _ := r.Get(sat.HostID)
	got.Plugins[0] = "changed in Get's copy"
	list := r.List()
	list[0].Plugins[1] = "changed in List's copy"
	list[0].Stats.SendCount = 99

	final, _ := r.Get(sat.HostID)
	if !slices.Equal(final.Plugins, []string{"chat", "clock"}) || final.Nick != sat.HostID || final.Stats.SendCount != 0 {
		t.Errorf("registry changed through a copy: %+v", final)
	}
}

func TestRestore(t *testing.T) {
	rec := func(ip netip.Addr, port int, nick string) Satellite {
		return Satellite{HostID: HostID(ip, port), IP: ip, Port: port, Nick: nick,
			Plugins: []string{"p"}, NotifyPass: "pw", CTime: at(port),
			Stats: Stats{PingCount: 7, SendCount: 3}} // stale figures that must not survive
	}
	tests := []struct {
		name     string
		existing []Registration // registered before Restore
		sats     []Satellite
		wantErr  error
		wantIDs  []string // on success
	}{
		{
			name:    "in the given order",
			sats:    []Satellite{rec(ip6, 5, "six"), rec(ip4, 9, ""), rec(ip4, 1, "one")},
			wantIDs: []string{"[2001:db8::1]:5", "192.0.2.1:9", "192.0.2.1:1"},
		},
		{
			name:    "mapped IP with unmapped host_id",
			sats:    []Satellite{rec(mapped, 4, "m")},
			wantIDs: []string{"192.0.2.1:4"},
		},
		{name: "nothing", sats: nil, wantIDs: []string{}},
		{
			name:    "exactly Max",
			sats:    []Satellite{rec(ip4, 1, ""), rec(ip4, 2, ""), rec(ip4, 3, "")},
			wantIDs: []string{"192.0.2.1:1", "192.0.2.1:2", "192.0.2.1:3"},
		},
		{
			name:    "more than Max",
			sats:    []Satellite{rec(ip4, 1, ""), rec(ip4, 2, ""), rec(ip4, 3, ""), rec(ip4, 4, "")},
			wantErr: ErrFull,
		},
		{
			name:     "more than Max with what is registered",
			existing: []Registration{{IP: ip6b, Port: 1}},
			sats:     []Satellite{rec(ip4, 1, ""), rec(ip4, 2, ""), rec(ip4, 3, "")},
			wantErr:  ErrFull,
		},
		{
			name:    "host_id does not match",
			sats:    []Satellite{rec(ip4, 1, ""), {HostID: "192.0.2.1:2", IP: ip4, Port: 3}},
			wantErr: ErrBadAddress,
		},
		{
			name:    "mapped spelling of host_id",
			sats:    []Satellite{{HostID: "[::ffff:192.0.2.1]:2", IP: mapped, Port: 2}},
			wantErr: ErrBadAddress,
		},
		{
			name:    "zero IP",
			sats:    []Satellite{{HostID: ":2", Port: 2}},
			wantErr: ErrBadAddress,
		},
		{
			name:    "bad port",
			sats:    []Satellite{rec(ip4, 1, ""), {HostID: "192.0.2.1:0", IP: ip4, Port: 0}},
			wantErr: ErrBadPort,
		},
		{
			name:    "duplicate in the file",
			sats:    []Satellite{rec(ip4, 1, ""), rec(ip6, 1, ""), rec(mapped, 1, "")},
			wantErr: ErrDuplicate,
		},
		{
			name:     "already registered",
			existing: []Registration{{IP: ip4, Port: 1}},
			sats:     []Satellite{rec(ip6, 1, ""), rec(ip4, 1, "")},
			wantErr:  ErrDuplicate,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(3)
			for _, reg := range tc.existing {
				mustRegister(t, r, reg, at(0))
			}
			before := r.IDs()
			err := r.Restore(tc.sats)
			checkErr(t, err, tc.wantErr)
			if tc.wantErr != nil {
				if got := r.IDs(); !slices.Equal(got, before) {
					t.Errorf("a refused Restore changed the registry: %v, was %v", got, before)
				}
				return
			}
			if got := r.IDs(); !slices.Equal(got, tc.wantIDs) {
				t.Fatalf("IDs = %v, want %v", got, tc.wantIDs)
			}
			for i, s := range tc.sats {
				got, _ := r.Get(s.HostID)
				want := s
				want.IP = s.IP.Unmap()
				if want.Nick == "" {
					want.Nick = s.HostID
				}
				want.Stats = freshStats()
				assertSatellite(t, fmt.Sprintf("record %d", i), got, want)
			}
		})
	}
}

func TestRestoreKeepsItsOwnPlugins(t *testing.T) {
	r := New(1)
	sats := []Satellite{{HostID: "192.0.2.1:1", IP: ip4, Port: 1, Plugins: []string{"a"}}}
	if err := r.Restore(sats); err != nil {
		t.Fatal(err)
	}
	sats[0].Plugins[0] = "changed"
	if got, _ := r.Get("192.0.2.1:1"); !slices.Equal(got.Plugins, []string{"a"}) {
		t.Errorf("Plugins = %v after the caller changed its slice", got.Plugins)
	}
}
