package registry

import (
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// Registry is the set of registered satellites. The zero value is not
// usable; create one with New. Safe for concurrent use.
type Registry struct {
	max int // max_sats; fixed at New

	mu   sync.RWMutex
	sats orderedSet // guarded by mu
}

// New returns an empty registry that holds at most maxSats satellites.
// maxSats < 1 panics: a relay that can hold no satellite is a configuration
// error the caller must catch before this point.
func New(maxSats int) *Registry {
	if maxSats < 1 {
		panic(fmt.Sprintf("registry.New: maxSats must be at least 1, got %d", maxSats))
	}
	return &Registry{max: maxSats, sats: newOrderedSet()}
}

// Max returns max_sats, the most satellites the registry holds at once.
func (r *Registry) Max() int { return r.max }

// Len returns the number of registered satellites.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.sats.len()
}

// Register adds the satellite at reg.IP and reg.Port, registered at now, and
// returns a snapshot of it. Registering again from the same IP and port
// replaces nick, plugins, notify_pass and ctime, keeps host_id, order and
// statistics, and reports added=false; it succeeds even when the registry is
// full. Errors wrap ErrBadAddress (zero IP), ErrBadPort or ErrFull.
func (r *Registry) Register(reg Registration, now time.Time) (sat Satellite, added bool, err error) {
	if err := checkAddress(reg.IP, reg.Port); err != nil {
		return Satellite{}, false, err
	}
	ip := reg.IP.Unmap()
	hostID := HostID(ip, reg.Port)
	nick := reg.Nick
	if nick == "" {
		nick = hostID
	}
	plugins := clonePlugins(reg.Plugins) // copied before the lock: the caller may reuse its slice

	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.sats.get(hostID); ok {
		e.sat.Nick = nick
		e.sat.Plugins = plugins
		e.sat.NotifyPass = reg.NotifyPass
		e.sat.CTime = now
		return e.sat.clone(), false, nil
	}
	if n := r.sats.len(); n >= r.max {
		return Satellite{}, false, fmt.Errorf("%w: %d of %d satellites registered", ErrFull, n, r.max)
	}
	e := &entry{sat: Satellite{
		HostID:     hostID,
		IP:         ip,
		Port:       reg.Port,
		Nick:       nick,
		Plugins:    plugins,
		NotifyPass: reg.NotifyPass,
		CTime:      now,
		Stats:      freshStats(),
	}}
	r.sats.add(e)
	return e.sat.clone(), true, nil
}

// Deregister removes hostID on the satellite's own request and returns what
// it was. Errors wrap ErrNotRegistered, then ErrWrongAddress when caller is
// not the host_id's IP.
func (r *Registry) Deregister(hostID string, caller netip.Addr) (Satellite, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.checkCaller(hostID, caller)
	if err != nil {
		return Satellite{}, err
	}
	r.sats.remove(e)
	return e.sat.clone(), nil
}

// Remove evicts hostID without an address check (the relay's own decision,
// such as too many failed pings) and returns what it was; false if unknown.
func (r *Registry) Remove(hostID string) (Satellite, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.sats.get(hostID)
	if !ok {
		return Satellite{}, false
	}
	r.sats.remove(e)
	return e.sat.clone(), true
}

// Get returns a snapshot of hostID; false if unknown.
func (r *Registry) Get(hostID string) (Satellite, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.sats.get(hostID)
	if !ok {
		return Satellite{}, false
	}
	return e.sat.clone(), true
}

// List returns snapshots of every satellite, in registration order.
func (r *Registry) List() []Satellite {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Satellite, 0, r.sats.len())
	r.sats.all(func(e *entry) { out = append(out, e.sat.clone()) })
	return out
}

// IDs returns every host_id, in registration order.
func (r *Registry) IDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, r.sats.len())
	r.sats.all(func(e *entry) { out = append(out, e.sat.HostID) })
	return out
}

// checkCaller finds hostID and checks that caller is its IP, in that order.
// r.mu must be held.
func (r *Registry) checkCaller(hostID string, caller netip.Addr) (*entry, error) {
	e, ok := r.sats.get(hostID)
	if !ok {
		return nil, NotRegistered(hostID)
	}
	if caller.Unmap() != e.sat.IP {
		return nil, fmt.Errorf("%w: %s may only be used from %s, not from %s",
			ErrWrongAddress, hostID, e.sat.IP, describeAddr(caller))
	}
	return e, nil
}

// describeAddr names an address for an error message; the zero Addr's String
// is "invalid IP", which reads oddly after "from".
func describeAddr(ip netip.Addr) string {
	if !ip.IsValid() {
		return "an unknown address"
	}
	return ip.Unmap().String()
}
