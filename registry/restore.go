package registry

import "fmt"

// Restore adds satellites read from the state file at start-up, in the
// given order, keeping HostID, IP, Port, Nick, Plugins, NotifyPass and CTime;
// their statistics start afresh. It adds all or none: it returns an error,
// and adds nothing, if a record has an invalid IP (ErrBadAddress), a bad
// port (ErrBadPort), a HostID other than HostID(IP, Port) (ErrBadAddress),
// a HostID seen earlier in sats or already registered (ErrDuplicate), or if
// the registry would then hold more than Max satellites (ErrFull). An empty
// Nick becomes the host_id, as at registration.
func (r *Registry) Restore(sats []Satellite) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if total := r.sats.len() + len(sats); total > r.max {
		return fmt.Errorf("%w: restoring %d satellites would make %d, more than the limit of %d",
			ErrFull, len(sats), total, r.max)
	}
	entries := make([]*entry, 0, len(sats))
	seen := make(map[string]bool, len(sats))
	for i, s := range sats {
		e, err := restoredEntry(s)
		if err != nil {
			return fmt.Errorf("record %d (%q): %w", i, s.HostID, err)
		}
		if _, registered := r.sats.get(s.HostID); registered || seen[s.HostID] {
			return fmt.Errorf("record %d: %w: %s", i, ErrDuplicate, s.HostID)
		}
		seen[s.HostID] = true
		entries = append(entries, e)
	}
	for _, e := range entries {
		r.sats.add(e)
	}
	return nil
}

// restoredEntry checks one record of the state file and builds its entry.
func restoredEntry(s Satellite) (*entry, error) {
	if err := checkAddress(s.IP, s.Port); err != nil {
		return nil, err
	}
	if want := HostID(s.IP, s.Port); s.HostID != want {
		return nil, fmt.Errorf("%w: host_id %q does not match address %s and port %d (want %q)",
			ErrBadAddress, s.HostID, s.IP, s.Port, want)
	}
	nick := s.Nick
	if nick == "" {
		nick = s.HostID
	}
	return &entry{sat: Satellite{
		HostID:     s.HostID,
		IP:         s.IP.Unmap(),
		Port:       s.Port,
		Nick:       nick,
		Plugins:    clonePlugins(s.Plugins),
		NotifyPass: s.NotifyPass,
		CTime:      s.CTime,
		Stats:      freshStats(),
	}}, nil
}
