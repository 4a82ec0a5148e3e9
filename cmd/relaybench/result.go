package main

// Result is what one scenario measured. Rates are per second of the
// measuring phase; counts cover the whole scenario.
type Result struct {
	Scenario Scenario `json:"scenario"`
	Mode     string   `json:"mode"`            // inprocess, child or external
	Err      string   `json:"error,omitempty"` // why the scenario could not run, if it could not

	Seconds float64 `json:"seconds"` // length of the measuring phase

	Ingest        float64 `json:"ingest_per_s"`         // relay.relay calls accepted per second
	IngestCeiling float64 `json:"ingest_ceiling_per_s"` // the same calls per second against a bare handler
	// Deliveries counts notifications received per second by every
	// satellite that answers at once (receivers, and senders when several
	// relay); ReceiverDeliveries by the plain receivers only, which is what
	// the hung and slow comparisons use.
	Deliveries         float64        `json:"deliveries_per_s"`
	ReceiverDeliveries float64        `json:"receiver_deliveries_per_s"`
	DeliveryCeiling    float64        `json:"delivery_ceiling_per_s"` // notify calls per second against a bare handler, one connection per answering satellite
	Latency            LatencySummary `json:"latency"`
	// BareRoundTrip is, for a paced scenario, one notify round trip to the
	// bare handler at the scenario's rate on each of Receivers connections:
	// what the machine gives a single hop, while Latency takes two.
	BareRoundTrip LatencySummary `json:"bare_round_trip"`

	Accepted     uint64     `json:"accepted"` // relay.relay calls accepted
	Rejected     uint64     `json:"rejected"` // refused with "relay queue full"
	Errors       uint64     `json:"errors"`   // other faults and transport errors
	FirstError   string     `json:"first_error,omitempty"`
	WindowStalls uint64     `json:"window_stalls"` // times a sender's window stayed shut for a second
	Received     uint64     `json:"received"`      // notifications the satellites received
	Batched      uint64     `json:"requests"`      // of the requests that carried them, how many (< Received when batched)
	Relay        relayStats `json:"relay"`

	BenchCPU float64 `json:"bench_cpu_cores"` // relaybench's own CPU in cores over the measuring phase (load, fake satellites; the relay too in process); -1 unknown
	CPU      float64 `json:"cpu_cores"`       // relay's CPU in cores over the measuring phase; -1 unknown
	RSS      int64   `json:"rss_bytes"`       // relay's resident memory at the end of the phase, bytes; -1 unknown
	HWM      int64   `json:"hwm_bytes"`       // relay's peak resident memory, bytes; -1 unknown

	Registered   int     `json:"registered,omitempty"`     // register scenario: satellites registered
	RegisterRate float64 `json:"register_per_s,omitempty"` // register scenario: registrations per second
}

// ratio is a / b, or 0 when b is not positive.
func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}
