package guard

import (
	"encoding"
	"net/netip"
	"strings"
	"testing"
)

func TestParseAllowList(t *testing.T) {
	tests := []struct {
		in      string
		want    string // String() of the result
		wantErr string // part of the error; "" = no error
	}{
		{in: "", want: ""},
		{in: "   ", want: ""},
		{in: "10.0.0.0/8", want: "10.0.0.0/8"},
		{in: "10.1.2.3/8", want: "10.0.0.0/8"},
		{in: "192.168.1.7", want: "192.168.1.7/32"},
		{in: " 10.0.0.0/8 , 2001:db8::/32,::1", want: "10.0.0.0/8,2001:db8::/32,::1/128"},
		{in: "::ffff:10.0.0.0/104", want: "10.0.0.0/8"},
		{in: "::ffff:10.1.2.3", want: "10.1.2.3/32"},
		{in: "10.0.0.0/8,", wantErr: "item 2 is empty"},
		{in: "10.0.0.0/33", wantErr: `"10.0.0.0/33": not a CIDR block`},
		{in: "example.com", wantErr: `"example.com": not an IP address`},
		{in: "fe80::1%eth0", wantErr: "zone"},
		{in: "10.0.0.0/8;10.1.0.0/16", wantErr: "not a CIDR block"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			l, err := ParseAllowList(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := l.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
			if l.Empty() != (tc.want == "") {
				t.Fatalf("Empty() = %v for %q", l.Empty(), tc.want)
			}
		})
	}
}

func TestAllowListContains(t *testing.T) {
	l := MustParseAllowList("10.0.0.0/8,192.168.1.7,2001:db8::/32")
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.0.0.1", true},
		{"10.255.255.255", true},
		{"11.0.0.1", false},
		{"192.168.1.7", true},
		{"192.168.1.8", false},
		{"::ffff:10.9.9.9", true}, // mapped IPv4 is its IPv4
		{"2001:db8:1::5", true},
		{"2001:db9::5", false},
		{"fe80::1%eth0", false},
	}
	for _, tc := range tests {
		if got := l.Contains(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("Contains(%s) = %v, want %v", tc.ip, got, tc.want)
		}
	}
	if (AllowList{}).Contains(netip.MustParseAddr("10.0.0.1")) {
		t.Error("an empty list contains nothing; what empty means is the caller's rule")
	}
}

func TestAllowListIsText(t *testing.T) {
	var l AllowList
	var _ encoding.TextUnmarshaler = &l
	if err := l.UnmarshalText([]byte("127.0.0.2, 10.0.0.0/8")); err != nil {
		t.Fatal(err)
	}
	text, _ := l.MarshalText()
	if string(text) != "127.0.0.2/32,10.0.0.0/8" || len(l.Prefixes()) != 2 {
		t.Fatalf("round trip: %q %v", text, l.Prefixes())
	}
	if err := l.UnmarshalText([]byte("nonsense")); err == nil {
		t.Fatal("nonsense parsed")
	}
	if l.String() != "127.0.0.2/32,10.0.0.0/8" {
		t.Fatalf("a failed parse changed the list: %s", l)
	}
}
