package relayd

import (
	"context"
	"fmt"
	"time"

	"relayd/limiter"
	"relayd/pinger"
	"relayd/rpc"
)

// satelliteURL is a satellite's XML-RPC endpoint (PROTOCOL.md section 5).
func satelliteURL(hostID string) string { return "http://" + hostID + "/" }

// deliver is the limiter's Deliver: one notify call to target. The
// receiver's notify_pass is read at delivery time, so a re-registration
// with a new pass takes effect for messages still queued.
func (r *Relay) deliver(ctx context.Context, target string, msg limiter.Message) error {
	sat, ok := r.reg.Get(target)
	if !ok {
		return fmt.Errorf("satellite %s is no longer registered", target)
	}
	data, _ := msg.Payload.(rpc.Value)
	members := []rpc.Member{
		{Name: "host_id", Value: rpc.String(msg.Sender)},
		{Name: "data", Value: data},
	}
	if sat.NotifyPass != "" {
		members = append(members, rpc.Member{Name: "notify_pass", Value: rpc.String(sat.NotifyPass)})
	}
	if _, err := r.client.Call(ctx, satelliteURL(target), "notify", rpc.Struct(members...)); err != nil {
		r.log.Debug("notify failed", "target", target, "sender", msg.Sender, "err", err)
		return err
	}
	r.reg.RecordDelivery(target, r.now())
	return nil
}

// pingSatellite is the pinger's Ping: ping({}) timed.
func (r *Relay) pingSatellite(ctx context.Context, target string) (time.Duration, error) {
	start := time.Now()
	_, err := r.client.Call(ctx, satelliteURL(target), "ping", rpc.Struct())
	return time.Since(start), err
}

// pingResult records a ping in the registry; a success ends a suspect state.
// It must not block: it runs on the pinger's loop.
func (r *Relay) pingResult(res pinger.Result) {
	ok := res.Err == nil
	if !r.reg.RecordPing(res.Target, res.RTT, ok, res.At) {
		return
	}
	if ok {
		r.lim.MarkUp(res.Target)
		return
	}
	r.log.Debug("ping failed", "target", res.Target, "consecutive", res.ConsecutiveFails, "err", res.Err)
}

// evict removes a satellite that failed EvictAfter pings in a row.
func (r *Relay) evict(target string) {
	sat, ok := r.reg.Remove(target)
	if !ok {
		return
	}
	r.lim.RemoveTarget(target)
	r.changed()
	r.log.Warn("satellite evicted after failed pings", "host_id", target, "nick", sat.Nick, "fails", r.cfg.EvictAfter)
}
