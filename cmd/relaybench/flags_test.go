package main

import (
	"errors"
	"io"
	"testing"
	"time"
)

func TestParseFlagsOverlaysThePreset(t *testing.T) {
	_, p, err := parseFlags([]string{"--scenario", "hung", "--receivers", "3", "--slow", "20ms", "--rate", "0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := presets["hung"]
	want.Receivers, want.Slow = 3, 20*time.Millisecond
	if p.Scenario != want {
		t.Errorf("scenario %+v, want %+v", p.Scenario, want)
	}
}

func TestParseFlagsModes(t *testing.T) {
	cfg, _, err := parseFlags([]string{"--relay", "http://127.0.0.1:2003/", "--relay-pid", "42"}, io.Discard)
	if err != nil || cfg.mode() != "external" || cfg.RelayPID != 42 {
		t.Errorf("external: %v, mode %s, pid %d", err, cfg.mode(), cfg.RelayPID)
	}
	cfg, _, err = parseFlags(nil, io.Discard)
	if err != nil || cfg.mode() != "inprocess" {
		t.Errorf("default: %v, mode %s", err, cfg.mode())
	}
	cfg, _, err = parseFlags([]string{"--relayd", "/bin/sh", "--relayd-arg", "--batch", "--relayd-arg", "0"}, io.Discard)
	if err != nil || cfg.mode() != "child" || len(cfg.RelaydArgs) != 2 || cfg.RelaydArgs[0] != "--batch" {
		t.Errorf("child: %v, mode %s, args %q", err, cfg.mode(), cfg.RelaydArgs)
	}
}

func TestParseFlagsRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"two modes", []string{"--inprocess", "--relay", "http://x/"}},
		{"unknown preset", []string{"--scenario", "nope"}},
		{"suite and soak", []string{"--suite", "--soak", "1m"}},
		{"soak on an external relay", []string{"--soak", "1m", "--relay", "http://x/"}},
		{"scenario with suite", []string{"--suite", "--scenario", "fanout"}},
		{"no senders", []string{"--senders", "0"}},
		{"negative rate", []string{"--rate", "-1"}},
		{"missing relayd", []string{"--relayd", "/no/such/relayd"}},
		{"stray argument", []string{"fanout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := parseFlags(tt.args, io.Discard); !errors.Is(err, ErrUsage) {
				t.Errorf("parseFlags(%q) = %v, want a usage error", tt.args, err)
			}
		})
	}
}
