package main

import (
	"fmt"
	"sort"
	"time"
)

// Scenario is one load shape.
type Scenario struct {
	Name string
	// Senders is the number of sending goroutines, each with its own
	// keep-alive connection.
	Senders int
	// SenderSats is the number of registered satellites the senders relay
	// as, round-robin (0: one per sender). Each also receives what the
	// others relay.
	SenderSats int
	// Receivers is the number of satellites that only receive, answering
	// each notify at once.
	Receivers int
	// Size is the bytes of padding in each message's data.
	Size int
	// Rate is messages per second over all senders; 0 sends as fast as the
	// window allows.
	Rate float64
	// Window caps, per sender satellite, the messages accepted but not yet
	// received by every receiver, so that a flat-out sender measures what
	// the relay delivers rather than how fast outboxes overflow (0: no
	// window; with no receivers there is none either).
	Window int
	// Hung adds a receiver that accepts connections and never answers.
	Hung bool
	// Slow adds a receiver that takes this long per notification (0: none).
	Slow time.Duration
	// Multicall makes every receiver offer system.multicall, so that a
	// batching relay sends it several notifications per request.
	Multicall bool
	// Lean makes the satellites read notifications with a scan instead of
	// rpc.DecodeCall (leanscan.go), so that their XML decoding does not
	// compete with the relay for the machine's CPU.
	Lean bool
	// Register, when set, makes the scenario register this many satellites
	// (Senders at a time) and measure registration and memory; no traffic.
	Register int
}

// senderSats is the number of satellites the senders relay as.
func (s Scenario) senderSats() int {
	if s.SenderSats > 0 {
		return min(s.SenderSats, s.Senders)
	}
	return s.Senders
}

// deliveryConns is how many satellites answer notifications at once: the
// concurrency of the delivery ceiling (each satellite has one pump).
func (s Scenario) deliveryConns() int {
	n := s.Receivers
	if k := s.senderSats(); k > 1 {
		n += k
	}
	return n
}

// describe is the scenario in a few words, for the tables.
func (s Scenario) describe() string {
	if s.Register > 0 {
		return fmt.Sprintf("register %d satellites, %d at a time", s.Register, s.Senders)
	}
	d := fmt.Sprintf("%d sender(s) as %d satellite(s), %d receivers, %d B", s.Senders, s.senderSats(), s.Receivers, s.Size)
	if s.Rate > 0 {
		d += fmt.Sprintf(", %g msg/s", s.Rate)
	}
	if s.Hung {
		d += ", +1 hung"
	}
	if s.Slow > 0 {
		d += fmt.Sprintf(", +1 slow (%v)", s.Slow)
	}
	if s.Multicall {
		d += ", multicall"
	}
	if s.Lean {
		d += ", lean satellites"
	}
	return d
}

// The latency preset paces 1,000 messages a second over four connections
// of one sender, so that the rate holds while a call takes up to 4 ms.
// Without batching each receiver's pump must then finish a notify round
// trip every millisecond, in order; latency-batch lets it batch.

// defaultWindow keeps a sender's messages in flight well under relayd's
// default outbox of 1,000, so that no outbox overflows.
const defaultWindow = 256

// presets are the named scenarios; the suite runs them in suiteOrder.
// Their satellites are lean (see leanscan.go): the ceiling's bare handler
// decodes nothing either, so the ratios compare like with like, and the
// relay rather than the bench's XML decoding is what runs out of CPU.
// --lean-sats=false decodes every notification with rpc.DecodeCall.
var presets = map[string]Scenario{
	"custom":        {Name: "custom", Senders: 1, Receivers: 10, Size: 100, Window: defaultWindow, Lean: true},
	"ingest":        {Name: "ingest", Senders: 4, SenderSats: 1, Receivers: 0, Size: 100, Lean: true},
	"fanout":        {Name: "fanout", Senders: 1, Receivers: 20, Size: 100, Window: defaultWindow, Lean: true},
	"latency":       {Name: "latency", Senders: 4, SenderSats: 1, Receivers: 10, Size: 100, Rate: 1000, Window: defaultWindow, Lean: true},
	"latency-batch": {Name: "latency-batch", Senders: 4, SenderSats: 1, Receivers: 10, Size: 100, Rate: 1000, Window: defaultWindow, Multicall: true, Lean: true},
	"fanout10":      {Name: "fanout10", Senders: 1, Receivers: 10, Size: 100, Window: defaultWindow, Lean: true},
	"hung":          {Name: "hung", Senders: 1, Receivers: 10, Size: 100, Window: defaultWindow, Hung: true, Lean: true},
	"slow":          {Name: "slow", Senders: 1, Receivers: 10, Size: 100, Window: defaultWindow, Slow: 50 * time.Millisecond, Lean: true},
	"register":      {Name: "register", Senders: 4, Register: 10000},
	"batch":         {Name: "batch", Senders: 4, SenderSats: 1, Receivers: 20, Size: 100, Window: defaultWindow, Multicall: true, Lean: true},
}

// suiteOrder is the order --suite runs the presets in. The hung and slow
// runs are compared with fanout10, run before and after them in mirror
// order (B H S S H B), so that a load on the machine that rises or falls
// steadily weighs on both sides of each comparison alike.
var suiteOrder = []string{"ingest", "fanout", "latency", "latency-batch", "fanout10", "hung", "slow", "slow", "hung", "fanout10", "register", "batch"}

// presetNames lists the presets, sorted, for help and errors.
func presetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
