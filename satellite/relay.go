package satellite

import (
	"context"
	"fmt"

	"relayd/rpc"
)

// Relay sends data to every other satellite through the relay
// (relay.relay as this satellite's host_id). If the relay answers that it
// does not know the satellite, Relay registers again (telling
// OnReregister) and sends once more. A full relay queue is an error
// wrapping ErrRelayBusy: the same call may succeed later.
func (s *Satellite) Relay(ctx context.Context, data rpc.Value) error {
	if s.closed.Load() {
		return fmt.Errorf("relay: %w", ErrClosed)
	}
	ctx, stop := s.bound(ctx)
	defer stop()
	id, gen, _ := s.registration()
	if id == "" {
		return fmt.Errorf("relay: %w", ErrNotRegistered)
	}
	err := s.relayAs(ctx, id, data)
	if isNotRegistered(err) {
		if rerr := s.reregister(ctx, gen, "relay.relay: "+err.Error()); rerr != nil {
			return fmt.Errorf("relay: the relay had forgotten this satellite and registering again failed: %w", rerr)
		}
		if id, _, _ = s.registration(); id == "" {
			return fmt.Errorf("relay: %w", ErrNotRegistered)
		}
		err = s.relayAs(ctx, id, data)
	}
	switch {
	case err == nil:
		s.counts.relayed.Add(1)
		return nil
	case isQueueFull(err):
		return fmt.Errorf("relay: %w (%v)", ErrRelayBusy, err)
	default:
		return fmt.Errorf("relay: %w", err)
	}
}

// relayAs makes one relay.relay call as host_id id.
func (s *Satellite) relayAs(ctx context.Context, id string, data rpc.Value) error {
	_, err := s.client.Call(ctx, s.cfg.Relay, "relay.relay", rpc.Struct(
		rpc.Member{Name: "host_id", Value: rpc.String(id)},
		rpc.Member{Name: "data", Value: data},
	))
	return err
}
