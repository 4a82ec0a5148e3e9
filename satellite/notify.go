package satellite

import (
	"context"
	"crypto/subtle"
	"fmt"
	"runtime/debug"
	"time"

	"relayd/rpc"
)

// Notification is one message another satellite relayed.
type Notification struct {
	// Sender is the host_id of the satellite that relayed it.
	Sender string
	// Data is what the sender relayed, as it came.
	Data rpc.Value
	// Received is when notify accepted it (Config.Now).
	Received time.Time
}

// CodeNotifyRefused is the faultCode notify answers a call with when its
// notify_pass is missing or wrong; the faultString starts with
// "PermissionError:".
const CodeNotifyRefused = 1

// notify is the notify method: check, queue, answer "OK" at once.
func (s *Satellite) notify(_ context.Context, params []rpc.Value) (rpc.Value, error) {
	st, err := rpc.StructParam(params)
	if err != nil {
		s.counts.refused.Add(1)
		return rpc.Value{}, err
	}
	if s.cfg.NotifyPass != "" {
		pass, _, _ := rpc.StringMember(st, "notify_pass", false)
		if subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.NotifyPass)) != 1 {
			s.counts.refused.Add(1)
			s.log.Warn("notify refused: notify_pass missing or wrong")
			return rpc.Value{}, rpc.Faultf(CodeNotifyRefused, "PermissionError: notify refused: notify_pass is missing or wrong")
		}
	}
	sender, _, err := rpc.StringMember(st, "host_id", false)
	if err != nil {
		s.counts.refused.Add(1)
		return rpc.Value{}, err
	}
	data, ok := st.Get("data")
	if !ok {
		// co2's older form, notify(data_dict): the struct is the data.
		data = withoutMember(st, "notify_pass")
	}
	now := s.cfg.Now()
	s.heard(now)
	select {
	case s.queue <- Notification{Sender: sender, Data: data, Received: now}:
		s.counts.received.Add(1)
	default:
		if n := s.counts.dropped.Add(1); n == 1 || n%1000 == 0 {
			s.log.Warn("notification dropped: handler queue full", "queue_size", s.cfg.QueueSize, "dropped", n)
		}
	}
	return rpc.String("OK"), nil
}

// work is the worker goroutine: it hands queued notifications to Handler,
// one at a time, until Close.
func (s *Satellite) work() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case n := <-s.queue:
			s.handle(n)
		}
	}
}

// handle calls Handler, turning a panic into a log line: one bad message
// must not stop the satellite.
func (s *Satellite) handle(n Notification) {
	defer func() {
		s.counts.handled.Add(1)
		if p := recover(); p != nil {
			s.log.Error("notification handler panicked", "sender", n.Sender, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	s.cfg.Handler(s.ctx, n)
}

// withoutMember returns the struct st less the member called name.
func withoutMember(st rpc.Value, name string) rpc.Value {
	ms := make([]rpc.Member, 0, len(st.Members))
	for _, m := range st.Members {
		if m.Name != name {
			ms = append(ms, m)
		}
	}
	return rpc.Struct(ms...)
}
