package registry

import (
	"errors"
	"fmt"
)

// Sentinel errors for the registry's rules. Returned errors wrap them with
// detail (fmt.Errorf("%w: ...")); test with errors.Is. The relay maps them to
// the co2 faults of PROTOCOL.md in one place.
var (
	// ErrFull: max_sats satellites are registered (Co2RegistryError).
	ErrFull = errors.New("satellite limit reached")
	// ErrNotRegistered: no satellite has this host_id (KeyError for
	// deregister and props, Co2RegistryError for relay).
	ErrNotRegistered = errors.New("satellite not registered")
	// ErrWrongAddress: the caller's IP is not the host_id's IP
	// (Co2RegistryError).
	ErrWrongAddress = errors.New("caller's address is not the satellite's")
	// ErrBadPort: a port outside 1-65535 (-32602 for register).
	ErrBadPort = errors.New("bad port")
	// ErrBadAddress: an invalid (zero) IP, or a restored record whose
	// host_id does not match its IP and port.
	ErrBadAddress = errors.New("bad address")
	// ErrDuplicate: Restore was handed the same host_id twice, or one that
	// is already registered.
	ErrDuplicate = errors.New("duplicate host_id")
)

// NotRegistered is the error for a lookup of a host_id that no satellite
// has, worded as the registry's own methods word it.
func NotRegistered(hostID string) error {
	return fmt.Errorf("%w: %s", ErrNotRegistered, hostID)
}
