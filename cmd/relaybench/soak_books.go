package main

import (
	"context"
	"fmt"
	"time"

	"relayd/rpc"
)

// soakSnapshot is what the relay said of itself and of each stable
// satellite just before an instance ended.
type soakSnapshot struct {
	relay relayStats
	sats  map[string]satFigures
	err   error // the snapshot could not be read completely
}

// satFigures are relayd's per-satellite counters (get_satellite_props).
type satFigures struct {
	Dropped, NotifyFails, QueueDepth int64
}

// snapshot reads the relay's totals first (its intake only shrinks while
// the senders are paused, so reading it first bounds what is queued),
// then each stable satellite's counters.
func (s *soak) snapshot(ctx context.Context) soakSnapshot {
	snap := soakSnapshot{sats: map[string]satFigures{}}
	snap.relay, snap.err = readRelayStats(ctx, s.client, s.relay.URL())
	for _, ss := range s.stable {
		v, err := s.client.Call(ctx, s.relay.URL(), "relay.get_satellite_props", rpc.Struct(rpc.Member{Name: "host_id", Value: rpc.String(ss.hostID)}))
		if err != nil {
			snap.err = err
			continue
		}
		get := func(name string) int64 { n, _, _ := rpc.IntMember(v, name, false); return n }
		snap.sats[ss.hostID] = satFigures{Dropped: get("dropped"), NotifyFails: get("notify_fails"), QueueDepth: get("queue_depth")}
	}
	return snap
}

// account is one stable satellite's books for the current instance.
func (s *soak) account(ss *soakSat, snap soakSnapshot) satAccount {
	inst := s.inst.Load()
	f := snap.sats[ss.hostID]
	a := satAccount{
		HostID: ss.hostID, Owed: s.accepted.toward(ss.hostID, inst), Received: ss.rec.received(inst),
		Dropped: f.Dropped, NotifyFails: f.NotifyFails, QueueDepth: f.QueueDepth,
	}
	a.Lost = a.Owed - a.Received - a.Dropped - a.NotifyFails
	return a
}

// quiesce waits, with the senders paused, until every stable satellite's
// books balance (or QuiesceTimeout passes), and returns the last snapshot.
// Books balance when Lost is 0, or negative by no more than the failed
// notifications that may have arrived all the same.
func (s *soak) quiesce(ctx context.Context) soakSnapshot {
	deadline := s.cfg.Now().Add(s.sc.QuiesceTimeout)
	for {
		snap := s.snapshot(ctx)
		balanced := snap.err == nil && snap.relay.IntakeDepth == 0
		for _, ss := range s.stable {
			if a := s.account(ss, snap); a.Lost > 0 || a.Lost < -a.NotifyFails {
				balanced = false
			}
		}
		if balanced || s.cfg.Now().After(deadline) || ctx.Err() != nil {
			return snap
		}
		wait(ctx, 20*time.Millisecond)
	}
}

// closeInstance checks the books of the instance that just ended.
func (s *soak) closeInstance(snap soakSnapshot, killed bool) {
	inst := s.inst.Load()
	ir := instanceReport{N: inst, Killed: killed, Accepted: s.accepted.inInstance(inst), Relay: snap.relay}
	if snap.err != nil {
		s.rep.Reasons = append(s.rep.Reasons, fmt.Sprintf("instance %d: its figures could not be read: %v", inst, snap.err))
	}
	for _, ss := range s.stable {
		a := s.account(ss, snap)
		ir.Accounts = append(ir.Accounts, a)
		if killed && a.Lost > 0 {
			ir.LostInKill += a.Lost
		}
		for _, why := range checkAccount(a, killed, snap.relay.IntakeDepth) {
			s.rep.Reasons = append(s.rep.Reasons, fmt.Sprintf("instance %d: %s", inst, why))
		}
	}
	s.rep.Instances = append(s.rep.Instances, ir)
}

// stopSats stops every satellite's server.
func (s *soak) stopSats() {
	for _, ss := range s.all {
		ss.sat.stop()
	}
}

// report fills the totals and the verdict once the relay has stopped.
func (s *soak) report() {
	r := &s.rep
	r.Seconds = s.sc.Duration.Seconds()
	r.Accepted = s.counts.accepted.Load()
	r.Rejected = s.counts.rejected.Load()
	r.SendErrors = s.counts.errors.Load()
	r.FirstError = s.counts.firstError()
	r.Sent = r.Accepted + r.Rejected + r.SendErrors
	r.Satellites.Stable, r.Satellites.Churners = len(s.stable), len(s.churners)
	for _, ss := range s.all {
		ss.rec.mu.Lock()
		for _, n := range ss.rec.perInst {
			r.Received += uint64(n)
		}
		r.OutOfOrder += ss.rec.outOfOrder
		r.Foreign += ss.rec.foreign
		ss.rec.mu.Unlock()
	}
	for _, ir := range r.Instances {
		r.Delivered += ir.Relay.Delivered
		if ir.Killed {
			r.AcceptedByKilled += ir.Accepted
		}
		r.Dropped += ir.Relay.Dropped
		r.NotifyFails += ir.Relay.NotifyFails
		r.LostInKills += ir.LostInKill
	}
	if r.OutOfOrder > 0 {
		r.Reasons = append(r.Reasons, fmt.Sprintf("%d notifications arrived twice or out of their sender's order", r.OutOfOrder))
	}
	if r.Foreign > 0 {
		r.Reasons = append(r.Reasons, fmt.Sprintf("%d notifications carried data no sender sent", r.Foreign))
	}
	if r.SendErrors > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d relay.relay calls failed, the first: %s", r.SendErrors, r.FirstError))
	}
	if r.LostRegistrations > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d registration changes made within %v of a kill were lost (allowed; the satellites repaired them)", r.LostRegistrations, s.sc.PersistGrace))
	}
	reasons, notes := growth(r.Samples, s.sc.Duration, len(s.churners))
	r.Reasons = append(r.Reasons, reasons...)
	r.Notes = append(r.Notes, notes...)
	r.Pass = len(r.Reasons) == 0
}
