package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexflint/go-arg"

	"relayd/internal/syncbuf"
)

func TestEnvironmentFillsEveryFlag(t *testing.T) {
	env := map[string]string{
		"RELAYD_LISTEN": "127.0.0.1:0", "RELAYD_STATE": "s.xml", "RELAYD_MAX_SATS": "7",
		"RELAYD_RATE": "2.5", "RELAYD_SENDER_RATE": "1", "RELAYD_OUTBOX": "9",
		"RELAYD_NOTIFY_TIMEOUT": "3s", "RELAYD_PING_INTERVAL": "1m", "RELAYD_EVICT_AFTER": "2",
		"RELAYD_LOG_FORMAT": "json", "RELAYD_LOG_LEVEL": "debug",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	a := defaultArgs()
	p, err := arg.NewParser(arg.Config{}, &a)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Parse([]string{"--max-sats", "8"}); err != nil {
		t.Fatal(err)
	}
	if a.Listen != "127.0.0.1:0" || a.State != "s.xml" || a.Rate != 2.5 || a.SenderRate != 1 || a.Outbox != 9 ||
		a.NotifyTimeout != 3*time.Second || a.PingInterval != time.Minute || a.EvictAfter != 2 ||
		a.LogFormat != "json" || a.LogLevel != "debug" {
		t.Fatalf("environment not applied: %+v", a)
	}
	if a.MaxSats != 8 {
		t.Fatalf("a flag must win over the environment: max-sats %d", a.MaxSats)
	}
}

func TestDefaultsNeedNoFlags(t *testing.T) {
	a := defaultArgs()
	if a.Listen != "127.0.0.1:2003" || a.State != "relayd-state.xml" || a.MaxSats != 100 {
		t.Fatalf("defaults: %+v", a)
	}
	if err := checkArgs(a); err != nil {
		t.Fatal(err)
	}
}

func TestBadInputIsAPlainError(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.xml")
	os.WriteFile(corrupt, []byte("<relayd-state version=\"1\"><satellite"), 0o600)
	tests := []struct {
		name string
		edit func(*args)
		want string
	}{
		{"bad log level", func(a *args) { a.LogLevel = "loud" }, "--log-level"},
		{"bad log format", func(a *args) { a.LogFormat = "xml" }, "--log-format"},
		{"no satellites", func(a *args) { a.MaxSats = 0 }, "--max-sats"},
		{"negative rate", func(a *args) { a.Rate = -1 }, "--rate"},
		{"corrupt state file", func(a *args) { a.State = corrupt }, corrupt},
		{"address in use or bad", func(a *args) { a.Listen = "127.0.0.1:99999" }, "listen on 127.0.0.1:99999"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := defaultArgs()
			a.State = filepath.Join(t.TempDir(), "state.xml")
			a.Listen = "127.0.0.1:0"
			tc.edit(&a)
			var logs bytes.Buffer
			err := run(context.Background(), a, &logs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run: %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRunStopsCleanlyWhenCancelled(t *testing.T) {
	a := defaultArgs()
	a.Listen = "127.0.0.1:0"
	a.State = filepath.Join(t.TempDir(), "state.xml")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncbuf.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, a, &logs) }()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(logs.String(), "relayd listening") {
		select {
		case <-deadline:
			t.Fatalf("no listening line:\n%s", logs.String())
		case <-tick.C:
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if _, err := os.Stat(a.State); err != nil {
		t.Fatalf("the state file was not saved at shutdown: %v", err)
	}
}

func TestAdminCredentials(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("s3cret\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	tests := []struct {
		name     string
		user     string
		file     string
		env      string
		wantPass string
		wantErr  string
	}{
		{name: "none", wantPass: ""},
		{name: "from file", user: "admin", file: pwFile, wantPass: "s3cret"},
		{name: "from env", user: "admin", env: "envpw", wantPass: "envpw"},
		{name: "both", user: "admin", file: pwFile, env: "envpw", wantErr: "not both"},
		{name: "user without password", user: "admin", wantErr: "needs a password"},
		{name: "password without user", env: "envpw", wantErr: "--admin-user is not"},
		{name: "empty file", user: "admin", file: empty, wantErr: "is empty"},
		{name: "missing file", user: "admin", file: filepath.Join(dir, "nope"), wantErr: "--admin-password-file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("RELAYD_ADMIN_PASSWORD", tc.env)
			a := defaultArgs()
			p, err := arg.NewParser(arg.Config{}, &a)
			if err != nil {
				t.Fatal(err)
			}
			var argv []string
			if tc.user != "" {
				argv = append(argv, "--admin-user", tc.user)
			}
			if tc.file != "" {
				argv = append(argv, "--admin-password-file", tc.file)
			}
			if err := p.Parse(argv); err != nil {
				t.Fatal(err)
			}
			cred, err := adminCredentials(a)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "envpw") {
					t.Fatalf("error shows the password: %v", err)
				}
				return
			}
			if err != nil || cred.Password != tc.wantPass || cred.User != tc.user {
				t.Fatalf("got %+v %v", cred, err)
			}
		})
	}
}
