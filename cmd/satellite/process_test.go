package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"relayd/internal/relaytest"
	"relayd/rpc"
	"relayd/satellite"
)

// proc is a running satellite process.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout chan string // closed at the end of its output
	stderr chan string
	hostID string
}

// lines sends each line of r on a channel, closed at the end of r.
func lines(r io.Reader) chan string {
	ch := make(chan string, 100)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

var registeredLine = regexp.MustCompile(`^satellite: registered with \S+ as (\S+);`)

// startSatellite starts the command and waits until it has registered.
func startSatellite(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stdin: stdin, stdout: lines(stdout), stderr: lines(stderr)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := p.next(t, p.stderr, "the registration line")
	m := registeredLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first stderr line %q, want the registration line", line)
	}
	p.hostID = m[1]
	return p
}

// next returns the next line from ch, failing the test after 15 s or at
// the end of the output.
func (p *proc) next(t *testing.T, ch chan string, what string) string {
	t.Helper()
	select {
	case line, ok := <-ch:
		if !ok {
			t.Fatalf("output ended while waiting for %s", what)
		}
		return line
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		return ""
	}
}

// say types a line into the process.
func (p *proc) say(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

// quit ends the input, waits for a clean exit and returns the stdout
// lines not read yet.
func (p *proc) quit(t *testing.T) []string {
	t.Helper()
	p.stdin.Close()
	var rest []string
	for line := range p.stdout {
		rest = append(rest, line)
	}
	for range p.stderr {
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("satellite exited with %v", err)
	}
	return rest
}

func TestSatelliteCommand(t *testing.T) {
	bin := relaytest.BuildCommand(t, ".", "satellite")
	relayURL := relaytest.Start(t, "127.0.0.1:0", nil).URL
	client := rpc.NewClient(rpc.DefaultClientConfig())
	defer client.Close()
	listed := func() int {
		v, err := client.Call(t.Context(), relayURL, "relay.get_num_satellites")
		if err != nil {
			t.Fatal(err)
		}
		return int(v.Int)
	}

	t.Run("two instances chat", func(t *testing.T) {
		alice := startSatellite(t, bin, nil, "--relay", relayURL, "--nick", "alice")
		bob := startSatellite(t, bin, []string{"SATELLITE_NOTIFY_PASS=bob-pass", "SATELLITE_RELAY=" + relayURL}, "--nick", "bob")

		alice.say(t, "hello bob")
		if got := bob.next(t, bob.stdout, "alice's line"); got != "alice: hello bob" {
			t.Fatalf("bob printed %q", got)
		}
		bob.say(t, "")
		bob.say(t, "hi alice")
		if got := alice.next(t, alice.stdout, "bob's line"); got != "bob: hi alice" {
			t.Fatalf("alice printed %q", got)
		}
		// XML cannot carry an escape character: alice says so and goes on.
		alice.say(t, "a \x1b[31mred\x1b[0m line")
		if got := alice.next(t, alice.stderr, "alice's complaint"); !strings.Contains(got, "not allowed in XML") {
			t.Fatalf("alice said %q", got)
		}
		// A carriage return it can carry; bob prints it escaped, on one line.
		alice.say(t, "before\rafter\ttab")
		if got := bob.next(t, bob.stdout, "alice's second line"); got != "alice: before\\rafter\ttab" {
			t.Fatalf("bob printed %q", got)
		}
		if n := listed(); n != 2 {
			t.Fatalf("the relay lists %d satellites, want 2", n)
		}
		// Neither printed anything else: not its own lines, not the blank one.
		if rest := alice.quit(t); len(rest) != 0 {
			t.Errorf("alice printed more: %q", rest)
		}
		if rest := bob.quit(t); len(rest) != 0 {
			t.Errorf("bob printed more: %q", rest)
		}
		if n := listed(); n != 0 {
			t.Errorf("the relay still lists %d satellites after both quit", n)
		}
	})

	t.Run("json", func(t *testing.T) {
		heard := make(chan satellite.Notification, 10)
		gopher, err := satellite.New(satellite.Config{Relay: relayURL, Nick: "gopher", Handler: func(_ context.Context, n satellite.Notification) { heard <- n }})
		if err != nil {
			t.Fatal(err)
		}
		defer gopher.Close()
		if _, err := gopher.Register(t.Context()); err != nil {
			t.Fatal(err)
		}
		carol := startSatellite(t, bin, nil, "--relay", relayURL, "--nick", "carol", "--json")

		err = gopher.Relay(t.Context(), rpc.Struct(
			member("text", rpc.String("hi")),
			member("when", rpc.DateTime(time.Date(2003, 5, 1, 12, 30, 0, 0, time.UTC))),
			member("note", rpc.Base64([]byte("readable"))),
			member("bin", rpc.Base64([]byte{0, 1, 2, 0xff})),
			member("n", rpc.Int(3)),
			member("pi", rpc.Double(2.5)),
			member("ok", rpc.Bool(true)),
			member("list", rpc.Array(rpc.Int(1), rpc.String("two"))),
		))
		if err != nil {
			t.Fatal(err)
		}
		want := `{"from":"gopher","host_id":"` + gopher.HostID() + `","data":{"text":"hi","when":"2003-05-01T12:30:00Z","note":"readable","bin":"AAEC/w==","n":3,"pi":2.5,"ok":true,"list":[1,"two"]}}`
		if got := carol.next(t, carol.stdout, "gopher's message"); got != want {
			t.Fatalf("carol printed\n %s\nwant\n %s", got, want)
		}

		carol.say(t, "not json")
		if got := carol.next(t, carol.stderr, "the complaint"); !strings.Contains(got, "not a JSON object") {
			t.Fatalf("carol said %q", got)
		}
		carol.say(t, `{"text":"from carol","n":7,"x":1.5,"nested":{"b":[true,false]}}`)
		select {
		case n := <-heard:
			wantData := rpc.Struct(
				member("text", rpc.String("from carol")),
				member("n", rpc.Int(7)),
				member("x", rpc.Double(1.5)),
				member("nested", rpc.Struct(member("b", rpc.Array(rpc.Bool(true), rpc.Bool(false))))),
			)
			if n.Sender != carol.hostID || !n.Data.Equal(wantData) {
				t.Fatalf("gopher heard %+v", n)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("gopher heard nothing from carol")
		}
		if rest := carol.quit(t); len(rest) != 0 {
			t.Errorf("carol printed more: %q", rest)
		}
		if st := gopher.Stats(); st.Received != 1 {
			t.Errorf("gopher received %d notifications, want only the valid line", st.Received)
		}
	})
}
