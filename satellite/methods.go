package satellite

import (
	"context"
	"time"

	"relayd/rpc"
)

// registerMethods fills the method table: what the relay calls (notify,
// ping), the co2 test method and the properties. The introspection names
// and system.multicall come with the rpc server.
func (s *Satellite) registerMethods() {
	must := func(m rpc.Method) {
		if err := s.rpc.Register(m); err != nil {
			panic(err) // a programming error: a name taken twice
		}
	}
	must(rpc.Method{
		Names:       []string{"notify"},
		Help:        "Receive data another satellite relayed: {host_id: the sender, data: what it relayed, notify_pass: this satellite's pass, from its relay}. The notification is queued for the satellite's handler and \"OK\" returned at once; a full queue drops it (counted). When the satellite has a notify_pass, a call without the right one is refused with a PermissionError fault.",
		Signature:   [][]string{{"string", "struct"}},
		Args:        []string{"host_id", "data", "notify_pass"},
		ArgDefaults: []rpc.Member{{Name: "notify_pass", Value: rpc.String("")}},
		Handler:     s.notify,
	})
	must(rpc.Method{
		Names:     []string{"ping", "web.ping"},
		Help:      "Answer a ping request with the string \"pong\". The relay pings each satellite periodically; the satellite takes the pings as a sign that the relay still knows it.",
		Signature: [][]string{{"string"}, {"string", "struct"}},
		Handler: func(context.Context, []rpc.Value) (rpc.Value, error) {
			now := s.cfg.Now()
			s.counts.pings.Add(1)
			s.counts.lastPingNanos.Store(now.UnixNano())
			s.heard(now)
			return rpc.String("pong"), nil
		},
	})
	must(rpc.Method{
		Names:     []string{"test", "web.test"},
		Help:      "Just a test method: returns the struct it was given, unchanged.",
		Signature: [][]string{{"struct", "struct"}, {"struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			return rpc.StructParam(params)
		},
	})
	must(rpc.Method{
		Names:     []string{"system.get_properties", "sys.get_properties", "web.get_properties"},
		Help:      "Get the satellite's properties: co2's keys (co2_author, kernel, uptime, operating_system, maintainer, start_time, sw_platform, hw_platform, co2_version, maintainer_email, hardware, plugins, server_time, processor) and the satellite's own (nick, host_id, relay, and its notification and relay counts).",
		Signature: [][]string{{"struct"}, {"struct", "struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			if _, err := rpc.StructParam(params); err != nil {
				return rpc.Value{}, err
			}
			return s.properties(), nil
		},
	})
}

// epoch is the dateTime sent for a time that has not happened yet
// (PROTOCOL.md section 5).
var epoch = time.Unix(0, 0).UTC()

func orEpoch(t time.Time) time.Time {
	if t.IsZero() {
		return epoch
	}
	return t
}
