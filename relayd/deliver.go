package relayd

import (
	"context"
	"fmt"
	"time"

	"relayd/limiter"
	"relayd/pinger"
	"relayd/registry"
	"relayd/rpc"
)

// satelliteURL is a satellite's XML-RPC endpoint (PROTOCOL.md section 5).
func satelliteURL(hostID string) string { return "http://" + hostID + "/" }

// maxMulticallBytes caps the body of one system.multicall. A batch whose
// notifications would not fit goes in several calls, so a satellite on the
// rpc package's default 1 MiB body limit never refuses one for its size; a
// single notification larger than this still goes, alone.
const maxMulticallBytes = 256 << 10

// deliver is the limiter's Deliver. A batch of one is one notify call; a
// larger one (only for satellites that list system.multicall, see
// batch.go) goes as notify calls inside system.multicall, in batch order.
// The receiver's notify_pass is read at delivery time, so a
// re-registration with a new pass takes effect for messages still queued.
func (r *Relay) deliver(ctx context.Context, target string, batch []limiter.Message) error {
	sat, ok := r.reg.Get(target)
	if !ok {
		return fmt.Errorf("satellite %s is no longer registered", target)
	}
	if len(batch) == 1 {
		return r.notify(ctx, sat, batch[0])
	}
	return r.notifyMany(ctx, sat, batch)
}

// notifyParam is notify's one parameter: {host_id, data, notify_pass}, the
// pass only when the receiver gave one. Its members live in buf, which a
// caller encoding many notifications reuses.
func notifyParam(buf *[3]rpc.Member, receiver registry.Satellite, msg limiter.Message) rpc.Value {
	data, _ := msg.Payload.(rpc.Value)
	buf[0] = rpc.Member{Name: "host_id", Value: rpc.String(msg.Sender)}
	buf[1] = rpc.Member{Name: "data", Value: data}
	if receiver.NotifyPass == "" {
		return rpc.Struct(buf[:2]...)
	}
	buf[2] = rpc.Member{Name: "notify_pass", Value: rpc.String(receiver.NotifyPass)}
	return rpc.Struct(buf[:]...)
}

// notify is one plain notify call.
func (r *Relay) notify(ctx context.Context, sat registry.Satellite, msg limiter.Message) error {
	var members [3]rpc.Member
	if _, err := r.client.Call(ctx, satelliteURL(sat.HostID), "notify", notifyParam(&members, sat, msg)); err != nil {
		r.log.Debug("notify failed", "target", sat.HostID, "sender", msg.Sender, "err", err)
		return err
	}
	r.reg.RecordDelivery(sat.HostID, r.now())
	return nil
}

// notifyMany delivers batch in system.multicall calls of at most
// maxMulticallBytes each. A fault for one notification fails that message
// only (limiter.ItemErrors); a call that fails as a whole fails its
// messages and the ones after it, and if nothing was delivered before it,
// the batch.
func (r *Relay) notifyMany(ctx context.Context, sat registry.Satellite, batch []limiter.Message) error {
	errs := make(limiter.ItemErrors, len(batch))
	for sent := 0; sent < len(batch); {
		n, err := r.multicall(ctx, sat, batch[sent:], errs[sent:])
		if err != nil {
			r.log.Debug("notify multicall failed", "target", sat.HostID, "messages", len(batch)-sent, "err", err)
			if sent == 0 {
				return err
			}
			for i := sent; i < len(batch); i++ {
				errs[i] = err
			}
			break
		}
		sent += n
	}
	failed := 0
	now := r.now()
	for _, err := range errs {
		if err != nil {
			failed++
			continue
		}
		r.reg.RecordDelivery(sat.HostID, now)
	}
	if failed == 0 {
		return nil
	}
	r.log.Debug("notify failed in a multicall", "target", sat.HostID, "failed", failed, "batch", len(batch), "err", errs)
	return errs
}

// multicall sends the first of msgs that fit in one system.multicall (at
// least one) and stores each one's fault, if any, in errs. It returns how
// many it sent, or an error when the call failed as a whole. A message that
// cannot be encoded (the codec decoded it, so it should not happen) fails
// alone, without a call.
func (r *Relay) multicall(ctx context.Context, sat registry.Satellite, msgs []limiter.Message, errs []error) (int, error) {
	n := 0
	var encodeErr error
	var members [3]rpc.Member // each notification is encoded before the next reuses them
	param := make([]rpc.Value, 1)
	reply, err := r.client.Post(ctx, satelliteURL(sat.HostID), func(dst []byte) ([]byte, error) {
		dst = rpc.AppendMulticallHead(dst)
		for _, m := range msgs {
			param[0] = notifyParam(&members, sat, m)
			next, err := rpc.AppendMulticallItem(dst, "notify", param)
			if err != nil {
				encodeErr = err
				break
			}
			if n > 0 && len(next) > maxMulticallBytes {
				break
			}
			dst, n = next, n+1
		}
		if n == 0 {
			return nil, encodeErr
		}
		return rpc.AppendMulticallTail(dst), nil
	})
	if n == 0 {
		errs[0] = encodeErr
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	_, faults, err := rpc.MulticallResults(reply, n)
	if err != nil {
		return 0, err
	}
	copy(errs, faults)
	return n, nil
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
