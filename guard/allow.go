package guard

import (
	"fmt"
	"net/netip"
	"strings"
)

// AllowList is a list of address blocks. The zero value is empty; what an
// empty list means (everyone, usually) is the user's rule, so Contains on
// an empty list is false and callers ask Empty first.
//
// It implements encoding.TextUnmarshaler, so flag and environment parsers
// read "10.0.0.0/8, 192.168.1.7, 2001:db8::/32" into it directly.
type AllowList struct {
	prefixes []netip.Prefix
}

// ParseAllowList reads a comma-separated list of CIDR blocks and single
// addresses (a single address is its own /32 or /128). Blank is the empty
// list; an empty item, a zone (fe80::1%eth0) or anything unparsable is an
// error that names the item.
func ParseAllowList(s string) (AllowList, error) {
	if strings.TrimSpace(s) == "" {
		return AllowList{}, nil
	}
	var l AllowList
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return AllowList{}, fmt.Errorf("allow list: item %d is empty", i+1)
		}
		p, err := parsePrefix(item)
		if err != nil {
			return AllowList{}, fmt.Errorf("allow list: %q: %w", item, err)
		}
		l.prefixes = append(l.prefixes, p)
	}
	return l, nil
}

// MustParseAllowList is ParseAllowList for constants (tests); it panics on
// an error.
func MustParseAllowList(s string) AllowList {
	l, err := ParseAllowList(s)
	if err != nil {
		panic(err)
	}
	return l
}

// parsePrefix reads "IP/BITS" or "IP" into a masked prefix. An IPv4-mapped
// IPv6 block (::ffff:10.0.0.0/104) becomes the IPv4 block it means, since
// callers' addresses are compared unmapped.
func parsePrefix(s string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, fmt.Errorf("not a CIDR block (like 10.0.0.0/8)")
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("not an IP address or CIDR block")
		}
		if a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("an address with a zone cannot be matched")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// Empty reports whether the list has no block.
func (l AllowList) Empty() bool { return len(l.prefixes) == 0 }

// Contains reports whether ip is in one of the blocks. An IPv4-mapped IPv6
// address is matched as the IPv4 address it carries.
func (l AllowList) Contains(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	for _, p := range l.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Prefixes returns the blocks, masked, in the order given.
func (l AllowList) Prefixes() []netip.Prefix {
	return append([]netip.Prefix(nil), l.prefixes...)
}

// String is the list in the form ParseAllowList reads, blocks masked.
func (l AllowList) String() string {
	parts := make([]string, len(l.prefixes))
	for i, p := range l.prefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// UnmarshalText implements encoding.TextUnmarshaler (ParseAllowList).
func (l *AllowList) UnmarshalText(text []byte) error {
	parsed, err := ParseAllowList(string(text))
	if err != nil {
		return err
	}
	*l = parsed
	return nil
}

// MarshalText implements encoding.TextMarshaler (String).
func (l AllowList) MarshalText() ([]byte, error) { return []byte(l.String()), nil }
