package satellite

import (
	"context"
	"slices"
	"time"

	"relayd/rpc"
)

// silentIntervals is how many ping intervals may pass without a word from
// the relay before the satellite checks that the relay still lists it.
const silentIntervals = 3

// silentTooLong reports whether the relay has been silent long enough
// (silentIntervals ping intervals since lastHeard) to be asked.
func silentTooLong(lastHeard, now time.Time, pingInterval time.Duration) bool {
	return now.Sub(lastHeard) >= silentIntervals*pingInterval
}

// watch is the watchdog goroutine: once per ping interval it checks on a
// silent relay, until Close.
func (s *Satellite) watch() {
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.checkRelay(s.ctx)
		}
	}
}

// checkRelay asks a relay that has been silent too long whether it still
// lists this satellite, and registers again if it does not. An unreachable
// relay is asked again at the next check.
func (s *Satellite) checkRelay(ctx context.Context) {
	id, gen, last := s.registration()
	now := s.cfg.Now()
	if id == "" || !silentTooLong(last, now, s.cfg.PingInterval) {
		return
	}
	listed, err := s.listed(ctx, id)
	switch {
	case err != nil:
		s.log.Debug("relay silent and unreachable", "relay", s.cfg.Relay, "err", err)
	case listed:
		s.heard(now) // alive and knows us; its pings may just not reach us
	default:
		if err := s.reregister(ctx, gen, "no ping from the relay and it no longer lists this satellite"); err != nil {
			s.log.Warn("registering again failed; will retry", "relay", s.cfg.Relay, "err", err)
		}
	}
}

// listed reports whether relay.get_satellites names id.
func (s *Satellite) listed(ctx context.Context, id string) (bool, error) {
	v, err := s.client.Call(ctx, s.cfg.Relay, "relay.get_satellites")
	if err != nil {
		return false, err
	}
	if v.Kind != rpc.KindArray {
		return false, rpc.Faultf(rpc.CodeTransport, "relay.get_satellites answered a %s, not an array", v.Kind)
	}
	return slices.ContainsFunc(v.Array, func(e rpc.Value) bool {
		return e.Kind == rpc.KindString && e.Str == id
	}), nil
}
