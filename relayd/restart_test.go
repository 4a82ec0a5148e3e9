package relayd

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"relayd/rpc"
)

func TestCleanRestartKeepsSatellitesAndTheirPass(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.xml")
	first := startRelay(t, func(c *Config) { c.StatePath = state })
	a := startFakeSat(t, first, "alice", "pass-a", 0)
	b := startFakeSat(t, first, "bob <&>", "pass-b", 0)
	first.Stop(t)

	second := startRelay(t, func(c *Config) { c.StatePath = state })
	ids, f := second.call(t, "relay.get_satellites")
	if f != nil {
		t.Fatal(f)
	}
	if got := []string{ids.Array[0].Str, ids.Array[1].Str}; !slices.Equal(got, []string{a.HostID, b.HostID}) {
		t.Fatalf("after restart: %v", got)
	}
	props, _ := second.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(b.HostID))))
	if nick, _ := props.Get("nick"); nick.Str != "bob <&>" {
		t.Fatalf("nick after restart: %q", nick.Str)
	}
	if f := relayAs(t, second, a.HostID, rpc.String("after restart")); f != nil {
		t.Fatal(f)
	}
	eventually(t, "bob hears alice through the restarted relay", func() bool { return b.count() == 1 })
	if n := b.received()[0]; n.Pass != "pass-b" || n.Data.Str != "after restart" {
		t.Fatalf("notification after restart: %+v", n)
	}
}

func TestSecondRelayOnTheSameStateFileRefuses(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.xml")
	startRelay(t, func(c *Config) { c.StatePath = state })
	cfg := DefaultConfig()
	cfg.StatePath = state
	_, err := New(cfg)
	if err == nil || !strings.Contains(err.Error(), state) {
		t.Fatalf("second relay on %s: %v, want a refusal naming the file", state, err)
	}
}

func TestCorruptStateFileStopsTheRelay(t *testing.T) {
	for name, content := range map[string]string{
		"truncated":      `<?xml version="1.0"?><relayd-state version="1"><satellite host_id="127.0.0.1:1"`,
		"not xml":        "hello, world",
		"future version": `<?xml version="1.0"?><relayd-state version="99"></relayd-state>`,
	} {
		t.Run(name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "state.xml")
			if err := os.WriteFile(state, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.StatePath = state
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), state) {
				t.Fatalf("%v, want an error naming %s", err, state)
			}
			after, _ := os.ReadFile(state)
			if string(after) != content {
				t.Fatal("the corrupt file was changed")
			}
		})
	}
}

func TestDeadSatelliteIsEvictedWhileOthersKeepReceiving(t *testing.T) {
	tr := startRelay(t, func(c *Config) {
		c.PingInterval = 40 * time.Millisecond
		c.PingTimeout = 200 * time.Millisecond
		c.EvictAfter = 4
		c.SuspectAfter = 2
		c.NotifyTimeout = 200 * time.Millisecond
	})
	sender := startFakeSat(t, tr, "sender", "", 0)
	alive := startFakeSat(t, tr, "alive", "", 0)
	dead := registerPort(t, tr, freePort(t), "dead", "") // nobody listens there
	for i := 0; i < 5; i++ {
		if f := relayAs(t, tr, sender.HostID, rpc.Int(int64(i))); f != nil {
			t.Fatal(f)
		}
	}
	sawSuspect := false
	eventually(t, "the dead satellite to turn suspect", func() bool {
		props, f := tr.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(dead))))
		if f != nil {
			return false
		}
		st, _ := props.Get("state")
		fails, _ := props.Get("ping_fails")
		sawSuspect = st.Str == "suspect" && fails.Int > 0
		return sawSuspect
	})
	eventually(t, "the dead satellite to be evicted", func() bool {
		ids, _ := tr.call(t, "relay.get_satellites")
		for _, id := range ids.Array {
			if id.Str == dead {
				return false
			}
		}
		return true
	})
	eventually(t, "the eviction log line", func() bool { return strings.Contains(tr.Logs.String(), "satellite evicted") })
	if f := relayAs(t, tr, sender.HostID, rpc.String("still here")); f != nil {
		t.Fatal(f)
	}
	eventually(t, "the live satellite receives everything", func() bool { return alive.count() == 6 })
	props, _ := tr.call(t, "relay.get_satellite_props", rpc.Struct(member("host_id", rpc.String(alive.HostID))))
	if pc, _ := props.Get("ping_count"); pc.Int == 0 {
		t.Fatal("the live satellite was never pinged")
	}
	if cur, _ := props.Get("ping_current"); cur.Double < 0 {
		t.Fatalf("ping_current %v after successful pings", cur.Double)
	}
}

// freePort returns a loopback port nobody listens on (just closed).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// buildRelayd builds cmd/relayd into a temporary folder.
func buildRelayd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "relayd")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/relayd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var listeningRE = regexp.MustCompile(`msg="relayd listening" addr=(\S+)`)

// startRelaydProcess runs the relayd binary on 127.0.0.1:0 and returns the
// process and its URL once it listens.
func startRelaydProcess(t *testing.T, bin, state string) (*exec.Cmd, string) {
	t.Helper()
	// The per-IP limits are off: every client of this test is 127.0.0.1.
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--state", state, "--max-sats", "1000", "--ping-interval", "1h",
		"--register-rate", "0", "--ip-rate", "0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Kill a relayd that does not say it listens within a minute, so the
	// scan below ends instead of hanging the test.
	listening := make(chan struct{})
	defer close(listening)
	go func() {
		select {
		case <-listening:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
		}
	}()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
			go func() { // keep draining so the process never blocks on its log
				for sc.Scan() {
				}
			}()
			return cmd, "http://" + m[1] + "/"
		}
	}
	t.Fatalf("relayd exited before listening: %v", cmd.Wait())
	return nil, ""
}

func TestSIGKILLDuringChurnLosesNoEarlierSatellite(t *testing.T) {
	bin := buildRelayd(t)
	state := filepath.Join(t.TempDir(), "state.xml")
	cmd, url := startRelaydProcess(t, bin, state)
	ctx := context.Background()
	call := func(method string, params ...rpc.Value) (rpc.Value, error) {
		return testClient.Call(ctx, url, method, params...)
	}
	var stable []string
	for port := 20000; port < 20020; port++ {
		id, err := call("relay.register", rpc.Struct(member("port", rpc.Int(int64(port))), member("nick", rpc.String(fmt.Sprintf("stable-%d", port)))))
		if err != nil {
			t.Fatal(err)
		}
		stable = append(stable, id.Str)
	}
	// Every change is on disk within about 100 ms.
	eventually(t, "the stable satellites on disk", func() bool {
		b, _ := os.ReadFile(state)
		return strings.Count(string(b), "<satellite ") == len(stable)
	})

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				port := 30000 + w*1000 + i%500
				id, err := call("relay.register", rpc.Struct(member("port", rpc.Int(int64(port)))))
				if err != nil {
					return // the relay is gone
				}
				if _, err := call("relay.deregister", rpc.Struct(member("host_id", id))); err != nil {
					return
				}
			}
		}()
	}
	churnFor := time.NewTimer(700 * time.Millisecond)
	<-churnFor.C
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()

	_, url = startRelaydProcess(t, bin, state)
	ids, err := testClient.Call(ctx, url, "relay.get_satellites")
	if err != nil {
		t.Fatalf("the restarted relay does not answer: %v", err)
	}
	var got []string
	for _, id := range ids.Array {
		got = append(got, id.Str)
	}
	for _, id := range stable {
		if !slices.Contains(got, id) {
			t.Fatalf("after SIGKILL and restart %s is missing (have %d satellites)", id, len(got))
		}
	}
	t.Logf("after SIGKILL mid-churn: %d satellites loaded, all %d stable ones among them", len(got), len(stable))
}

func TestBadFanOutSettingsAreAnErrorNotAPanic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.StatePath = ""
	cfg.Outbox = 0
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "Outbox") {
		t.Fatalf("New with Outbox 0: %v", err)
	}
}
