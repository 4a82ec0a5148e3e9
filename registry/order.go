package registry

// entry is one registered satellite as the registry keeps it.
type entry struct {
	sat     Satellite // the registry's own copy; never handed out
	pingSum float64   // sum of successful ping times (ms), for PingAvg
	slot    int       // index in orderedSet.slots
}

// orderedSet keeps entries by host_id and in registration order. Removal
// leaves a hole (nil) in slots instead of shifting the tail, and slots are
// compacted once holes outnumber the entries, so removal is amortised O(1)
// and a walk over slots is O(n) in the number of entries.
type orderedSet struct {
	byID  map[string]*entry
	slots []*entry
	holes int
}

func newOrderedSet() orderedSet {
	return orderedSet{byID: make(map[string]*entry)}
}

func (o *orderedSet) len() int { return len(o.byID) }

func (o *orderedSet) get(hostID string) (*entry, bool) {
	e, ok := o.byID[hostID]
	return e, ok
}

// add appends e, whose host_id must not be in the set.
func (o *orderedSet) add(e *entry) {
	e.slot = len(o.slots)
	o.slots = append(o.slots, e)
	o.byID[e.sat.HostID] = e
}

// remove takes out e, which must be in the set.
func (o *orderedSet) remove(e *entry) {
	delete(o.byID, e.sat.HostID)
	o.slots[e.slot] = nil
	o.holes++
	if o.holes > len(o.byID) {
		o.compact()
	}
}

func (o *orderedSet) compact() {
	live := o.slots[:0]
	for _, e := range o.slots {
		if e != nil {
			e.slot = len(live)
			live = append(live, e)
		}
	}
	clear(o.slots[len(live):]) // let removed entries be collected
	o.slots = live
	o.holes = 0
}

// all calls yield for each entry in registration order.
func (o *orderedSet) all(yield func(*entry)) {
	for _, e := range o.slots {
		if e != nil {
			yield(e)
		}
	}
}
