package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 50, 2 * time.Millisecond},
		{"median of even is the lower", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"tiny p is the min", ms(5, 6, 7), 0.001, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeSortsAndReads(t *testing.T) {
	s := summarize([]time.Duration{3, 1, 2, 5, 4})
	if s.Count != 5 || s.P50 != 3 || s.P99 != 5 || s.Max != 5 {
		t.Errorf("summary = %+v, want count 5, p50 3, p99 5, max 5", s)
	}
}

func TestLatencyRecorderKeepsExactMaxAndCountBeyondItsLimit(t *testing.T) {
	r := newLatencyRecorder(10)
	for i := 1; i <= 1000; i++ {
		r.Add(time.Duration(i))
	}
	r.Add(5) // the largest is not the last
	s := r.Summary()
	if s.Count != 1001 || s.Max != 1000 {
		t.Errorf("count %d max %v, want 1001 and 1000", s.Count, s.Max)
	}
	if n := len(r.samples); n != 10 {
		t.Errorf("kept %d samples, want the limit 10", n)
	}
	if s.P50 <= 10 {
		t.Errorf("p50 %v: the reservoir kept only the first samples", s.P50)
	}
}
