package satellite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"relayd/internal/pytest"
	"relayd/rpc"
	"relayd/satellite"
)

// normalized drops what the wire does not keep of a value (the original
// text of a dateTime), so that sent and received values compare.
func normalized(v rpc.Value) rpc.Value {
	v.TimeRaw = ""
	if v.Array != nil {
		arr := make([]rpc.Value, len(v.Array))
		for i, e := range v.Array {
			arr[i] = normalized(e)
		}
		v.Array = arr
	}
	if v.Members != nil {
		ms := make([]rpc.Member, len(v.Members))
		for i, m := range v.Members {
			ms[i] = rpc.Member{Name: m.Name, Value: normalized(m.Value)}
		}
		v.Members = ms
	}
	return v
}

// received is one notification as the test compares them.
type received struct {
	sender string
	data   rpc.Value
}

func fromGo(ns []satellite.Notification) []received {
	out := make([]received, len(ns))
	for i, n := range ns {
		out[i] = received{n.Sender, normalized(n.Data)}
	}
	return out
}

// pythonReceived asks the Python satellite at url what it was notified of.
func pythonReceived(t *testing.T, url string) []received {
	t.Helper()
	v, err := relayClient.Call(t.Context(), url, "received")
	if err != nil {
		t.Fatalf("the Python satellite's received(): %v", err)
	}
	out := make([]received, len(v.Array))
	for i, e := range v.Array {
		sender, _ := e.Get("host_id")
		data, _ := e.Get("data")
		out[i] = received{sender.Str, normalized(data)}
	}
	return out
}

// checkInbox fails the test unless got holds exactly one message from each
// sender in want, with that sender's data, and none from self.
func checkInbox(t *testing.T, who, self string, got []received, want map[string]rpc.Value) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s received %d notifications, want %d: %v", who, len(got), len(want), got)
	}
	seen := map[string]bool{}
	for _, r := range got {
		switch data, ok := want[r.sender]; {
		case r.sender == self:
			t.Errorf("%s received its own message: %v", who, r.data)
		case !ok:
			t.Errorf("%s received a message from unknown sender %q", who, r.sender)
		case seen[r.sender]:
			t.Errorf("%s received a second message from %s", who, r.sender)
		case !r.data.Equal(normalized(data)):
			t.Errorf("%s received from %s:\n %v\nwant\n %v", who, r.sender, r.data, data)
		}
		seen[r.sender] = true
	}
}

func TestGoAndPythonSatellitesEachGetWhatTheOthersSend(t *testing.T) {
	relay := startRelay(t, "127.0.0.1:0", 100*time.Millisecond, "")
	alice := startSatellite(t, relay.URL, "alice", nil)
	bob := startSatellite(t, relay.URL, "bob", func(c *satellite.Config) { c.NotifyPass = "bob-pass" })
	py := pytest.StartFile(t, "testdata/chat_satellite.py", relay.URL, "py", "py-pass")
	pyID, ok := strings.CutPrefix(py.Line(t), "READY ")
	if !ok {
		t.Fatal("the Python satellite did not say READY")
	}
	pyURL := "http://" + pyID + "/"

	fromAlice := text("hello from alice")
	fromBob := rpc.Struct(
		member("text", rpc.String("every type from bob <&>")),
		member("n", rpc.Int(-42)),
		member("yes", rpc.Bool(true)),
		member("pi", rpc.Double(3.25)),
		member("when", rpc.DateTime(time.Date(2003, 5, 1, 12, 30, 0, 0, time.UTC))),
		member("blob", rpc.Base64([]byte{0, 1, 2, 0xff})),
		member("list", rpc.Array(rpc.Int(1), rpc.String("two"))),
		member("nested", rpc.Struct(member("deep", rpc.String("yes")))),
	)
	fromPy := text("hello from py")
	if err := alice.Relay(t.Context(), fromAlice); err != nil {
		t.Fatal(err)
	}
	if err := bob.Relay(t.Context(), fromBob); err != nil {
		t.Fatal(err)
	}
	if v, err := relayClient.Call(t.Context(), pyURL, "say", rpc.String("hello from py")); err != nil || v.Str != "OK" {
		t.Fatalf("python say = %v, %v", v, err)
	}

	ids := map[string]string{"alice": alice.HostID(), "bob": bob.HostID(), "py": pyID}
	// The relay counts every notification it delivers: wait until each
	// satellite has had its two, then check that no more come.
	for who, id := range ids {
		eventually(t, who+" to be notified twice", func() bool {
			props := relay.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(id))))
			n, _ := props.Get("recv_count")
			return n.Int >= 2
		})
	}
	eventually(t, "the Go satellites' handlers", func() bool {
		return alice.Stats().Handled >= 2 && bob.Stats().Handled >= 2
	})
	checkInbox(t, "alice", ids["alice"], fromGo(alice.in.notifications()), map[string]rpc.Value{ids["bob"]: fromBob, ids["py"]: fromPy})
	checkInbox(t, "bob", ids["bob"], fromGo(bob.in.notifications()), map[string]rpc.Value{ids["alice"]: fromAlice, ids["py"]: fromPy})
	checkInbox(t, "py", ids["py"], pythonReceived(t, pyURL), map[string]rpc.Value{ids["alice"]: fromAlice, ids["bob"]: fromBob})
	for who, id := range ids {
		props := relay.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(id))))
		for key, want := range map[string]int64{"send_count": 1, "recv_count": 2, "dropped": 0, "notify_fails": 0} {
			if got, _ := props.Get(key); got.Int != want {
				t.Errorf("relay says %s of %s is %d, want %d", key, who, got.Int, want)
			}
		}
	}
	for _, s := range []goSatellite{alice, bob} {
		if st := s.Stats(); st.Refused != 0 || st.Dropped != 0 || st.Relayed != 1 {
			t.Errorf("%s: stats %+v", s.HostID(), st)
		}
	}
}

func TestRestartedRelayWithoutStateGetsTheGoSatellitesBack(t *testing.T) {
	const ping = 100 * time.Millisecond
	statePath := filepath.Join(t.TempDir(), "relayd-state.xml")
	first := startRelay(t, "127.0.0.1:0", ping, statePath)
	expectPings := func(c *satellite.Config) { c.PingInterval = ping }
	alice := startSatellite(t, first.URL, "alice", expectPings)
	bob := startSatellite(t, first.URL, "bob", func(c *satellite.Config) { expectPings(c); c.NotifyPass = "bob-pass" })
	eventually(t, "the first relay to ping both", func() bool { return alice.Stats().Pings > 0 && bob.Stats().Pings > 0 })

	first.Stop(t)
	if err := os.Remove(statePath); err != nil {
		t.Fatalf("the first relay saved no state file: %v", err)
	}
	restarted := time.Now()
	second := startRelay(t, first.Addr, ping, statePath) // the same address, the state file gone
	if ids := second.satellites(); len(ids) != 0 {
		t.Fatalf("the restarted relay knows %v", ids)
	}
	eventually(t, "the restarted relay to list both satellites again", func() bool {
		return second.lists(alice.HostID(), bob.HostID())
	})
	took := time.Since(restarted)
	t.Logf("both satellites back %v after the restart (%.1f ping intervals)", took, float64(took)/float64(ping))
	if took > 30*ping {
		t.Errorf("the satellites took %v to come back, over 30 ping intervals", took)
	}
	for _, s := range []goSatellite{alice, bob} {
		eventually(t, "OnReregister", func() bool { return len(s.in.reregistrations()) == 1 })
		if got := s.in.reregistrations(); got[0] != s.HostID() {
			t.Errorf("OnReregister(%q), want %q", got[0], s.HostID())
		}
		if st := s.Stats(); st.Reregistrations != 1 || st.Registrations != 2 {
			t.Errorf("%s: stats %+v, want one registration by itself", s.HostID(), st)
		}
	}

	// And they carry on: bob's notify_pass was registered again too.
	if err := alice.Relay(t.Context(), text("still here")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bob to hear alice through the restarted relay", func() bool { return len(bob.in.notifications()) == 1 })
	if n := bob.in.notifications()[0]; n.Sender != alice.HostID() || !n.Data.Equal(text("still here")) {
		t.Fatalf("bob got %+v", n)
	}
}

func TestRelayRegistersAgainWhenTheRelayAnswersNotRegistered(t *testing.T) {
	first := startRelay(t, "127.0.0.1:0", time.Hour, "")
	// The watchdog would wait three hours: only Relay can notice.
	quiet := func(c *satellite.Config) { c.PingInterval = time.Hour }
	alice := startSatellite(t, first.URL, "alice", quiet)
	bob := startSatellite(t, first.URL, "bob", quiet)
	first.Stop(t)
	second := startRelay(t, first.Addr, time.Hour, "") // in memory: it starts empty
	if got := second.satellites(); len(got) != 0 {
		t.Fatalf("the restarted relay lists %v", got)
	}

	for i, s := range []goSatellite{bob, alice} {
		msg := text(fmt.Sprintf("message %d", i))
		if err := s.Relay(t.Context(), msg); err != nil {
			t.Fatalf("Relay after the relay forgot: %v", err)
		}
		if got := s.in.reregistrations(); !slices.Equal(got, []string{s.HostID()}) {
			t.Fatalf("OnReregister calls %v, want [%s]", got, s.HostID())
		}
	}
	if !second.lists(alice.HostID(), bob.HostID()) {
		t.Fatalf("the relay lists %v", second.satellites())
	}
	// bob relayed while alone; alice's message, sent once both were back,
	// reaches bob.
	eventually(t, "bob to hear alice", func() bool { return len(bob.in.notifications()) == 1 })
	if n := bob.in.notifications()[0]; n.Sender != alice.HostID() || !n.Data.Equal(text("message 1")) {
		t.Fatalf("bob got %+v", n)
	}
}
