package satellite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"relayd/rpc"
)

// Register registers the satellite with the relay and returns its
// host_id. It retries with exponential backoff (Config.RegisterBackoff up
// to RegisterMaxBackoff) after a transport error or a co2 fault (such as a
// relay that is full), until it succeeds, ctx ends, or the satellite is
// closed. A protocol fault (-32xxx, e.g. a bad port) is returned at once,
// as retrying cannot mend it. Registering again while registered is
// allowed: the relay keeps the host_id and takes the new details.
func (s *Satellite) Register(ctx context.Context) (string, error) {
	ctx, stop := s.bound(ctx)
	defer stop()
	b := backoff{min: s.cfg.RegisterBackoff, max: s.cfg.RegisterMaxBackoff}
	for attempt := 1; ; attempt++ {
		id, err := s.registerOnce(ctx)
		if err == nil {
			return id, nil
		}
		if s.closed.Load() {
			return "", fmt.Errorf("register: %w", ErrClosed)
		}
		if !retryable(err) {
			return "", fmt.Errorf("register with %s: %w", s.cfg.Relay, err)
		}
		wait := b.next()
		s.log.Warn("registration failed; retrying", "relay", s.cfg.Relay, "attempt", attempt, "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if s.closed.Load() {
				return "", fmt.Errorf("register: %w", ErrClosed)
			}
			return "", fmt.Errorf("register with %s: gave up after %d attempts: %w (last error: %v)", s.cfg.Relay, attempt, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// bound returns ctx ended also by Close.
func (s *Satellite) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// registerOnce makes one relay.register call and, on success, makes its
// host_id the satellite's.
func (s *Satellite) registerOnce(ctx context.Context) (string, error) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	return s.registerLocked(ctx)
}

// registerLocked is registerOnce for a caller that holds regMu.
func (s *Satellite) registerLocked(ctx context.Context) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	members := []rpc.Member{{Name: "port", Value: rpc.Int(int64(s.port))}}
	if s.cfg.Nick != "" {
		members = append(members, rpc.Member{Name: "nick", Value: rpc.String(s.cfg.Nick)})
	}
	members = append(members, rpc.Member{Name: "plugins", Value: rpc.Strings(s.plugins())})
	if s.cfg.NotifyPass != "" {
		members = append(members, rpc.Member{Name: "notify_pass", Value: rpc.String(s.cfg.NotifyPass)})
	}
	v, err := s.client.Call(ctx, s.cfg.Relay, "relay.register", rpc.Struct(members...))
	if err != nil {
		return "", err
	}
	if v.Kind != rpc.KindString || v.Str == "" {
		return "", fmt.Errorf("relay.register answered a %s, not a host_id string", v.Kind)
	}
	s.mu.Lock()
	s.hostID = v.Str
	s.generation++
	s.lastHeard = s.cfg.Now()
	s.mu.Unlock()
	s.counts.registrations.Add(1)
	s.log.Info("registered", "relay", s.cfg.Relay, "host_id", v.Str, "nick", s.cfg.Nick)
	return v.Str, nil
}

// reregister registers again because the relay has forgotten the
// registration of generation gen, then tells OnReregister. It does nothing
// when the registration has changed since gen (another goroutine noticed
// first and registered, or the satellite deregistered).
func (s *Satellite) reregister(ctx context.Context, gen uint64, why string) error {
	s.regMu.Lock()
	if _, now, _ := s.registration(); now != gen {
		s.regMu.Unlock()
		return nil
	}
	s.log.Warn("the relay has forgotten this satellite; registering again", "why", why)
	id, err := s.registerLocked(ctx)
	s.regMu.Unlock()
	if err != nil {
		return err
	}
	s.counts.reregistrations.Add(1)
	if s.cfg.OnReregister != nil {
		s.cfg.OnReregister(id)
	}
	return nil
}

// Deregister revokes the registration. A relay that no longer knows the
// satellite (KeyError) counts as done. Close calls it.
func (s *Satellite) Deregister(ctx context.Context) error {
	ctx, stop := s.bound(ctx)
	defer stop()
	return s.deregister(ctx)
}

func (s *Satellite) deregister(ctx context.Context) error {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	id, _, _ := s.registration()
	if id == "" {
		return ErrNotRegistered
	}
	_, err := s.client.Call(ctx, s.cfg.Relay, "relay.deregister", rpc.Struct(rpc.Member{Name: "host_id", Value: rpc.String(id)}))
	if err != nil && !isKeyError(err) {
		return fmt.Errorf("deregister %s: %w", id, err)
	}
	s.mu.Lock()
	s.hostID = ""
	s.generation++
	s.mu.Unlock()
	s.log.Info("deregistered", "relay", s.cfg.Relay, "host_id", id)
	return nil
}

// plugins is Config.Plugins, never nil (an empty array on the wire).
func (s *Satellite) plugins() []string {
	if s.cfg.Plugins == nil {
		return []string{}
	}
	return s.cfg.Plugins
}

// retryable reports whether a failed registration may succeed if tried
// again: a transport error or a co2 fault (code 1, e.g. the relay is full)
// may; a protocol fault (-32xxx) will not.
func retryable(err error) bool {
	var f *rpc.Fault
	if errors.As(err, &f) {
		return f.Code > 0
	}
	return !errors.Is(err, ErrClosed)
}

// isNotRegistered reports whether err is the relay's fault for a host_id
// it does not know (Co2RegistryError or KeyError, "not registered").
func isNotRegistered(err error) bool {
	var f *rpc.Fault
	return errors.As(err, &f) && f.Code == 1 && strings.Contains(f.String, "not registered")
}

// isKeyError reports whether err is the relay's KeyError fault.
func isKeyError(err error) bool {
	var f *rpc.Fault
	return errors.As(err, &f) && f.Code == 1 && strings.HasPrefix(f.String, "KeyError")
}

// isQueueFull reports whether err is the relay's "queue full" fault.
func isQueueFull(err error) bool {
	var f *rpc.Fault
	return errors.As(err, &f) && f.Code == 1 && strings.Contains(f.String, "queue full")
}
