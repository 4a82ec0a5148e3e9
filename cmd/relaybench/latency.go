package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// latencyRecorder keeps end-to-end latencies. It keeps every sample up to
// its capacity and a uniform sample (reservoir) beyond it, so a long run
// costs bounded memory; the maximum and the count are always exact.
type latencyRecorder struct {
	mu      sync.Mutex
	samples []time.Duration
	limit   int
	seen    uint64
	max     time.Duration
	rng     *rand.Rand
}

// newLatencyRecorder keeps at most limit samples. The reservoir's random
// choices use a fixed seed so that a run is reproducible given its inputs.
func newLatencyRecorder(limit int) *latencyRecorder {
	return &latencyRecorder{limit: limit, rng: rand.New(rand.NewPCG(1, 2))}
}

// Add records one latency. It is safe for concurrent use.
func (r *latencyRecorder) Add(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen++
	if d > r.max {
		r.max = d
	}
	if len(r.samples) < r.limit {
		r.samples = append(r.samples, d)
		return
	}
	if j := r.rng.Uint64N(r.seen); j < uint64(r.limit) {
		r.samples[j] = d
	}
}

// Summary summarises what was recorded so far.
func (r *latencyRecorder) Summary() LatencySummary {
	r.mu.Lock()
	samples := slices.Clone(r.samples)
	seen, largest := r.seen, r.max
	r.mu.Unlock()
	s := summarize(samples)
	s.Count, s.Max = seen, largest
	return s
}

// LatencySummary is the distribution of end-to-end latencies.
type LatencySummary struct {
	Count uint64        // latencies recorded
	P50   time.Duration // median
	P99   time.Duration // 99th percentile
	Max   time.Duration // the largest
}

// summarize sorts samples in place and reads its percentiles.
func summarize(samples []time.Duration) LatencySummary {
	slices.Sort(samples)
	s := LatencySummary{Count: uint64(len(samples))}
	if len(samples) == 0 {
		return s
	}
	s.P50 = percentile(samples, 50)
	s.P99 = percentile(samples, 99)
	s.Max = samples[len(samples)-1]
	return s
}

// percentile is the nearest-rank percentile p (0 < p <= 100) of sorted: the
// smallest sample that at least p percent of the samples do not exceed.
// It is 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
