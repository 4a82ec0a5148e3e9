package limiter

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkSubmitFanout measures one message from one sender through the
// whole limiter to 20 targets with a Deliver that does nothing: one op is a
// Submit, its dispatch and 20 deliveries (Drain waits for the last ones).
func BenchmarkSubmitFanout(b *testing.B) { benchmarkFanout(b, 1) }

// BenchmarkSubmitFanoutBatched is BenchmarkSubmitFanout with every target
// taking batches of up to 32 messages per Deliver call.
func BenchmarkSubmitFanoutBatched(b *testing.B) { benchmarkFanout(b, 32) }

func benchmarkFanout(b *testing.B, batch int) {
	const targets = 20
	l := New(DefaultConfig(), func(context.Context, string, []Message) error { return nil })
	for i := range targets {
		id := fmt.Sprint("10.0.0.", i, ":7000")
		l.AddTarget(id)
		l.SetBatch(id, batch)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- l.Run(ctx) }()
	defer func() { cancel(); <-ran }()

	b.ReportAllocs()
	b.ResetTimer()
	m := Message{Sender: "sender", Payload: "data"}
	for range b.N {
		for {
			_, err := l.Submit(m)
			if err == nil {
				break
			}
			if !errors.Is(err, ErrQueueFull) {
				b.Fatal(err)
			}
			runtime.Gosched() // the intake is full: let the dispatcher catch up
		}
	}
	if err := l.Drain(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	tot := l.Totals()
	b.ReportMetric(float64(tot.Dropped)/float64(b.N), "drops/op")
	if tot.Delivered+tot.Dropped != targets*uint64(b.N) {
		b.Errorf("%d delivered + %d dropped, want %d", tot.Delivered, tot.Dropped, targets*b.N)
	}
}
