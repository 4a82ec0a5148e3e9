package relayd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"relayd/internal/pytest"
	"relayd/limiter"
	"relayd/rpc"
)

// Batching as satellites see it: one that lists system.multicall gets
// notifications in it, in order, each fault counted for its own message;
// one that does not never gets a system.multicall.

// batchSat is a satellite under test: it holds every notify until release,
// faults the ones whose seq ends in 3, and reports what it saw.
type batchSat interface {
	hostID() string
	release(t *testing.T)
	// report returns the seqs notified, in the order notify ran, and how
	// many HTTP requests came per method name (system.multicall counts
	// once, not per call inside it).
	report(t *testing.T) (seqs []int64, requests map[string]int64, passes []string)
}

// faulty says whether a satellite under test faults notification seq.
func faulty(seq int64) bool { return seq%10 == 3 }

// goBatchSat is a satellite on the rpc package, which serves
// system.multicall and the introspection methods by itself.
type goBatchSat struct {
	id          string
	gate        chan struct{}
	gateOnce    sync.Once
	noMulticall atomic.Bool // answer system.listMethods without system.multicall

	mu       sync.Mutex
	seqs     []int64
	passes   []string
	requests map[string]int64
}

func startGoBatchSat(t *testing.T, tr *testRelay) *goBatchSat {
	t.Helper()
	s := &goBatchSat{gate: make(chan struct{}), requests: map[string]int64{}}
	srv := rpc.NewServer(rpc.DefaultServerConfig())
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(srv.Register(rpc.Method{Names: []string{"notify"}, Handler: func(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return rpc.Value{}, ctx.Err()
		}
		st, err := rpc.StructParam(params)
		if err != nil {
			return rpc.Value{}, err
		}
		data, _ := st.Get("data")
		seq, _, _ := rpc.IntMember(data, "seq", true)
		pass, _, _ := rpc.StringMember(st, "notify_pass", false)
		s.mu.Lock()
		s.seqs = append(s.seqs, seq)
		s.passes = append(s.passes, pass)
		s.mu.Unlock()
		if faulty(seq) {
			return rpc.Value{}, rpc.Faultf(1, "notification %d refused", seq)
		}
		return rpc.String("OK"), nil
	}}))
	must(srv.Register(rpc.Method{Names: []string{"ping"}, Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
		return rpc.String("pong"), nil
	}}))
	counting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		call, err := rpc.DecodeCall(body, rpc.DefaultLimits())
		if err == nil {
			s.mu.Lock()
			s.requests[call.Method]++
			s.mu.Unlock()
		}
		if err == nil && call.Method == "system.listMethods" && s.noMulticall.Load() {
			out, _ := rpc.AppendResponse(nil, rpc.Strings([]string{"notify", "ping", "system.listMethods"}))
			w.Write(out)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		srv.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	hs := &http.Server{Handler: counting}
	go hs.Serve(ln)
	t.Cleanup(func() { s.release(t); hs.Close() })
	s.id = registerPort(t, tr, ln.Addr().(*net.TCPAddr).Port, "go-batch", "pw")
	return s
}

func (s *goBatchSat) hostID() string { return s.id }

func (s *goBatchSat) release(*testing.T) { s.gateOnce.Do(func() { close(s.gate) }) }

func (s *goBatchSat) report(*testing.T) ([]int64, map[string]int64, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	requests := make(map[string]int64, len(s.requests))
	for k, v := range s.requests {
		requests[k] = v
	}
	return slices.Clone(s.seqs), requests, slices.Clone(s.passes)
}

// pythonBatchSat is SimpleXMLRPCServer (threaded, so that release can come
// while a notify waits). MODE "multicall" registers the introspection and
// multicall functions, "introspection" only the first, "plain" neither
// (as co2's satellites and testdata/satellite.py run).
const pythonBatchSat = `
import socketserver, sys, threading, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler

relay_url, nick, notify_pass, mode = sys.argv[1:5]
lock = threading.Lock()
gate = threading.Event()
seqs, passes, requests = [], [], {}

class Quiet(SimpleXMLRPCRequestHandler):
    def log_message(self, *a): pass

class Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    def _marshaled_dispatch(self, data, dispatch_method=None, path=None):
        try:
            method = xmlrpc.client.loads(data)[1]
        except Exception:
            method = "?"
        if method not in ("report", "release"):
            with lock:
                requests[method] = requests.get(method, 0) + 1
        return super()._marshaled_dispatch(data, dispatch_method, path)

def notify(p):
    gate.wait(60)
    seq = p["data"]["seq"]
    with lock:
        seqs.append(seq)
        passes.append(p.get("notify_pass", ""))
    if seq % 10 == 3:
        raise xmlrpc.client.Fault(1, "notification %d refused" % seq)
    return "OK"

def release():
    gate.set()
    return "OK"

def report():
    with lock:
        return {"seqs": list(seqs), "requests": dict(requests), "passes": list(passes)}

server = Server(("127.0.0.1", 0), requestHandler=Quiet, allow_none=True, logRequests=False)
server.register_function(notify, "notify")
server.register_function(lambda *a: "pong", "ping")
server.register_function(release, "release")
server.register_function(report, "report")
if mode in ("multicall", "introspection"):
    server.register_introspection_functions()
if mode == "multicall":
    server.register_multicall_functions()
reg = {"port": server.server_address[1], "nick": nick, "notify_pass": notify_pass}
print("READY " + xmlrpc.client.ServerProxy(relay_url).relay.register(reg), flush=True)
server.serve_forever()
`

type pythonSat struct{ id string }

func startPythonBatchSat(t *testing.T, tr *testRelay, mode string) *pythonSat {
	t.Helper()
	p := pytest.Start(t, pythonBatchSat, tr.URL, "py-"+mode, "pw", mode)
	line := p.Line(t)
	id, ok := strings.CutPrefix(line, "READY ")
	if !ok {
		t.Fatalf("the python satellite printed %q", line)
	}
	return &pythonSat{id: id}
}

func (p *pythonSat) hostID() string { return p.id }

func (p *pythonSat) call(t *testing.T, method string) rpc.Value {
	t.Helper()
	v, err := testClient.Call(context.Background(), satelliteURL(p.id), method)
	if err != nil {
		t.Fatalf("python satellite %s: %v", method, err)
	}
	return v
}

func (p *pythonSat) release(t *testing.T) { p.call(t, "release") }

func (p *pythonSat) report(t *testing.T) ([]int64, map[string]int64, []string) {
	v := p.call(t, "report")
	seqsV, _ := v.Get("seqs")
	reqV, _ := v.Get("requests")
	passV, _ := v.Get("passes")
	var seqs []int64
	for _, s := range seqsV.Array {
		seqs = append(seqs, s.Int)
	}
	requests := map[string]int64{}
	for _, m := range reqV.Members {
		requests[m.Name] = m.Value.Int
	}
	var passes []string
	for _, s := range passV.Array {
		passes = append(passes, s.Str)
	}
	return seqs, requests, passes
}

// satProp reads one int member of a satellite's props.
func satProp(t *testing.T, tr *testRelay, hostID, name string) int64 {
	t.Helper()
	props, f := tr.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(hostID))))
	if f != nil {
		t.Fatal(f)
	}
	v, ok := props.Get(name)
	if !ok || v.Kind != rpc.KindInt {
		t.Fatalf("props of %s have no int %q: %v", hostID, name, props)
	}
	return v.Int
}

func TestBatching(t *testing.T) {
	tests := []struct {
		name      string
		batch     int // Config.Batch
		start     func(t *testing.T, tr *testRelay) batchSat
		asked     bool // the relay asks it for system.listMethods
		wantBatch int64
	}{
		{"go satellite with multicall", 32, func(t *testing.T, tr *testRelay) batchSat { return startGoBatchSat(t, tr) }, true, 32},
		{"go satellite, batching off", 1, func(t *testing.T, tr *testRelay) batchSat { return startGoBatchSat(t, tr) }, false, 1},
		{"python satellite with multicall", 32, func(t *testing.T, tr *testRelay) batchSat { return startPythonBatchSat(t, tr, "multicall") }, true, 32},
		{"python satellite without multicall", 32, func(t *testing.T, tr *testRelay) batchSat { return startPythonBatchSat(t, tr, "introspection") }, true, 1},
		{"python satellite without introspection", 32, func(t *testing.T, tr *testRelay) batchSat { return startPythonBatchSat(t, tr, "plain") }, true, 1},
	}
	const n = 60
	wantFaults := int64(0)
	for seq := range int64(n) {
		if faulty(seq) {
			wantFaults++
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := startRelay(t, func(c *Config) { c.Batch = tt.batch })
			sender := startFakeSat(t, tr, "sender", "", 0)
			sat := tt.start(t, tr)
			if tt.asked {
				eventually(t, "the relay asks for system.listMethods", func() bool {
					_, requests, _ := sat.report(t)
					return requests["system.listMethods"] == 1
				})
			}
			eventually(t, fmt.Sprintf("batch %d", tt.wantBatch), func() bool { return satProp(t, tr, sat.hostID(), "batch") == tt.wantBatch })

			// The satellite holds the first notification, so the rest queue
			// up and go in batches once it lets go.
			for seq := range n {
				if f := relayAs(t, tr, sender.HostID, seqData(sender.HostID, seq)); f != nil {
					t.Fatal(f)
				}
			}
			eventually(t, "every message fanned out", func() bool { return tr.lim.Totals().IntakeDepth == 0 })
			sat.release(t)
			eventually(t, "every notification", func() bool {
				seqs, _, _ := sat.report(t)
				return len(seqs) == n
			})
			seqs, requests, passes := sat.report(t)
			for i, seq := range seqs {
				if seq != int64(i) {
					t.Fatalf("notified in the order %v: want 0 to %d in order", seqs, n-1)
				}
			}
			for _, p := range passes {
				if p != "pw" {
					t.Fatalf("a notification carried notify_pass %q, want pw", p)
				}
			}
			t.Logf("%d notifications in %v", n, requests)
			multicalls := requests["system.multicall"]
			if !tt.asked && requests["system.listMethods"] != 0 {
				t.Errorf("requests %v: asked for system.listMethods with batching off", requests)
			}
			switch {
			case tt.wantBatch == 1 && (multicalls != 0 || requests["notify"] != n):
				t.Errorf("requests %v: want %d notify and no system.multicall", requests, n)
			case tt.wantBatch > 1 && (multicalls == 0 || multicalls+requests["notify"] >= n):
				t.Errorf("requests %v: want fewer than %d, system.multicall among them", requests, n)
			}
			eventually(t, "the outcomes counted", func() bool {
				return satProp(t, tr, sat.hostID(), "recv_count")+satProp(t, tr, sat.hostID(), "notify_fails") == n
			})
			if got := satProp(t, tr, sat.hostID(), "notify_fails"); got != wantFaults {
				t.Errorf("notify_fails %d, want %d (one per faulted notification)", got, wantFaults)
			}
			if got := satProp(t, tr, sat.hostID(), "dropped"); got != 0 {
				t.Errorf("dropped %d, want 0", got)
			}
			if s, _ := tr.lim.Stats(sat.hostID()); s.State != limiter.StateUp {
				t.Errorf("state %v after scattered faults, want up", s.State)
			}
		})
	}
}

// A registration again asks again: until the answer, notifications go one
// by one, and the new answer counts.
func TestReRegistrationAsksAgain(t *testing.T) {
	tr := startRelay(t, nil)
	sat := startGoBatchSat(t, tr)
	eventually(t, "batch 32", func() bool { return satProp(t, tr, sat.id, "batch") == 32 })

	sat.noMulticall.Store(true) // the program on that port changed
	port := sat.id[strings.LastIndex(sat.id, ":")+1:]
	var portN int
	fmt.Sscan(port, &portN)
	if again := registerPort(t, tr, portN, "go-batch", "pw"); again != sat.id {
		t.Fatalf("registered again as %s, want %s", again, sat.id)
	}
	const answered = "asked a satellite about system.multicall"
	eventually(t, "the second answer", func() bool { return strings.Count(tr.Logs.String(), answered) == 2 })
	if _, requests, _ := sat.report(t); requests["system.listMethods"] != 2 {
		t.Errorf("requests %v, want 2 system.listMethods", requests)
	}
	if got := satProp(t, tr, sat.id, "batch"); got != 1 {
		t.Errorf("batch %d after the second answer, want 1", got)
	}
}

// The prober forgets what it asked and ignores an answer overtaken by a
// newer registration.
func TestBatchProberIgnoresAnOlderAnswer(t *testing.T) {
	type question struct {
		target string
		answer chan bool
	}
	asked := make(chan question)
	var mu sync.Mutex
	batches := map[string][]int{}
	p := &batchProber{
		batch: 32,
		multicall: func(ctx context.Context, target string) (bool, error) {
			q := question{target, make(chan bool)}
			asked <- q
			select {
			case lists := <-q.answer:
				return lists, nil
			case <-ctx.Done():
				return false, ctx.Err()
			}
		},
		setBatch: func(target string, n int) {
			mu.Lock()
			batches[target] = append(batches[target], n)
			mu.Unlock()
		},
		ids:    func() []string { return nil },
		log:    slog.New(slog.DiscardHandler),
		wake:   make(chan struct{}, 1),
		queued: map[string]bool{},
		asked:  map[string]uint64{},
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- p.Run(ctx) }()
	defer func() { cancel(); <-ran }()

	p.Probe("sat")
	first := <-asked
	p.Probe("sat") // registered again while the first question is out
	second := <-asked
	if first.target != "sat" || second.target != "sat" {
		t.Fatalf("asked %s and %s", first.target, second.target)
	}
	first.answer <- true   // overtaken: ignored
	second.answer <- false // counts
	eventually(t, "the second answer applied", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(batches["sat"]) >= 3
	})
	mu.Lock()
	got := slices.Clone(batches["sat"])
	mu.Unlock()
	if !slices.Equal(got, []int{1, 1, 1}) {
		t.Errorf("batch sizes set %v, want [1 1 1]: none from the overtaken answer", got)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.asked) != 0 || len(p.queue) != 0 || len(p.queued) != 0 {
		t.Errorf("the prober remembers %v %v %v after every answer", p.asked, p.queue, p.queued)
	}
}

// A batch whose notifications do not fit in one system.multicall body goes
// in several, in order.
func TestLargeBatchIsSplit(t *testing.T) {
	tr := startRelay(t, nil)
	sender := startFakeSat(t, tr, "sender", "", 0)
	sat := startGoBatchSat(t, tr)
	eventually(t, "batch 32", func() bool { return satProp(t, tr, sat.id, "batch") == 32 })
	const n = 20
	big := strings.Repeat("x", 40<<10) // 20 of them are 800 KiB: four calls at least
	for seq := range n {
		data := rpc.Struct(member("seq", rpc.Int(int64(seq))), member("text", rpc.String(big)))
		if f := relayAs(t, tr, sender.HostID, data); f != nil {
			t.Fatal(f)
		}
	}
	eventually(t, "every message fanned out", func() bool { return tr.lim.Totals().IntakeDepth == 0 })
	sat.release(t)
	eventually(t, "every notification", func() bool {
		seqs, _, _ := sat.report(t)
		return len(seqs) == n
	})
	seqs, requests, _ := sat.report(t)
	for i, seq := range seqs {
		if seq != int64(i) {
			t.Fatalf("notified in the order %v", seqs)
		}
	}
	if calls := requests["system.multicall"] + requests["notify"]; calls < n*(40<<10)/maxMulticallBytes {
		t.Errorf("requests %v: %d KiB in fewer calls than a %d KiB cap allows", requests, n*40, maxMulticallBytes>>10)
	}
}

// BenchmarkDeliveries measures notifications delivered per second by a real
// relay to 8 satellites on the rpc package (in this process, on the
// loopback), one by one and in batches. Messages enter through the limiter,
// so the HTTP intake does not cap the rate.
func BenchmarkDeliveries(b *testing.B) {
	for _, batch := range []int{1, 32} {
		b.Run(fmt.Sprint("batch=", batch), func(b *testing.B) {
			const receivers = 8
			cfg := DefaultConfig()
			cfg.StatePath = ""
			cfg.Batch = batch
			cfg.Outbox = 100000
			cfg.Intake, cfg.SenderQueue = 100000, 100000
			r, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- r.Run(ctx, ln) }()
			defer func() { cancel(); <-done }()
			url := "http://" + ln.Addr().String() + "/"

			var ids []string
			for range receivers {
				srv := rpc.NewServer(rpc.DefaultServerConfig())
				srv.Register(rpc.Method{Names: []string{"notify"}, Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
					return rpc.String("OK"), nil
				}})
				srv.Register(rpc.Method{Names: []string{"ping"}, Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
					return rpc.String("pong"), nil
				}})
				sln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					b.Fatal(err)
				}
				hs := &http.Server{Handler: srv}
				go hs.Serve(sln)
				defer hs.Close()
				id, err := testClient.Call(context.Background(), url, "relay.register", rpc.Struct(member("port", rpc.Int(int64(sln.Addr().(*net.TCPAddr).Port)))))
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, id.Str)
			}
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			timeout := time.After(10 * time.Second)
			for _, id := range ids {
				for s, _ := r.lim.Stats(id); s.Batch != batch; s, _ = r.lim.Stats(id) {
					select {
					case <-tick.C:
					case <-timeout:
						b.Fatalf("%s: batch %d, want %d", id, s.Batch, batch)
					}
				}
			}
			data := seqData("bench", 0)
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				for {
					_, err := r.lim.Submit(limiter.Message{Sender: "192.0.2.1:1", Payload: data})
					if err == nil {
						break
					}
					if !errors.Is(err, limiter.ErrQueueFull) {
						b.Fatal(err)
					}
					runtime.Gosched()
				}
			}
			if err := r.lim.Drain(context.Background()); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			tot := r.lim.Totals()
			if tot.Delivered != receivers*uint64(b.N) {
				b.Fatalf("%+v, want %d delivered", tot, receivers*b.N)
			}
			b.ReportMetric(float64(tot.Delivered)/elapsed.Seconds(), "deliveries/s")
		})
	}
}
