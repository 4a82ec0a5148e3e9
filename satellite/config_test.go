package satellite

import (
	"errors"
	"testing"
	"time"
)

func TestNewRefusesBadConfigs(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"no relay", Config{}},
		{"relay not a URL", Config{Relay: "127.0.0.1:2003"}},
		{"relay not http", Config{Relay: "ftp://127.0.0.1:2003/"}},
		{"negative queue", Config{Relay: "http://127.0.0.1:2003/", QueueSize: -1}},
		{"negative ping interval", Config{Relay: "http://127.0.0.1:2003/", PingInterval: -time.Second}},
		{"max backoff below min", Config{Relay: "http://127.0.0.1:2003/", RegisterBackoff: time.Second, RegisterMaxBackoff: time.Millisecond}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := New(c.cfg)
			if !errors.Is(err, ErrBadConfig) {
				if s != nil {
					s.Close()
				}
				t.Fatalf("New = %v, want ErrBadConfig", err)
			}
		})
	}
}

func TestNewFillsZeroFieldsWithDefaults(t *testing.T) {
	cfg, err := Config{Relay: "http://127.0.0.1:2003/"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultConfig()
	if cfg.Listen != d.Listen || cfg.QueueSize != d.QueueSize || cfg.PingInterval != d.PingInterval ||
		cfg.RegisterBackoff != d.RegisterBackoff || cfg.RegisterMaxBackoff != d.RegisterMaxBackoff ||
		cfg.CloseTimeout != d.CloseTimeout || cfg.Client != d.Client || cfg.Server.Limits != d.Server.Limits ||
		cfg.Logger == nil || cfg.Now == nil || cfg.Handler == nil {
		t.Fatalf("withDefaults left a zero field: %+v", cfg)
	}
}

func TestNewReportsAListenError(t *testing.T) {
	first := newTestSatellite(t, "http://127.0.0.1:1/", nil)
	s, err := New(Config{Relay: "http://127.0.0.1:1/", Listen: first.Addr()})
	if err == nil {
		s.Close()
		t.Fatal("New on an address in use succeeded")
	}
}
