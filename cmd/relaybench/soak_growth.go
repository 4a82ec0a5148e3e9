package main

import (
	"fmt"
	"time"
)

// soakSample is the relay's process at one moment of the soak.
type soakSample struct {
	At         time.Duration `json:"at_ns"`      // since the soak started
	Inst       int64         `json:"instance"`   // relay instance, from 1
	RSS        int64         `json:"rss_bytes"`  // VmRSS
	FDs        int           `json:"fds"`        // open file descriptors
	Threads    int           `json:"threads"`    // OS threads
	Goroutines int           `json:"goroutines"` // -1 when unknown (child process)
}

// minGrowthSamples is the fewest samples in the last half that growth is
// judged on.
const minGrowthSamples = 6

// growth judges the samples of the last half of a soak of length d: a
// figure grew when every sample of the last third of that half is above
// every sample of its first third by more than a margin. A leak climbs
// steadily and passes that; the swings of churn and garbage collection do
// not. The margins: RSS 4 MB plus 5%; 4 fds and 10 goroutines, plus 4
// fds and 6 goroutines per churner, since each live churner adds a
// listener and a few connections (each with its goroutines) to the count,
// and how many are alive changes all the time. It returns the reasons to
// fail and notes.
func growth(samples []soakSample, d time.Duration, churners int) (reasons, notes []string) {
	var half []soakSample
	for _, s := range samples {
		if s.At >= d/2 {
			half = append(half, s)
		}
	}
	if len(half) < minGrowthSamples {
		return nil, []string{fmt.Sprintf("growth not judged: %d samples in the last half, %d needed (a longer --soak or a shorter sample interval)", len(half), minGrowthSamples)}
	}
	if half[0].Inst != half[len(half)-1].Inst {
		notes = append(notes, "the last half spans a restart; growth is judged across it")
	}
	third := len(half) / 3
	first, last := half[:third], half[len(half)-third:]
	type figure struct {
		name   string
		get    func(soakSample) float64
		margin func(float64) float64
		unit   string
	}
	figures := []figure{
		{"RSS", func(s soakSample) float64 { return float64(s.RSS) / 1e6 }, func(v float64) float64 { return 4 + v/20 }, "MB"},
		{"open fds", func(s soakSample) float64 { return float64(s.FDs) }, func(float64) float64 { return 4 + 4*float64(churners) }, ""},
	}
	if half[0].Goroutines >= 0 {
		figures = append(figures, figure{"goroutines", func(s soakSample) float64 { return float64(s.Goroutines) }, func(float64) float64 { return 10 + 6*float64(churners) }, ""})
	}
	for _, f := range figures {
		hiFirst, loLast := f.get(first[0]), f.get(last[0])
		for _, s := range first {
			hiFirst = max(hiFirst, f.get(s))
		}
		for _, s := range last {
			loLast = min(loLast, f.get(s))
		}
		if loLast > hiFirst+f.margin(hiFirst) {
			reasons = append(reasons, fmt.Sprintf("%s grew over the last half: at least %.1f%s at its end, at most %.1f%s at its start", f.name, loLast, f.unit, hiFirst, f.unit))
		}
	}
	return reasons, notes
}
