package relayd

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"relayd/internal/pytest"
	"relayd/rpc"
)

func seqData(sender string, seq int) rpc.Value {
	return rpc.Struct(member("from", rpc.String(sender)), member("seq", rpc.Int(int64(seq))))
}

func TestOrderPerSenderForEveryReceiver(t *testing.T) {
	const senders, receivers, perSender = 5, 5, 500
	// Outboxes big enough for everything: this test is about order, and an
	// overflow would drop (and count) messages instead.
	tr := startRelay(t, func(c *Config) { c.MaxSats = 20; c.Outbox = senders * perSender })
	var all, send []*fakeSat
	for i := 0; i < senders; i++ {
		s := startFakeSat(t, tr, fmt.Sprintf("sender%d", i), "", 0)
		send = append(send, s)
		all = append(all, s)
	}
	for i := 0; i < receivers; i++ {
		all = append(all, startFakeSat(t, tr, fmt.Sprintf("recv%d", i), "pw", 0))
	}
	var wg sync.WaitGroup
	for _, s := range send {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 0; seq < perSender; seq++ {
				for {
					f := relayAs(t, tr, s.HostID, seqData(s.HostID, seq))
					if f == nil {
						break
					}
					if !strings.Contains(f.String, "queue full") {
						t.Errorf("relay: %v", f)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, r := range all {
		want := (senders - 1) * perSender
		if !slices.Contains(send, r) {
			want = senders * perSender
		}
		// 22,500 notifications in all: allow a slow, loaded machine a minute.
		eventuallyWithin(t, time.Minute, r.HostID+" receives everything", func() bool { return r.count() >= want })
		next := map[string]int{}
		for _, n := range r.received() {
			if n.Sender == r.HostID {
				t.Fatalf("%s was notified of its own message", r.HostID)
			}
			seq, _ := n.Data.Get("seq")
			if int(seq.Int) != next[n.Sender] {
				t.Fatalf("%s got %s's message %d, want %d: order broken", r.HostID, n.Sender, seq.Int, next[n.Sender])
			}
			next[n.Sender]++
		}
		if r.count() != want {
			t.Fatalf("%s got %d notifications, want %d", r.HostID, r.count(), want)
		}
	}
	// The receiver's notify_pass travels with every notification to it.
	for _, n := range all[senders].received() {
		if !n.HasPas || n.Pass != "pw" {
			t.Fatalf("notification without the receiver's notify_pass: %+v", n)
		}
	}
	for _, n := range send[0].received() {
		if n.HasPas {
			t.Fatal("a satellite that gave no notify_pass must not get the key")
		}
	}
}

// latencies returns the delivery latency of every message seq to r, from
// sent[seq].
func latencies(r *fakeSat, sender string, sent map[int64]time.Time) []time.Duration {
	var out []time.Duration
	for _, n := range r.received() {
		if n.Sender != sender {
			continue
		}
		seq, _ := n.Data.Get("seq")
		out = append(out, n.At.Sub(sent[seq.Int]))
	}
	return out
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[int(float64(len(s)-1)*p)]
}

func TestHungAndSlowSatellitesDoNotDelayOthers(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.NotifyTimeout = 5 * time.Second; c.DrainTimeout = 100 * time.Millisecond })
	sender := startFakeSat(t, tr, "sender", "", 0)
	startHungSat(t, tr)
	slow := startFakeSat(t, tr, "slow", "", 2*time.Second)
	healthy := []*fakeSat{startFakeSat(t, tr, "h1", "", 0), startFakeSat(t, tr, "h2", "", 0), startFakeSat(t, tr, "h3", "", 0)}
	// 300 messages at 200/s: the question is whether the bad satellites
	// delay the good ones, not how fast a backlog drains.
	const n = 300
	sent := map[int64]time.Time{}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for seq := 0; seq < n; seq++ {
		<-tick.C
		sent[int64(seq)] = time.Now()
		if f := relayAs(t, tr, sender.HostID, seqData(sender.HostID, seq)); f != nil {
			t.Fatal(f)
		}
	}
	var all []time.Duration
	for _, h := range healthy {
		eventually(t, h.HostID+" receives all", func() bool { return h.count() == n })
		all = append(all, latencies(h, sender.HostID, sent)...)
	}
	p50, p99, max := percentile(all, 0.5), percentile(all, 0.99), percentile(all, 1)
	t.Logf("healthy receivers beside a hung and a 2 s satellite: %d deliveries, latency p50 %v p99 %v max %v; slow one got %d so far",
		len(all), p50, p99, max, slow.count())
	if p99 > 50*time.Millisecond {
		t.Errorf("p99 delivery latency %v, want under 50 ms", p99)
	}
}

func TestFloodingSenderDoesNotStarveAQuietOne(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.DrainTimeout = 100 * time.Millisecond })
	flooder := startFakeSat(t, tr, "flooder", "", 0)
	quiet := startFakeSat(t, tr, "quiet", "", 0)
	receivers := []*fakeSat{startFakeSat(t, tr, "r1", "", 0), startFakeSat(t, tr, "r2", "", 0)}

	stop := make(chan struct{})
	var floodWG sync.WaitGroup
	var flooded atomic.Int64
	for w := 0; w < 4; w++ {
		floodWG.Add(1)
		go func() {
			defer floodWG.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if f := relayAs(t, tr, flooder.HostID, rpc.String(strings.Repeat("x", 200))); f == nil {
					flooded.Add(1)
				}
			}
		}()
	}
	const quietN = 20
	sent := map[int64]time.Time{}
	tick := time.NewTicker(100 * time.Millisecond) // 10 messages/s
	for seq := 0; seq < quietN; seq++ {
		<-tick.C
		sent[int64(seq)] = time.Now()
		if f := relayAs(t, tr, quiet.HostID, seqData(quiet.HostID, seq)); f != nil {
			t.Fatalf("the quiet sender was refused: %v", f)
		}
	}
	tick.Stop()
	for _, r := range receivers {
		eventually(t, "every quiet message", func() bool { return len(latencies(r, quiet.HostID, sent)) == quietN })
	}
	close(stop)
	floodWG.Wait()
	var all []time.Duration
	for _, r := range receivers {
		all = append(all, latencies(r, quiet.HostID, sent)...)
	}
	max := percentile(all, 1)
	t.Logf("flood: %d relay.relay calls accepted (some refused as queue full); quiet sender's %d messages to %d receivers: p50 %v max %v",
		flooded.Load(), quietN, len(receivers), percentile(all, 0.5), max)
	if max > 200*time.Millisecond {
		t.Errorf("a quiet message took %v, want each within 200 ms", max)
	}
}

func TestQueueFullFaultsAndLosesNothingAccepted(t *testing.T) {
	tr := startRelay(t, func(c *Config) {
		c.Rate, c.Burst = 50, 1        // the dispatcher holds messages back...
		c.Intake, c.SenderQueue = 5, 5 // ...so the intake fills
	})
	sender := startFakeSat(t, tr, "sender", "", 0)
	recv := startFakeSat(t, tr, "recv", "", 0)
	var accepted []int64
	var fault *rpc.Fault
	for seq := 0; seq < 40; seq++ {
		f := relayAs(t, tr, sender.HostID, seqData(sender.HostID, seq))
		if f == nil {
			accepted = append(accepted, int64(seq))
			continue
		}
		fault = f
	}
	if fault == nil {
		t.Fatal("40 messages into an intake of 5 at 50/s: expected queue-full faults")
	}
	if fault.Code != 1 || !strings.HasPrefix(fault.String, "Co2RegistryError: relay queue full") {
		t.Fatalf("queue full fault: %d %q", fault.Code, fault.String)
	}
	eventually(t, "every accepted message", func() bool { return recv.count() == len(accepted) })
	var got []int64
	for _, n := range recv.received() {
		seq, _ := n.Data.Get("seq")
		got = append(got, seq.Int)
	}
	if !slices.Equal(got, accepted) {
		t.Fatalf("received %v, accepted %v", got, accepted)
	}
	props, f := tr.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(sender.HostID))))
	if f != nil {
		t.Fatal(f)
	}
	if sc, _ := props.Get("send_count"); sc.Int != int64(len(accepted)) {
		t.Fatalf("send_count %d, want %d (only accepted messages count)", sc.Int, len(accepted))
	}
	props, _ = tr.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(recv.HostID))))
	if rc, _ := props.Get("recv_count"); rc.Int != int64(len(accepted)) {
		t.Fatalf("recv_count %d, want %d", rc.Int, len(accepted))
	}
	if d, _ := props.Get("dropped"); d.Int != 0 {
		t.Fatalf("dropped %d, want 0", d.Int)
	}
}

func TestPythonSatellitesReceiveExactlyWhatPythonRelayed(t *testing.T) {
	tr := startRelay(t, nil)
	a := pytest.StartFile(t, "testdata/satellite.py", tr.URL, "alice", "pass-a")
	b := pytest.StartFile(t, "testdata/satellite.py", tr.URL, "bob", "pass-b")
	aID := strings.TrimPrefix(a.Line(t), "READY ")
	bID := strings.TrimPrefix(b.Line(t), "READY ")
	// alice relays (through a plain xmlrpc.client script, from her IP).
	sent := strings.TrimSpace(pytest.RunFile(t, "testdata/sender.py", tr.URL, aID))
	line := b.Line(t)
	got, ok := strings.CutPrefix(line, "NOTIFY ")
	if !ok {
		t.Fatalf("bob printed %q", line)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal([]byte(got), &env); err != nil {
		t.Fatal(err)
	}
	if string(env["host_id"]) != `"`+aID+`"` || string(env["notify_pass"]) != `"pass-b"` {
		t.Fatalf("envelope: host_id %s notify_pass %s", env["host_id"], env["notify_pass"])
	}
	if string(env["data"]) != sent {
		t.Fatalf("bob received\n%s\nalice relayed\n%s", env["data"], sent)
	}
	// And back: bob relays, alice receives, nobody hears their own.
	if f := relayAs(t, tr, bID, rpc.String("hi alice")); f != nil {
		t.Fatal(f)
	}
	if line := a.Line(t); !strings.Contains(line, `"data": "hi alice"`) || !strings.Contains(line, `"notify_pass": "pass-a"`) {
		t.Fatalf("alice printed %q", line)
	}
}

func TestShutdownDrainsOutboxes(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.DrainTimeout = 10 * time.Second })
	sender := startFakeSat(t, tr, "sender", "", 0)
	recv := startFakeSat(t, tr, "recv", "", 20*time.Millisecond)
	const n = 30
	for seq := 0; seq < n; seq++ {
		if f := relayAs(t, tr, sender.HostID, seqData(sender.HostID, seq)); f != nil {
			t.Fatal(f)
		}
	}
	tr.Stop(t) // Run returns only after the drain
	if got := recv.count(); got != n {
		t.Fatalf("after shutdown the receiver has %d of %d notifications", got, n)
	}
}
