package satellite

import (
	"context"
	"errors"
	"sync"
	"testing"

	"relayd/rpc"
)

func member(name string, v rpc.Value) rpc.Member { return rpc.Member{Name: name, Value: v} }

func TestNotifyChecksNotifyPass(t *testing.T) {
	notifyFrom := func(pass *string) rpc.Value {
		ms := []rpc.Member{member("host_id", rpc.String("127.0.0.1:9")), member("data", rpc.String("hi"))}
		if pass != nil {
			ms = append(ms, member("notify_pass", rpc.String(*pass)))
		}
		return rpc.Struct(ms...)
	}
	right, wrong, prefix, empty := "s3cret", "s3cres", "s3cre", ""
	for _, c := range []struct {
		name       string
		configured string
		sent       *string
		accepted   bool
	}{
		{"right pass", "s3cret", &right, true},
		{"wrong pass", "s3cret", &wrong, false},
		{"prefix of the pass", "s3cret", &prefix, false},
		{"empty pass", "s3cret", &empty, false},
		{"no pass sent", "s3cret", nil, false},
		{"no pass configured, none sent", "", nil, true},
		{"no pass configured, one sent", "", &right, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newTestSatellite(t, "http://127.0.0.1:1/", func(cfg *Config) { cfg.NotifyPass = c.configured })
			v, err := call(t, s, "notify", notifyFrom(c.sent))
			st := s.Stats()
			if c.accepted {
				if err != nil || v.Str != "OK" {
					t.Fatalf("notify = %v, %v; want OK", v, err)
				}
				if st.Received != 1 || st.Refused != 0 {
					t.Fatalf("stats %+v: want 1 received, 0 refused", st)
				}
				return
			}
			var f *rpc.Fault
			if !errors.As(err, &f) || f.Code != CodeNotifyRefused || f.String != "PermissionError: notify refused: notify_pass is missing or wrong" {
				t.Fatalf("notify = %v, %v; want the PermissionError fault", v, err)
			}
			if st.Received != 0 || st.Refused != 1 {
				t.Fatalf("stats %+v: want 0 received, 1 refused", st)
			}
		})
	}
}

func TestNotifyHandsTheNotificationToTheHandler(t *testing.T) {
	got := make(chan Notification, 2)
	s := newTestSatellite(t, "http://127.0.0.1:1/", func(cfg *Config) {
		cfg.Handler = func(_ context.Context, n Notification) { got <- n }
	})
	data := rpc.Struct(member("text", rpc.String("hello")), member("n", rpc.Int(7)))
	if _, err := call(t, s, "notify", rpc.Struct(member("host_id", rpc.String("127.0.0.1:4000")), member("data", data))); err != nil {
		t.Fatal(err)
	}
	// co2's older form: no data member, the struct itself is the data.
	if _, err := call(t, s, "notify", rpc.Struct(member("host_id", rpc.String("127.0.0.1:4001")), member("text", rpc.String("old")))); err != nil {
		t.Fatal(err)
	}
	first, second := <-got, <-got
	if first.Sender != "127.0.0.1:4000" || !first.Data.Equal(data) || first.Received.IsZero() {
		t.Fatalf("first notification %+v", first)
	}
	want := rpc.Struct(member("host_id", rpc.String("127.0.0.1:4001")), member("text", rpc.String("old")))
	if second.Sender != "127.0.0.1:4001" || !second.Data.Equal(want) {
		t.Fatalf("second notification %+v", second)
	}
}

func TestNotifyRefusesMalformedParams(t *testing.T) {
	s := newTestSatellite(t, "http://127.0.0.1:1/", nil)
	for _, params := range [][]rpc.Value{
		{rpc.String("not a struct")},
		{rpc.Struct(), rpc.Struct()},
		{rpc.Struct(member("host_id", rpc.Int(5)), member("data", rpc.String("x")))},
	} {
		_, err := call(t, s, "notify", params...)
		var f *rpc.Fault
		if !errors.As(err, &f) || f.Code != rpc.CodeInvalidParams {
			t.Errorf("notify(%v) = %v; want a -32602 fault", params, err)
		}
	}
	if st := s.Stats(); st.Refused != 3 || st.Received != 0 {
		t.Fatalf("stats %+v: want 3 refused", st)
	}
}

// A handler that blocks must not hold notify up: notify still answers at
// once, the queue fills, and what does not fit is dropped and counted.
func TestSlowHandlerFillsTheQueueAndDropsAreCounted(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	var handled []int64
	s := newTestSatellite(t, "http://127.0.0.1:1/", func(cfg *Config) {
		cfg.QueueSize = 2
		cfg.Handler = func(ctx context.Context, n Notification) {
			if n.Data.Int == 1 {
				close(entered)
				select {
				case <-release:
				case <-ctx.Done():
				}
			}
			mu.Lock()
			handled = append(handled, n.Data.Int)
			mu.Unlock()
		}
	})
	send := func(i int64) {
		t.Helper()
		v, err := call(t, s, "notify", rpc.Struct(member("host_id", rpc.String("127.0.0.1:9")), member("data", rpc.Int(i))))
		if err != nil || v.Str != "OK" {
			t.Fatalf("notify %d = %v, %v", i, v, err)
		}
	}
	send(1)
	<-entered // the worker holds 1; the queue is empty and takes two more
	for i := int64(2); i <= 5; i++ {
		send(i)
	}
	st := s.Stats()
	if st.Received != 3 || st.Dropped != 2 || st.QueueDepth != 2 {
		t.Fatalf("stats %+v: want 3 received, 2 dropped, 2 queued", st)
	}
	close(release)
	eventually(t, "the queued notifications to be handled", func() bool { return s.Stats().Handled == 3 })
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 3 || handled[0] != 1 || handled[1] != 2 || handled[2] != 3 {
		t.Fatalf("handled %v, want [1 2 3] (arrival order, 4 and 5 dropped)", handled)
	}
}

func TestHandlerPanicDoesNotStopTheWorker(t *testing.T) {
	got := make(chan int64, 1)
	s := newTestSatellite(t, "http://127.0.0.1:1/", func(cfg *Config) {
		cfg.Handler = func(_ context.Context, n Notification) {
			if n.Data.Int == 1 {
				panic("bad message")
			}
			got <- n.Data.Int
		}
	})
	for i := int64(1); i <= 2; i++ {
		if _, err := call(t, s, "notify", rpc.Struct(member("host_id", rpc.String("x")), member("data", rpc.Int(i)))); err != nil {
			t.Fatal(err)
		}
	}
	if n := <-got; n != 2 {
		t.Fatalf("handled %d, want 2", n)
	}
	eventually(t, "both to count as handled", func() bool { return s.Stats().Handled == 2 })
}

func TestCloseCancelsTheHandlerContext(t *testing.T) {
	entered := make(chan struct{})
	s, err := New(Config{Relay: "http://127.0.0.1:1/", Handler: func(ctx context.Context, _ Notification) {
		close(entered)
		<-ctx.Done()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, s, "notify", rpc.Struct(member("data", rpc.Int(1)))); err != nil {
		t.Fatal(err)
	}
	<-entered
	if err := s.Close(); err != nil {
		t.Fatalf("Close of an unregistered satellite: %v", err)
	}
	if err := s.Relay(context.Background(), rpc.Int(1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Relay after Close = %v, want ErrClosed", err)
	}
	if _, err := s.Register(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Register after Close = %v, want ErrClosed", err)
	}
}
