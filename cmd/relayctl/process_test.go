package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

// startSatellite registers a Go satellite with the relay until the test ends.
func startSatellite(t *testing.T, relayURL, nick string, handled chan<- struct{}) *satellite.Satellite {
	t.Helper()
	s, err := satellite.New(satellite.Config{
		Relay:      relayURL,
		Nick:       nick,
		NotifyPass: nick + "-secret-pass",
		Handler:    func(context.Context, satellite.Notification) { handled <- struct{}{} },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Register(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

// result is what one relayctl run printed and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

// relayctl runs the command with args and env and returns what it did.
func relayctl(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("relayctl %v: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// ok fails the test unless r is a success, and returns its output.
func (r result) ok(t *testing.T, what string) string {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%s: exit %d, stderr %q, stdout %q", what, r.code, r.stderr, r.stdout)
	}
	return r.stdout
}

// fails fails the test unless r exited with code and said wantErr on
// stderr, and nothing on stdout.
func (r result) fails(t *testing.T, what string, code int, wantErr *regexp.Regexp) {
	t.Helper()
	if r.code != code || !wantErr.MatchString(r.stderr) || r.stdout != "" {
		t.Errorf("%s: exit %d, stderr %q, stdout %q; want exit %d and stderr matching %q", what, r.code, r.stderr, r.stdout, code, wantErr)
	}
}

func TestRelayctlAgainstARealRelay(t *testing.T) {
	bin := relaytest.BuildCommand(t, ".", "relayctl")
	relayURL := relaytest.Start(t, "127.0.0.1:0", nil).URL
	handled := make(chan struct{}, 10)
	alice := startSatellite(t, relayURL, "alice", handled)
	bob := startSatellite(t, relayURL, "bob", handled)
	if err := alice.Relay(t.Context(), rpc.Struct(rpc.Member{Name: "text", Value: rpc.String("hi bob")})); err != nil {
		t.Fatal(err)
	}
	<-handled // bob has it: the relay has counted the delivery
	withRelay := func(args ...string) []string { return append([]string{"--relay", relayURL}, args...) }

	t.Run("satellites", func(t *testing.T) {
		out := relayctl(t, bin, nil, withRelay("satellites")...).ok(t, "satellites")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("the table has %d lines, want a heading and 2 rows:\n%s", len(lines), out)
		}
		if got := strings.Fields(lines[0]); strings.Join(got, " ") != "HOST_ID NICK STATE PING_MS SENT RECEIVED QUEUED DROPPED" {
			t.Fatalf("headings %q", got)
		}
		// Every column starts where its heading does.
		for _, heading := range []string{"NICK", "STATE", "PING_MS", "SENT", "RECEIVED", "QUEUED", "DROPPED"} {
			col := strings.Index(lines[0], heading)
			for _, row := range lines[1:] {
				if col >= len(row) || row[col] == ' ' || row[col-1] != ' ' {
					t.Errorf("column %s is not aligned in\n%s", heading, out)
				}
			}
		}
		ping := `(-|\d+\.\d)`
		for i, want := range []*regexp.Regexp{
			regexp.MustCompile(`^` + regexp.QuoteMeta(alice.HostID()) + ` +alice +up +` + ping + ` +1 +0 +0 +0$`),
			regexp.MustCompile(`^` + regexp.QuoteMeta(bob.HostID()) + ` +bob +up +` + ping + ` +0 +1 +0 +0$`),
		} {
			if !want.MatchString(lines[i+1]) {
				t.Errorf("row %d is %q, want %s", i+1, lines[i+1], want)
			}
		}
	})

	t.Run("props", func(t *testing.T) {
		out := relayctl(t, bin, nil, withRelay("props", alice.HostID())...).ok(t, "props")
		var props map[string]any
		if err := json.Unmarshal([]byte(out), &props); err != nil {
			t.Fatalf("props is not JSON: %v\n%s", err, out)
		}
		if props["nick"] != "alice" || props["host_id"] != alice.HostID() || props["send_count"] != 1.0 {
			t.Errorf("props %v", props)
		}
		if _, err := time.Parse(time.RFC3339, props["ctime"].(string)); err != nil {
			t.Errorf("ctime %q is not RFC 3339 text", props["ctime"])
		}
		if !strings.Contains(out, "\n  \"addr\": [\n") {
			t.Errorf("props is not indented:\n%s", out)
		}
		if strings.Contains(out, "secret-pass") {
			t.Errorf("props shows the notify_pass:\n%s", out)
		}
	})

	t.Run("properties", func(t *testing.T) {
		out := relayctl(t, bin, nil, withRelay("properties")...).ok(t, "properties")
		var props map[string]any
		if err := json.Unmarshal([]byte(out), &props); err != nil {
			t.Fatalf("properties is not JSON: %v\n%s", err, out)
		}
		if props["satellites"] != 2.0 || props["co2_version"] == nil || props["start_time"] == nil {
			t.Errorf("properties %v", props)
		}
	})

	t.Run("methods and help", func(t *testing.T) {
		out := relayctl(t, bin, nil, withRelay("methods")...).ok(t, "methods")
		names := strings.Fields(out)
		for _, want := range []string{"relay.register", "relay.relay", "system.multicall", "co2.get_satellite"} {
			if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
				t.Errorf("methods lacks %s", want)
			}
		}
		help := relayctl(t, bin, nil, withRelay("help", "relay.relay")...).ok(t, "help")
		if !strings.HasPrefix(help, "Relay data") || !strings.Contains(help, "\nsignature: string relay.relay(struct)\n") {
			t.Errorf("help relay.relay:\n%s", help)
		}
	})

	t.Run("call", func(t *testing.T) {
		if got := relayctl(t, bin, nil, withRelay("call", "relay.get_num_satellites")...).ok(t, "call"); got != "2\n" {
			t.Errorf("get_num_satellites printed %q", got)
		}
		got := relayctl(t, bin, nil, withRelay("call", "test", `{"b": [true, "x", 1.5], "a": 1}`)...).ok(t, "call test")
		want := "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    \"x\",\n    1.5\n  ]\n}\n"
		if got != want {
			t.Errorf("call test printed\n%s\nwant\n%s", got, want)
		}
		got = relayctl(t, bin, nil, withRelay("call", "system.methodHelp", `"ping"`)...).ok(t, "call help")
		if got != "\"Answer a ping request with the string \\\"pong\\\".\"\n" {
			t.Errorf("call system.methodHelp printed %q", got)
		}
	})

	t.Run("the relay from the environment", func(t *testing.T) {
		out := relayctl(t, bin, []string{"RELAYCTL_RELAY=" + relayURL}, "call", "ping").ok(t, "ping")
		if out != "\"pong\"\n" {
			t.Errorf("ping printed %q", out)
		}
	})

	t.Run("faults and errors", func(t *testing.T) {
		relayctl(t, bin, nil, withRelay("props", "127.0.0.1:1")...).fails(t, "props of a stranger", 1,
			regexp.MustCompile(`^relayctl: fault 1: KeyError: .*127\.0\.0\.1:1\n$`))
		relayctl(t, bin, nil, withRelay("call", "no.such.method")...).fails(t, "no such method", 1,
			regexp.MustCompile(`^relayctl: fault -32601: method "no.such.method" not found\n$`))
		relayctl(t, bin, nil, withRelay("call", "relay.register", `{"port": 0}`)...).fails(t, "bad port", 1,
			regexp.MustCompile(`^relayctl: fault -32602: `))
		relayctl(t, bin, nil, withRelay("call", "test", `{unquoted}`)...).fails(t, "bad JSON", 2,
			regexp.MustCompile(`is not JSON`))
		relayctl(t, bin, nil, "--relay", "http://127.0.0.1:1/", "satellites").fails(t, "unreachable relay", 1,
			regexp.MustCompile(`^relayctl: cannot reach the relay at http://127\.0\.0\.1:1/: .*connection refused\n$`))
		relayctl(t, bin, nil, withRelay()...).fails(t, "no command", 2, regexp.MustCompile(`missing command`))
	})
}

func TestRelayctlGivesUpOnARelayThatDoesNotAnswer(t *testing.T) {
	bin := relaytest.BuildCommand(t, ".", "relayctl")
	release := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer silent.Close()
	defer close(release)
	start := time.Now()
	relayctl(t, bin, nil, "--relay", silent.URL, "--timeout", "300ms", "methods").fails(t, "silent relay", 1,
		regexp.MustCompile(`^relayctl: the relay at \S+ did not answer within 300ms\n$`))
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("relayctl took %v to give up", took)
	}
}
