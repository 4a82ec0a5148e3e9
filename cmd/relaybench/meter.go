package main

import (
	"sync/atomic"
	"time"
)

// The phases of a measurement: only what happens while measuring counts.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseDone
)

// meter is one run's clock and phase. Senders stamp each message with the
// time since the meter's epoch and receivers subtract it (both sides live
// in this process, so the monotonic clock makes latency exact).
type meter struct {
	now   func() time.Time
	epoch time.Time
	phase atomic.Int32
}

func newMeter(now func() time.Time) *meter {
	return &meter{now: now, epoch: now()}
}

// since is the time since the meter's epoch.
func (m *meter) since() time.Duration { return m.now().Sub(m.epoch) }

// measuring says whether events now are counted.
func (m *meter) measuring() bool { return m.phase.Load() == phaseMeasure }

// set moves to phase p and returns the time it did.
func (m *meter) set(p int32) time.Time {
	m.phase.Store(p)
	return m.now()
}
