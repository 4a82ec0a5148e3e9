package relayd

import (
	"context"
	"net/netip"
	"time"

	"relayd/limiter"
	"relayd/registry"
	"relayd/rpc"
)

// registerMethods fills the method table with the names of PROTOCOL.md
// section 2 (the introspection names and system.multicall come with the rpc
// server).
func (r *Relay) registerMethods() {
	must := func(m rpc.Method) {
		if err := r.rpc.Register(r.guarded(m)); err != nil {
			panic(err) // a programming error: a name taken twice
		}
	}
	hostIDArg := []string{"host_id"}
	must(rpc.Method{
		Names:       []string{"relay.register"},
		Help:        "Register the calling satellite. Give the port where it serves XML-RPC and, optionally, a nick (defaults to the host_id), a list of plugin names and a notify_pass, which the relay then sends back in every notify call so the satellite can tell that a notification comes from its relay. The satellite's IP is the address the call comes from. Registering again from the same IP and port replaces nick, plugins, notify_pass and ctime and keeps the host_id. Returns the host_id, \"IP:PORT\".",
		Signature:   [][]string{{"string", "struct"}},
		Args:        []string{"port", "nick", "plugins", "notify_pass"},
		ArgDefaults: []rpc.Member{{Name: "nick", Value: rpc.String("")}, {Name: "plugins", Value: rpc.Array()}, {Name: "notify_pass", Value: rpc.String("")}},
		Handler:     r.register,
	})
	must(rpc.Method{
		Names:     []string{"relay.deregister"},
		Help:      "Revoke a satellite's registration. Only a call from the satellite's own IP may do it. Returns \"OK\"; KeyError if the host_id is not registered.",
		Signature: [][]string{{"string", "struct"}},
		Args:      hostIDArg,
		Handler:   r.deregister,
	})
	must(rpc.Method{
		Names:     []string{"relay.relay"},
		Help:      "Relay data (any XML-RPC value) from the calling satellite to every other registered satellite, which receives notify({host_id, data, notify_pass}). Only a call from the satellite's own IP may relay as it. Returns \"OK\" once the message is queued; a full relay queue is a Co2RegistryError fault the caller may retry.",
		Signature: [][]string{{"string", "struct"}},
		Args:      []string{"host_id", "data"},
		Handler:   r.relay,
	})
	must(rpc.Method{
		Names:     []string{"relay.get_satellites", "co2.get_satellites", "web.get_satellites"},
		Help:      "Get the host_ids of the registered satellites, in registration order.",
		Signature: [][]string{{"array"}, {"array", "struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			if _, err := rpc.StructParam(params); err != nil {
				return rpc.Value{}, err
			}
			return rpc.Strings(r.reg.IDs()), nil
		},
	})
	must(rpc.Method{
		Names:     []string{"relay.get_num_satellites", "co2.get_num_satellites", "web.get_num_satellites"},
		Help:      "Get the number of satellites registered now.",
		Signature: [][]string{{"int"}, {"int", "struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			if _, err := rpc.StructParam(params); err != nil {
				return rpc.Value{}, err
			}
			return rpc.Int(int64(r.reg.Len())), nil
		},
	})
	must(rpc.Method{
		Names:     []string{"relay.get_max_satellites", "co2.get_max_satellites", "web.get_max_satellites"},
		Help:      "Get the most satellites that may be registered at the same time.",
		Signature: [][]string{{"int"}, {"int", "struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			if _, err := rpc.StructParam(params); err != nil {
				return rpc.Value{}, err
			}
			return rpc.Int(int64(r.reg.Max())), nil
		},
	})
	must(rpc.Method{
		Names:     []string{"relay.get_satellite_props", "co2.get_satellite_props", "web.get_satellite_props", "co2.get_satellite"},
		Help:      "Get a satellite's status and statistics: host_id, addr [ip, port], nick, plugins, ctime, ping_current, ping_count, ping_min, ping_max, ping_avg (milliseconds, -1 before the first ping), ping_fails, send_count, send_time, recv_count, recv_time, and relayd's queue_depth, dropped, notify_fails, state (up or suspect) and batch (notifications per call: 1, or up to --batch for a satellite that serves system.multicall). Times are dateTimes; one that has not happened yet is 19700101T00:00:00. KeyError if the host_id is not registered.",
		Signature: [][]string{{"struct", "struct"}},
		Args:      hostIDArg,
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			return r.props(params, rpc.DateTime)
		},
	})
	must(rpc.Method{
		Names:     []string{"relay.get_satellite_props_raw"},
		Help:      "Get the same struct as relay.get_satellite_props, with every time as a double (UNIX seconds) instead of a dateTime.",
		Signature: [][]string{{"struct", "struct"}},
		Args:      hostIDArg,
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			return r.props(params, unixSeconds)
		},
	})
	must(rpc.Method{
		Names:     []string{"relay.get_satellite_ctime", "co2.get_satellite_ctime", "web.get_satellite_ctime"},
		Help:      "Get a satellite's registration time as a double, UNIX seconds. KeyError if the host_id is not registered.",
		Signature: [][]string{{"double", "struct"}},
		Args:      hostIDArg,
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			sat, err := r.lookup(params)
			if err != nil {
				return rpc.Value{}, err
			}
			return unixSeconds(sat.CTime), nil
		},
	})
	must(rpc.Method{
		Names:     []string{"ping", "web.ping"},
		Help:      "Answer a ping request with the string \"pong\".",
		Signature: [][]string{{"string"}, {"string", "struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			if _, err := rpc.StructParam(params); err != nil {
				return rpc.Value{}, err
			}
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
		Names:       []string{"call_method", "web.call_method", "method_call", "web.method_call"},
		Help:        "'Anonymized' call: call the method named method_name with data as its one parameter (no parameter when data is absent) and return what it returns.",
		Signature:   [][]string{{"any", "struct"}},
		Args:        []string{"method_name", "data"},
		ArgDefaults: []rpc.Member{{Name: "data", Value: rpc.Struct()}},
		Handler:     r.callMethod,
	})
	must(rpc.Method{
		Names:     []string{"system.get_properties", "sys.get_properties", "web.get_properties"},
		Help:      "Get the relay's properties: co2_author, kernel, uptime (seconds), operating_system, maintainer, start_time, sw_platform, hw_platform, co2_version, maintainer_email, hardware, plugins, server_time, processor, and relayd's figures (satellites, messages accepted, delivered, dropped, state file health).",
		Signature: [][]string{{"struct"}, {"struct", "struct"}},
		Handler: func(_ context.Context, params []rpc.Value) (rpc.Value, error) {
			if _, err := rpc.StructParam(params); err != nil {
				return rpc.Value{}, err
			}
			return r.properties(), nil
		},
	})
}

// caller is the IP the current call came from.
func caller(ctx context.Context) netip.Addr {
	ap, _ := rpc.Peer(ctx)
	return ap.Addr()
}

func (r *Relay) register(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
	if err := r.checkWrite(ctx, "register"); err != nil {
		return rpc.Value{}, err
	}
	st, err := rpc.StructParam(params)
	if err != nil {
		return rpc.Value{}, err
	}
	port, _, err := rpc.IntMember(st, "port", true)
	if err != nil {
		return rpc.Value{}, err
	}
	if port < 1 || port > 65535 {
		return rpc.Value{}, rpc.Faultf(rpc.CodeInvalidParams, "port must be 1-65535, not %d", port)
	}
	nick, _, err := rpc.StringMember(st, "nick", false)
	if err != nil {
		return rpc.Value{}, err
	}
	pass, _, err := rpc.StringMember(st, "notify_pass", false)
	if err != nil {
		return rpc.Value{}, err
	}
	plugins, err := stringList(st, "plugins")
	if err != nil {
		return rpc.Value{}, err
	}
	sat, added, err := r.reg.Register(registry.Registration{
		IP: caller(ctx), Port: int(port), Nick: nick, Plugins: plugins, NotifyPass: pass,
	}, r.now())
	if err != nil {
		return rpc.Value{}, coFault(err, false)
	}
	r.lim.AddTarget(sat.HostID)
	// No ping now: the probe is already a call to the new satellite, and
	// its first ping comes at its slot in the interval, as co2's did.
	// Pinging at once made every registration two calls (a fifth of the
	// relay's CPU in a storm of 10,000 registrations).
	r.batch.Probe(sat.HostID)
	r.changed()
	r.log.Info("satellite registered", "host_id", sat.HostID, "nick", sat.Nick, "again", !added)
	return rpc.String(sat.HostID), nil
}

func (r *Relay) deregister(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
	if err := r.checkWrite(ctx, "deregister"); err != nil {
		return rpc.Value{}, err
	}
	id, err := hostIDParam(params)
	if err != nil {
		return rpc.Value{}, err
	}
	sat, err := r.reg.Deregister(id, caller(ctx))
	if err != nil {
		return rpc.Value{}, coFault(err, true)
	}
	r.lim.RemoveTarget(id)
	r.changed()
	r.log.Info("satellite deregistered", "host_id", id, "nick", sat.Nick)
	return rpc.String("OK"), nil
}

func (r *Relay) relay(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
	if err := r.checkWrite(ctx, "relay"); err != nil {
		return rpc.Value{}, err
	}
	st, err := rpc.StructParam(params)
	if err != nil {
		return rpc.Value{}, err
	}
	id, _, err := rpc.StringMember(st, "host_id", true)
	if err != nil {
		return rpc.Value{}, err
	}
	data, ok := st.Get("data")
	if !ok {
		return rpc.Value{}, rpc.Faultf(rpc.CodeInvalidParams, "missing required member \"data\" (any value)")
	}
	if err := r.reg.CheckSender(id, caller(ctx)); err != nil {
		return rpc.Value{}, coFault(err, false)
	}
	if _, err := r.lim.Submit(limiter.Message{Sender: id, Payload: data}); err != nil {
		return rpc.Value{}, coFault(err, false)
	}
	r.reg.RecordSend(id, caller(ctx), r.now())
	return rpc.String("OK"), nil
}

func (r *Relay) callMethod(ctx context.Context, params []rpc.Value) (rpc.Value, error) {
	st, err := rpc.StructParam(params)
	if err != nil {
		return rpc.Value{}, err
	}
	name, _, err := rpc.StringMember(st, "method_name", true)
	if err != nil {
		return rpc.Value{}, err
	}
	if m, ok := r.rpc.Lookup(name); ok && (m.Names[0] == "call_method" || m.Names[0] == "system.multicall") {
		return rpc.Value{}, rpc.Faultf(rpc.CodeInvalidParams, "call_method cannot call %q", name)
	}
	var args []rpc.Value
	if data, ok := st.Get("data"); ok {
		args = []rpc.Value{data}
	}
	return r.rpc.Call(ctx, name, args)
}

// lookup reads {host_id} and finds that satellite (KeyError if unknown).
func (r *Relay) lookup(params []rpc.Value) (registry.Satellite, error) {
	id, err := hostIDParam(params)
	if err != nil {
		return registry.Satellite{}, err
	}
	sat, ok := r.reg.Get(id)
	if !ok {
		return registry.Satellite{}, coFault(registry.NotRegistered(id), true)
	}
	return sat, nil
}

func hostIDParam(params []rpc.Value) (string, error) {
	st, err := rpc.StructParam(params)
	if err != nil {
		return "", err
	}
	id, _, err := rpc.StringMember(st, "host_id", true)
	return id, err
}

// stringList reads an optional array-of-strings member.
func stringList(st rpc.Value, key string) ([]string, error) {
	v, ok := st.Get(key)
	if !ok {
		return nil, nil
	}
	if v.Kind != rpc.KindArray {
		return nil, rpc.Faultf(rpc.CodeInvalidParams, "member %q must be an array of strings, not a %s", key, v.Kind)
	}
	out := make([]string, len(v.Array))
	for i, e := range v.Array {
		if e.Kind != rpc.KindString {
			return nil, rpc.Faultf(rpc.CodeInvalidParams, "member %q must be an array of strings; item %d is a %s", key, i, e.Kind)
		}
		out[i] = e.Str
	}
	return out, nil
}

// unixSeconds is a time as a double of UNIX seconds (0 for "never").
func unixSeconds(t time.Time) rpc.Value {
	if t.IsZero() {
		return rpc.Double(0)
	}
	return rpc.Double(float64(t.UnixNano()) / 1e9)
}
