package limiter

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDrainWaitsForEveryDelivery(t *testing.T) {
	gate := make(chan struct{})
	rec := newRecorder()
	l := start(t, DefaultConfig(), func(ctx context.Context, target string, m Message) error {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
		return rec.deliver(ctx, target, m)
	})
	l.AddTarget("a")
	l.AddTarget("b")
	for i := range 10 {
		mustSubmit(t, l, "s", i)
	}

	drained := make(chan error, 1)
	go func() { drained <- l.Drain(context.Background()) }()
	eventually(t, "Submit refused once Drain began", func() bool {
		_, err := l.Submit(Message{Sender: "late"})
		return errors.Is(err, ErrClosed)
	})
	select {
	case err := <-drained:
		t.Fatalf("Drain returned %v with every delivery pending", err)
	default:
	}

	close(gate)
	if err := receive(t, "Drain", drained); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	tot := l.Totals()
	if tot.Delivered != 2*tot.Accepted || tot.IntakeDepth != 0 {
		t.Errorf("after Drain: %+v, want every accepted message delivered to both", tot)
	}
	for _, id := range []string{"a", "b"} {
		if s := mustStats(t, l, id); s.QueueDepth != 0 || s.Delivered != tot.Accepted {
			t.Errorf("%s after Drain: %+v", id, s)
		}
	}
}

func TestDrainGivesUp(t *testing.T) {
	stuck := func(ctx context.Context, _ string, _ Message) error {
		<-ctx.Done()
		return ctx.Err()
	}
	tests := []struct {
		name    string
		drain   func(l *Limiter, stopRun func()) error
		wantErr error
	}{
		{"at the deadline", func(l *Limiter, _ func()) error {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			return l.Drain(ctx)
		}, context.DeadlineExceeded},
		{"when Run returns", func(l *Limiter, stopRun func()) error {
			stopRun()
			return l.Drain(context.Background())
		}, ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.DeliverTimeout = time.Hour
			l := New(cfg, OneByOne(stuck))
			l.AddTarget("t")
			mustSubmit(t, l, "s", nil)
			mustSubmit(t, l, "s", nil)
			ctx, cancel := context.WithCancel(context.Background())
			ran := make(chan error, 1)
			go func() { ran <- l.Run(ctx) }()
			stopRun := func() { cancel(); <-ran }
			defer func() { cancel(); <-l.done }()

			eventually(t, "both dispatched", func() bool { return l.Totals().Dispatched == 2 })
			if err := tt.drain(l, stopRun); !errors.Is(err, tt.wantErr) {
				t.Errorf("Drain = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
