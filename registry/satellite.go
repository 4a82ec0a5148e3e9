package registry

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Registration is what a satellite asks for.
type Registration struct {
	IP         netip.Addr // TCP source address of the register call (unmapped on arrival)
	Port       int        // where the satellite serves XML-RPC, 1-65535
	Nick       string     // "" -> host_id
	Plugins    []string   // names of the satellite's plugins; the registry keeps its own copy
	NotifyPass string     // "" = none; a secret, never shown
}

// Stats are the relay's figures about one satellite. Ping times are in
// milliseconds, -1 before the first successful ping.
type Stats struct {
	PingCurrent float64 // last successful ping
	PingMin     float64 // fastest successful ping
	PingMax     float64 // slowest successful ping
	PingAvg     float64 // mean over successful pings
	PingCount   int64   // pings sent (successes and failures)
	PingFails   int64   // failed pings in all
	// PingFailsInRow counts failed pings since the last success, so the
	// relay can evict after enough consecutive failures.
	PingFailsInRow int64
	PingTime       time.Time // last ping result recorded; zero until the first
	SendCount      int64     // relay.relay calls accepted from it
	SendTime       time.Time // zero until the first
	RecvCount      int64     // notifications delivered to it
	RecvTime       time.Time // zero until the first
}

// freshStats are the figures of a satellite nothing has happened to yet.
func freshStats() Stats {
	return Stats{PingCurrent: -1, PingMin: -1, PingMax: -1, PingAvg: -1}
}

// Satellite is a snapshot (a copy; changing it changes nothing in the
// registry).
type Satellite struct {
	HostID     string     // "IP:PORT", see HostID
	IP         netip.Addr // unmapped
	Port       int        // 1-65535
	Nick       string     // never empty: defaults to HostID
	Plugins    []string   // never nil in a snapshot
	NotifyPass string     // "" = none; a secret, never shown
	CTime      time.Time  // time of the latest registration
	Stats      Stats
}

// clone returns a deep copy, with a non-nil Plugins so encoders write an
// empty array rather than nothing.
func (s Satellite) clone() Satellite {
	s.Plugins = clonePlugins(s.Plugins)
	return s
}

func clonePlugins(p []string) []string {
	if p == nil {
		return []string{}
	}
	return slices.Clone(p)
}

// HostID returns the host_id of a satellite at ip serving on port:
// "1.2.3.4:80", "[::1]:7000". An IPv4-mapped IPv6 address is unmapped first.
// It does not validate: port must be 1-65535 (Register and Restore check).
func HostID(ip netip.Addr, port int) string {
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)).String()
}

// validPort reports whether port is a TCP port a satellite can serve on.
func validPort(port int) bool {
	return port >= 1 && port <= 65535
}

// checkAddress returns an error wrapping ErrBadAddress or ErrBadPort when ip
// and port cannot make a host_id.
func checkAddress(ip netip.Addr, port int) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: no IP address", ErrBadAddress)
	}
	if !validPort(port) {
		return fmt.Errorf("%w: %d is outside 1-65535", ErrBadPort, port)
	}
	return nil
}
