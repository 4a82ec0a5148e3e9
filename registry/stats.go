package registry

import (
	"net/netip"
	"time"
)

// RecordSend is the relay.relay check and count: hostID must be registered
// and caller must be its IP (errors wrap ErrNotRegistered, then
// ErrWrongAddress); then send_count and send_time are updated.
func (r *Registry) RecordSend(hostID string, caller netip.Addr, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.checkCaller(hostID, caller)
	if err != nil {
		return err
	}
	e.sat.Stats.SendCount++
	e.sat.Stats.SendTime = now
	return nil
}

// RecordDelivery counts a notification delivered to hostID at now; false if
// hostID is not registered (it may have left while the message was on its
// way).
func (r *Registry) RecordDelivery(hostID string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.sats.get(hostID)
	if !ok {
		return false
	}
	e.sat.Stats.RecvCount++
	e.sat.Stats.RecvTime = now
	return true
}

// RecordPing records the result of one ping of hostID at now: ok with its
// round-trip time rtt, or a failure (rtt ignored). A negative rtt counts as
// 0. False if hostID is not registered.
func (r *Registry) RecordPing(hostID string, rtt time.Duration, ok bool, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, found := r.sats.get(hostID)
	if !found {
		return false
	}
	e.recordPing(rtt, ok, now)
	return true
}

func (e *entry) recordPing(rtt time.Duration, ok bool, now time.Time) {
	s := &e.sat.Stats
	s.PingCount++
	s.PingTime = now
	if !ok {
		s.PingFails++
		s.PingFailsInRow++
		return
	}
	s.PingFailsInRow = 0
	ms := float64(max(rtt, 0)) / float64(time.Millisecond)
	successes := s.PingCount - s.PingFails
	if successes == 1 {
		s.PingMin, s.PingMax = ms, ms
	} else {
		s.PingMin = min(s.PingMin, ms)
		s.PingMax = max(s.PingMax, ms)
	}
	s.PingCurrent = ms
	e.pingSum += ms
	s.PingAvg = e.pingSum / float64(successes)
}

// CheckSender runs the relay.relay checks without counting: hostID must be
// registered (ErrNotRegistered) and caller must be its IP
// (ErrWrongAddress). The relay checks first, queues the message, and counts
// with RecordSend only once the message is accepted.
func (r *Registry) CheckSender(hostID string, caller netip.Addr) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, err := r.checkCaller(hostID, caller)
	return err
}
