package relayd

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"relayd/rpc"
)

// notification is one notify call a fake satellite received.
type notification struct {
	Sender string
	Data   rpc.Value
	Pass   string
	HasPas bool
	At     time.Time
}

// fakeSat is a Go satellite on 127.0.0.1:0 that records every notify.
type fakeSat struct {
	HostID string
	delay  time.Duration
	mu     sync.Mutex
	got    []notification
}

// startFakeSat serves notify and ping, registers with tr, and stops with
// the test. Each notify takes delay before it answers.
func startFakeSat(t *testing.T, tr *testRelay, nick, pass string, delay time.Duration) *fakeSat {
	t.Helper()
	fs := &fakeSat{delay: delay}
	s := rpc.NewServer(rpc.DefaultServerConfig())
	s.Register(rpc.Method{Names: []string{"notify"}, Handler: func(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
		st, err := rpc.StructParam(params)
		if err != nil {
			return rpc.Value{}, err
		}
		n := notification{At: time.Now()}
		n.Sender, _, _ = rpc.StringMember(st, "host_id", true)
		n.Data, _ = st.Get("data")
		n.Pass, n.HasPas, _ = rpc.StringMember(st, "notify_pass", false)
		if fs.delay > 0 {
			select {
			case <-time.After(fs.delay):
			case <-ctx.Done():
			}
		}
		fs.mu.Lock()
		fs.got = append(fs.got, n)
		fs.mu.Unlock()
		return rpc.String("OK"), nil
	}})
	s.Register(rpc.Method{Names: []string{"ping"}, Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
		return rpc.String("pong"), nil
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	fs.HostID = registerPort(t, tr, ln.Addr().(*net.TCPAddr).Port, nick, pass)
	return fs
}

// registerPort registers a satellite at port on the relay.
func registerPort(t *testing.T, tr *testRelay, port int, nick, pass string) string {
	t.Helper()
	ms := []rpc.Member{member("port", rpc.Int(int64(port)))}
	if nick != "" {
		ms = append(ms, member("nick", rpc.String(nick)))
	}
	if pass != "" {
		ms = append(ms, member("notify_pass", rpc.String(pass)))
	}
	id, f := tr.call(t, "relay.register", rpc.Struct(ms...))
	if f != nil {
		t.Fatal(f)
	}
	return id.Str
}

// startHungSat accepts connections and never answers; it registers with tr.
func startHungSat(t *testing.T, tr *testRelay) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-stop
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); close(stop); wg.Wait() })
	return registerPort(t, tr, ln.Addr().(*net.TCPAddr).Port, "hung", "")
}

func (fs *fakeSat) received() []notification {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]notification(nil), fs.got...)
}

func (fs *fakeSat) count() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.got)
}

// relayAs sends data as sender and returns the fault, if any.
func relayAs(t *testing.T, tr *testRelay, sender string, data rpc.Value) *rpc.Fault {
	t.Helper()
	_, f := tr.call(t, "relay.relay", rpc.Struct(member("host_id", rpc.String(sender)), member("data", data)))
	return f
}
