package satellite

import (
	"runtime"
	"time"

	"relayd/rpc"
)

// Version is the satellite library's version, shown as co2_version.
const Version = "0.1.0"

// properties answers system.get_properties: co2's keys with true values of
// this host and build, then the satellite's own. Never the notify_pass.
func (s *Satellite) properties() rpc.Value {
	now := s.cfg.Now()
	st := s.Stats()
	h := s.host
	return rpc.Struct(
		rpc.Member{Name: "co2_author", Value: rpc.String("relayd authors (after co2 by elektro/lu, 2003)")},
		rpc.Member{Name: "kernel", Value: rpc.String(h.Kernel)},
		rpc.Member{Name: "uptime", Value: rpc.Int(int64(now.Sub(s.start) / time.Second))},
		rpc.Member{Name: "operating_system", Value: rpc.String(h.OS)},
		rpc.Member{Name: "maintainer", Value: rpc.String("")},
		rpc.Member{Name: "start_time", Value: rpc.DateTime(s.start)},
		rpc.Member{Name: "sw_platform", Value: rpc.String("relayd satellite " + Version + " (" + runtime.Version() + ")")},
		rpc.Member{Name: "hw_platform", Value: rpc.String(runtime.GOARCH)},
		rpc.Member{Name: "co2_version", Value: rpc.String(Version)},
		rpc.Member{Name: "maintainer_email", Value: rpc.String("")},
		rpc.Member{Name: "hardware", Value: rpc.String(h.Hardware)},
		rpc.Member{Name: "plugins", Value: rpc.Strings(s.plugins())},
		rpc.Member{Name: "server_time", Value: rpc.DateTime(now)},
		rpc.Member{Name: "processor", Value: rpc.String(h.Processor)},
		rpc.Member{Name: "nick", Value: rpc.String(s.cfg.Nick)},
		rpc.Member{Name: "host_id", Value: rpc.String(s.HostID())},
		rpc.Member{Name: "relay", Value: rpc.String(s.cfg.Relay)},
		rpc.Member{Name: "notifications_received", Value: rpc.Int(int64(st.Received))},
		rpc.Member{Name: "notifications_handled", Value: rpc.Int(int64(st.Handled))},
		rpc.Member{Name: "notifications_dropped", Value: rpc.Int(int64(st.Dropped))},
		rpc.Member{Name: "notifications_refused", Value: rpc.Int(int64(st.Refused))},
		rpc.Member{Name: "queue_depth", Value: rpc.Int(int64(st.QueueDepth))},
		rpc.Member{Name: "relayed", Value: rpc.Int(int64(st.Relayed))},
		rpc.Member{Name: "ping_count", Value: rpc.Int(int64(st.Pings))},
		rpc.Member{Name: "ping_time", Value: rpc.DateTime(orEpoch(st.LastPing))},
		rpc.Member{Name: "registrations", Value: rpc.Int(int64(st.Registrations))},
		rpc.Member{Name: "reregistrations", Value: rpc.Int(int64(st.Reregistrations))},
	)
}
