package main

import "fmt"

// Check is one line of the suite's verdict: a target, what was measured,
// the ratio the target is about, and whether it passed.
type Check struct {
	Name     string  `json:"name"`
	Target   string  `json:"target"`
	Measured string  `json:"measured"`
	Ratio    float64 `json:"ratio"` // measured / baseline, or measured / limit for an absolute target
	Pass     bool    `json:"pass"`
	Note     string  `json:"note,omitempty"`
}

// atLeastRatio checks got/base >= want: a figure against its ceiling or
// baseline.
func atLeastRatio(name string, got, base, want float64, unit, baseName string) Check {
	r := ratio(got, base)
	return Check{
		Name:     name,
		Target:   fmt.Sprintf(">= %.2f x %s", want, baseName),
		Measured: fmt.Sprintf("%s of %s", formatRate(got, unit), formatRate(base, unit)),
		Ratio:    r,
		Pass:     base > 0 && r >= want,
	}
}

// below checks got < limit, an absolute ceiling.
func below(name string, got, limit float64, unit string) Check {
	return Check{
		Name:     name,
		Target:   fmt.Sprintf("< %s %s", formatNumber(limit), unit),
		Measured: fmt.Sprintf("%s %s", formatNumber(got), unit),
		Ratio:    ratio(got, limit),
		Pass:     got >= 0 && got < limit,
	}
}

// atLeast checks got >= limit, an absolute floor.
func atLeast(name string, got, limit float64, unit string) Check {
	return Check{
		Name:     name,
		Target:   fmt.Sprintf(">= %s %s", formatNumber(limit), unit),
		Measured: fmt.Sprintf("%s %s", formatNumber(got), unit),
		Ratio:    ratio(got, limit),
		Pass:     got >= limit,
	}
}

// failed is a check whose scenario did not run.
func failed(name, target, why string) Check {
	return Check{Name: name, Target: target, Measured: "-", Note: why}
}

// suiteChecks turns the suite's results, by scenario name, into the
// targets of the issue. A scenario run more than once (the baselines of
// the hung and slow comparisons) counts with the mean of its runs. It is
// pure: every figure comes from results.
func suiteChecks(results map[string][]Result) []Check {
	var checks []Check
	// get returns the named results, or a failed check naming the first
	// that did not run.
	get := func(name, target string, scenarios ...string) ([]Result, bool) {
		var rs []Result
		for _, s := range scenarios {
			runs := results[s]
			if len(runs) == 0 {
				checks = append(checks, failed(name, target, "scenario "+s+" did not run"))
				return nil, false
			}
			for _, r := range runs {
				if r.Err != "" {
					checks = append(checks, failed(name, target, "scenario "+s+": "+r.Err))
					return nil, false
				}
			}
			r := runs[0]
			r.ReceiverDeliveries = meanReceiverDeliveries(runs)
			rs = append(rs, r)
		}
		return rs, true
	}

	if rs, ok := get("ingest, no receivers", ">= 0.75 x ceiling", "ingest"); ok {
		checks = append(checks, atLeastRatio("ingest, no receivers", rs[0].Ingest, rs[0].IngestCeiling, 0.75, "/s", "ceiling"))
	}
	if rs, ok := get("1 sender, 20 receivers: deliveries", ">= 0.50 x ceiling", "fanout"); ok {
		checks = append(checks, atLeastRatio("1 sender, 20 receivers: deliveries", rs[0].Deliveries, rs[0].DeliveryCeiling, 0.5, "/s", "ceiling"))
	}
	if rs, ok := get("1,000 msg/s to 10 receivers: p99", "< 5 ms", "latency"); ok {
		checks = append(checks, latencyCheck("1,000 msg/s to 10 receivers: p99", rs[0]))
	}
	if rs, ok := get("the same, batching: p99", "< 5 ms", "latency-batch"); ok {
		checks = append(checks, latencyCheck("the same, batching: p99", rs[0]))
	}
	if rs, ok := get("one hung receiver: others' deliveries", ">= 0.90 x without it", "fanout10", "hung"); ok {
		checks = append(checks, atLeastRatio("one hung receiver: others' deliveries", rs[1].ReceiverDeliveries, rs[0].ReceiverDeliveries, 0.9, "/s", "without it"))
	}
	if rs, ok := get("one slow receiver: others' deliveries", ">= 0.90 x without it", "fanout10", "slow"); ok {
		checks = append(checks, atLeastRatio("one slow receiver: others' deliveries", rs[1].ReceiverDeliveries, rs[0].ReceiverDeliveries, 0.9, "/s", "without it"))
	}
	if rs, ok := get("10,000 satellites: RSS", "< 150 MB", "register"); ok {
		c := below("10,000 satellites: RSS", float64(rs[0].RSS)/1e6, 150, "MB")
		if rs[0].RSS < 0 {
			c.Measured, c.Note = "-", "the relay's process is unknown (--relay without --relay-pid)"
		}
		checks = append(checks, c)
		checks = append(checks, atLeast("10,000 satellites: registrations", rs[0].RegisterRate, 5000, "/s"))
	}
	if rs, ok := get("batching: deliveries", ">= 1.50 x per-request ceiling", "batch"); ok {
		c := atLeastRatio("batching: deliveries", rs[0].Deliveries, rs[0].DeliveryCeiling, 1.5, "/s", "per-request ceiling")
		if rs[0].Batched >= rs[0].Received && rs[0].Received > 0 {
			c.Note = "the relay sent no batches (one notification per request)"
		}
		checks = append(checks, c)
	}
	return checks
}

// latencyCheck checks a p99 under 5 ms and notes the p99 of one bare
// round trip at the same rate: the machine's share of the relay's path.
func latencyCheck(name string, r Result) Check {
	c := below(name, ms(r.Latency.P99), 5, "ms")
	if rt := r.BareRoundTrip; rt.Count > 0 {
		c.Note = fmt.Sprintf("a bare round trip at this rate: p99 %s ms", formatNumber(ms(rt.P99)))
	}
	return c
}

// meanReceiverDeliveries is the mean of the runs' ReceiverDeliveries.
func meanReceiverDeliveries(runs []Result) float64 {
	var sum float64
	for _, r := range runs {
		sum += r.ReceiverDeliveries
	}
	return sum / float64(len(runs))
}
