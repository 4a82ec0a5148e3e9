package main

import (
	"math"
	"slices"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.00"},
		{1.234, "1.23"},
		{12.34, "12.3"},
		{123.4, "123"},
		{31200.4, "31,200"},
		{1234567, "1,234,567"},
		{-4321, "-4,321"},
		{math.NaN(), "-"},
		{math.Inf(1), "-"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.in); got != tt.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseListening(t *testing.T) {
	tests := []struct {
		line   string
		addr   string
		listen bool
	}{
		{`time=2026-01-01T00:00:00Z level=INFO msg="relayd listening" addr=127.0.0.1:40123 max_sats=100 state=/tmp/s.xml`, "127.0.0.1:40123", true},
		{`time=x level=INFO msg="relayd listening" addr="[::1]:2003"`, "[::1]:2003", true},
		{`time=x level=INFO msg="state loaded" file=/tmp/s.xml`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		addr, ok := parseListening(tt.line)
		if addr != tt.addr || ok != tt.listen {
			t.Errorf("parseListening(%q) = %q, %v; want %q, %v", tt.line, addr, ok, tt.addr, tt.listen)
		}
	}
}

func TestCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nprocessor\t: 1\nmodel name\t: other\n"
	if got, ok := cpuModel(info); !ok || got != "Intel(R) Xeon(R) Processor" {
		t.Errorf("cpuModel = %q, %v", got, ok)
	}
	if _, ok := cpuModel("processor: 0\n"); ok {
		t.Error("cpuModel found a model in text without one")
	}
}

func TestLiftFlags(t *testing.T) {
	tests := []struct {
		help string
		want []string
	}{
		{"  --ip-rate R   per address [default: 200]\n  --register-rate R  per address\n", []string{"--ip-rate", "0", "--register-rate", "0"}},
		{"  --listen ADDR\n  --max-sats N\n", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := liftFlags(tt.help); !slices.Equal(got, tt.want) {
			t.Errorf("liftFlags(%q) = %q, want %q", tt.help, got, tt.want)
		}
	}
}
