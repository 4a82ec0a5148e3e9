package relayd

import (
	"runtime"
	"time"

	"relayd/registry"
	"relayd/rpc"
)

// Version is relayd's version, shown as co2_version.
const Version = "0.1.0"

// epoch is what PROTOCOL.md calls the zero-ish dateTime: a time that has not
// happened yet is sent as 19700101T00:00:00.
var epoch = time.Unix(0, 0).UTC()

func orEpoch(t time.Time) time.Time {
	if t.IsZero() {
		return epoch
	}
	return t
}

// props answers get_satellite_props (timeValue = rpc.DateTime) and
// get_satellite_props_raw (timeValue = unixSeconds).
func (r *Relay) props(params []rpc.Value, timeValue func(time.Time) rpc.Value) (rpc.Value, error) {
	sat, err := r.lookup(params)
	if err != nil {
		return rpc.Value{}, err
	}
	return r.satelliteProps(sat, timeValue), nil
}

// satelliteProps is every field of PROTOCOL.md section 5 plus relayd's
// queue figures. notify_pass is never among them.
func (r *Relay) satelliteProps(sat registry.Satellite, timeValue func(time.Time) rpc.Value) rpc.Value {
	st := sat.Stats
	ts, _ := r.lim.Stats(sat.HostID)
	plugins := sat.Plugins
	if plugins == nil {
		plugins = []string{}
	}
	return rpc.Struct(
		rpc.Member{Name: "host_id", Value: rpc.String(sat.HostID)},
		rpc.Member{Name: "addr", Value: rpc.Array(rpc.String(sat.IP.String()), rpc.Int(int64(sat.Port)))},
		rpc.Member{Name: "nick", Value: rpc.String(sat.Nick)},
		rpc.Member{Name: "plugins", Value: rpc.Strings(plugins)},
		rpc.Member{Name: "ctime", Value: timeValue(orEpoch(sat.CTime))},
		rpc.Member{Name: "ping_current", Value: rpc.Double(st.PingCurrent)},
		rpc.Member{Name: "ping_count", Value: rpc.Int(st.PingCount)},
		rpc.Member{Name: "ping_min", Value: rpc.Double(st.PingMin)},
		rpc.Member{Name: "ping_max", Value: rpc.Double(st.PingMax)},
		rpc.Member{Name: "ping_avg", Value: rpc.Double(st.PingAvg)},
		rpc.Member{Name: "ping_fails", Value: rpc.Int(st.PingFails)},
		rpc.Member{Name: "send_count", Value: rpc.Int(st.SendCount)},
		rpc.Member{Name: "send_time", Value: timeValue(orEpoch(st.SendTime))},
		rpc.Member{Name: "recv_count", Value: rpc.Int(st.RecvCount)},
		rpc.Member{Name: "recv_time", Value: timeValue(orEpoch(st.RecvTime))},
		rpc.Member{Name: "queue_depth", Value: rpc.Int(int64(ts.QueueDepth))},
		rpc.Member{Name: "dropped", Value: rpc.Int(int64(ts.Dropped))},
		rpc.Member{Name: "notify_fails", Value: rpc.Int(int64(ts.NotifyFails))},
		rpc.Member{Name: "state", Value: rpc.String(ts.State.String())},
		rpc.Member{Name: "batch", Value: rpc.Int(int64(ts.Batch))},
	)
}

// properties answers system.get_properties with true values of this host
// and build, plus the relay's running totals.
func (r *Relay) properties() rpc.Value {
	now := r.now()
	tot := r.lim.Totals()
	h := r.host
	members := []rpc.Member{
		{Name: "co2_author", Value: rpc.String("relayd authors (after co2 by elektro/lu, 2003)")},
		{Name: "kernel", Value: rpc.String(h.Kernel)},
		{Name: "uptime", Value: rpc.Int(int64(now.Sub(r.start) / time.Second))},
		{Name: "operating_system", Value: rpc.String(h.OS)},
		{Name: "maintainer", Value: rpc.String(r.cfg.Maintainer)},
		{Name: "start_time", Value: rpc.DateTime(r.start)},
		{Name: "sw_platform", Value: rpc.String("relayd " + Version + " (" + runtime.Version() + ")")},
		{Name: "hw_platform", Value: rpc.String(runtime.GOARCH)},
		{Name: "co2_version", Value: rpc.String(Version)},
		{Name: "maintainer_email", Value: rpc.String(r.cfg.MaintainerEmail)},
		{Name: "hardware", Value: rpc.String(h.Hardware)},
		{Name: "plugins", Value: rpc.Strings([]string{})},
		{Name: "server_time", Value: rpc.DateTime(now)},
		{Name: "processor", Value: rpc.String(h.Processor)},
		{Name: "satellites", Value: rpc.Int(int64(r.reg.Len()))},
		{Name: "max_satellites", Value: rpc.Int(int64(r.reg.Max()))},
		{Name: "messages_accepted", Value: rpc.Int(int64(tot.Accepted))},
		{Name: "messages_rejected", Value: rpc.Int(int64(tot.Rejected))},
		{Name: "notifications_delivered", Value: rpc.Int(int64(tot.Delivered))},
		{Name: "notifications_dropped", Value: rpc.Int(int64(tot.Dropped))},
		{Name: "notify_fails", Value: rpc.Int(int64(tot.NotifyFails))},
		{Name: "intake_depth", Value: rpc.Int(int64(tot.IntakeDepth))},
	}
	members = append(members, r.guardProps()...)
	if r.state != nil {
		hl := r.state.Health()
		members = append(members,
			rpc.Member{Name: "state_file", Value: rpc.String(r.cfg.StatePath)},
			rpc.Member{Name: "state_ok", Value: rpc.Bool(hl.LastError == "")},
			rpc.Member{Name: "state_error", Value: rpc.String(hl.LastError)},
			rpc.Member{Name: "state_saved", Value: rpc.DateTime(orEpoch(hl.LastWrite))},
		)
	}
	return rpc.Struct(members...)
}
