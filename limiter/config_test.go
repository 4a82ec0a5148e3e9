package limiter

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		field  string
		break_ func(*Config)
	}{
		{"Rate", func(c *Config) { c.Rate = -1 }},
		{"Rate", func(c *Config) { c.Rate = math.NaN() }},
		{"Rate", func(c *Config) { c.Rate = math.Inf(1) }},
		{"Burst", func(c *Config) { c.Rate, c.Burst = 10, 0 }},
		{"SenderRate", func(c *Config) { c.SenderRate = -0.5 }},
		{"SenderBurst", func(c *Config) { c.SenderRate, c.SenderBurst = 1, 0 }},
		{"IntakeSize", func(c *Config) { c.IntakeSize = 0 }},
		{"SenderQueue", func(c *Config) { c.SenderQueue = 0 }},
		{"Outbox", func(c *Config) { c.Outbox = 0 }},
		{"DeliverTimeout", func(c *Config) { c.DeliverTimeout = 0 }},
		{"SuspectAfter", func(c *Config) { c.SuspectAfter = 0 }},
		{"SuspectRetry", func(c *Config) { c.SuspectRetry = -1 }},
		{"Now", func(c *Config) { c.Now = nil }},
		{"After", func(c *Config) { c.After = nil }},
	}
	for _, tt := range tests {
		cfg := DefaultConfig()
		tt.break_(&cfg)
		err := cfg.Validate()
		if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("bad %s: Validate() = %v, want ErrBadConfig naming it", tt.field, err)
		}
	}
}

func TestBurstIsIgnoredWithoutRate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Burst, cfg.SenderBurst = 0, 0
	if err := cfg.Validate(); err != nil {
		t.Errorf("zero bursts without rates: %v", err)
	}
}

func TestNewPanicsOnBadConfig(t *testing.T) {
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, ErrBadConfig) {
			t.Errorf("recovered %v, want ErrBadConfig", err)
		}
	}()
	New(Config{}, OneByOne(newRecorder().deliver))
}

func TestNilLoggerDiscards(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Logger = nil
	cfg.Outbox = 1
	l := New(cfg, OneByOne(newRecorder().deliver))
	l.AddTarget("t")
	l.mu.Lock()
	target := l.targets["t"]
	l.mu.Unlock()
	// Drops log; with no logger that must not panic.
	l.offer(target, Message{Sender: "s", Seq: 1})
	l.offer(target, Message{Sender: "s", Seq: 2})
	if s := mustStats(t, l, "t"); s.Dropped != 1 {
		t.Errorf("stats %+v, want 1 dropped", s)
	}
}
