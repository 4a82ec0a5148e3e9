package main

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "1234 (relayd) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0", 3 * time.Second, false},
		{"name with spaces and parens", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0", 100 * time.Millisecond, false},
		{"no name", "1234 relayd S 1", 0, true},
		{"too short", "1 (x) S 1 2 3", 0, true},
		{"not a number", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 ten 3 0", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU(tt.stat)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseStatCPU = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrNoProc) {
				t.Errorf("error %v does not wrap ErrNoProc", err)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	full := "Name:\trelayd\nVmHWM:\t  20480 kB\nVmRSS:\t  10240 kB\nThreads:\t9\n"
	tests := []struct {
		name     string
		status   string
		rss, hwm int64
		threads  int
		wantErr  bool
	}{
		{"all three", full, 10240 * 1024, 20480 * 1024, 9, false},
		{"missing VmHWM", "VmRSS:\t1 kB\nThreads:\t1\n", 0, 0, 0, true},
		{"garbled number", "VmRSS:\tlots kB\nVmHWM:\t1 kB\nThreads:\t1\n", 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rss, hwm, threads, err := parseStatus(tt.status)
			if (err != nil) != tt.wantErr || rss != tt.rss || hwm != tt.hwm || threads != tt.threads {
				t.Errorf("parseStatus = %d %d %d %v; want %d %d %d, error %v", rss, hwm, threads, err, tt.rss, tt.hwm, tt.threads, tt.wantErr)
			}
		})
	}
}

func TestReadProcOfThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS <= 0 || s.HWM < s.RSS || s.Threads < 1 || s.FDs < 3 {
		t.Errorf("implausible sample of this process: %+v", s)
	}
	if _, err := readProc(0); !errors.Is(err, ErrNoProc) {
		t.Errorf("readProc(0) = %v, want ErrNoProc", err)
	}
}

func TestCPUCores(t *testing.T) {
	a, b := procSample{CPU: time.Second}, procSample{CPU: 4 * time.Second}
	if got := cpuCores(a, b, 2*time.Second); got != 1.5 {
		t.Errorf("cpuCores = %v, want 1.5", got)
	}
	if got := cpuCores(a, b, 0); got != 0 {
		t.Errorf("cpuCores over no time = %v, want 0", got)
	}
}
