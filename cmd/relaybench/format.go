package main

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// formatNumber writes f for a table: whole numbers from 100 up with
// thousands separators, one decimal from 10, two below.
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return "-"
	case math.Abs(f) >= 100:
		return groupThousands(strconv.FormatInt(int64(math.Round(f)), 10))
	case math.Abs(f) >= 10:
		return strconv.FormatFloat(f, 'f', 1, 64)
	default:
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
}

// formatRate is formatNumber with a unit glued on ("31,200/s").
func formatRate(f float64, unit string) string { return formatNumber(f) + unit }

// groupThousands puts commas into a string of digits (with an optional sign).
func groupThousands(digits string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// MarshalJSON writes latencies in milliseconds.
func (s LatencySummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Count uint64  `json:"count"`
		P50   float64 `json:"p50_ms"`
		P99   float64 `json:"p99_ms"`
		Max   float64 `json:"max_ms"`
	}{s.Count, ms(s.P50), ms(s.P99), ms(s.Max)})
}

// MarshalJSON writes a scenario with its slow delay in milliseconds.
func (s Scenario) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Name       string  `json:"name"`
		Senders    int     `json:"senders"`
		SenderSats int     `json:"sender_satellites"`
		Receivers  int     `json:"receivers"`
		Size       int     `json:"size"`
		Rate       float64 `json:"rate"`
		Window     int     `json:"window"`
		Hung       bool    `json:"hung"`
		SlowMS     float64 `json:"slow_ms"`
		Multicall  bool    `json:"multicall"`
		Lean       bool    `json:"lean_satellites"`
		Register   int     `json:"register,omitempty"`
	}{s.Name, s.Senders, s.senderSats(), s.Receivers, s.Size, s.Rate, s.Window, s.Hung, ms(s.Slow), s.Multicall, s.Lean, s.Register})
}
