# Every relay method and alias of PROTOCOL.md sections 2-5, called the way
# Python users call them, including from a second loopback address
# (127.0.0.2) to prove the address rules. Any failed check raises.
# usage: methods.py RELAY_URL
import http.client, sys, time, xmlrpc.client

url = sys.argv[1]

class FromAddress(xmlrpc.client.Transport):
    """A transport whose connections leave from a chosen source address."""
    def __init__(self, source):
        super().__init__()
        self.source = source
    def make_connection(self, host):
        if self._connection and host == self._connection[0]:
            return self._connection[1]
        chost, self._extra_headers, _ = self.get_host_info(host)
        self._connection = host, http.client.HTTPConnection(chost, source_address=(self.source, 0))
        return self._connection[1]

p = xmlrpc.client.ServerProxy(url)
other = xmlrpc.client.ServerProxy(url, transport=FromAddress("127.0.0.2"))

def m(proxy, name):
    return getattr(proxy, name)

def expect_fault(fn, code, prefix=""):
    try:
        got = fn()
    except xmlrpc.client.Fault as f:
        assert f.faultCode == code, (f.faultCode, f.faultString, code)
        assert f.faultString.startswith(prefix), (f.faultString, prefix)
        assert f.faultString.strip() != prefix.strip(), "a fault must say what was wrong: %r" % f.faultString
        return f.faultString
    raise AssertionError("expected fault %d, got %r" % (code, got))

ALL_NAMES = {
    "co2.get_method_names", "co2.co2_get_method_names", "sys.listMethods", "system.listMethods", "web.get_method_names",
    "co2.get_method_help", "sys.methodHelp", "system.methodHelp", "web.get_method_help",
    "co2.get_method_signature", "sys.methodSignature", "web.get_method_signature", "system.methodSignature",
    "system.get_properties", "sys.get_properties", "web.get_properties",
    "relay.register", "relay.deregister", "relay.relay",
    "relay.get_satellites", "co2.get_satellites", "web.get_satellites",
    "relay.get_num_satellites", "co2.get_num_satellites", "web.get_num_satellites",
    "relay.get_max_satellites", "co2.get_max_satellites", "web.get_max_satellites",
    "relay.get_satellite_props", "co2.get_satellite_props", "web.get_satellite_props", "co2.get_satellite",
    "relay.get_satellite_props_raw",
    "relay.get_satellite_ctime", "co2.get_satellite_ctime", "web.get_satellite_ctime",
    "ping", "web.ping", "test", "web.test",
    "call_method", "web.call_method", "method_call", "web.method_call",
    "system.multicall",
}

# Introspection: every name listed, sorted, the same under every alias.
names = p.system.listMethods()
assert names == sorted(names), names
missing = ALL_NAMES - set(names)
assert not missing, missing
for alias in ["co2.get_method_names", "co2.co2_get_method_names", "sys.listMethods", "web.get_method_names"]:
    assert m(p, alias)() == names, alias
    assert m(p, alias)({}) == names, alias
for name in names:
    for alias in ["co2.get_method_help", "sys.methodHelp", "system.methodHelp", "web.get_method_help"]:
        h = m(p, alias)(name)
        assert isinstance(h, str) and len(h) > 10, (alias, name, h)
        assert m(p, alias)({"method_name": name}) == h
    for alias in ["co2.get_method_signature", "sys.methodSignature", "web.get_method_signature"]:
        sig = m(p, alias)(name)
        assert set(sig) == {"args", "args_d", "args_v", "args_kw"}, sig
        assert isinstance(sig["args"], list) and isinstance(sig["args_d"], dict)
    std = p.system.methodSignature(name)
    assert std == "undef" or (isinstance(std, list) and all(isinstance(s, list) and s for s in std)), (name, std)
assert p.co2.get_method_signature("relay.register")["args"] == ["port", "nick", "plugins", "notify_pass"]
assert p.system.methodSignature("relay.get_num_satellites") == [["int"], ["int", "struct"]]
expect_fault(lambda: p.system.methodHelp("no.such.method"), -32601)
expect_fault(lambda: p.system.methodHelp(42), -32602)
expect_fault(lambda: p.no.such.method(), -32601)

# Properties: the seed's keys with their types, under every alias.
for alias in ["system.get_properties", "sys.get_properties", "web.get_properties"]:
    props = m(p, alias)()
    for key in ["co2_author", "kernel", "operating_system", "maintainer", "sw_platform", "hw_platform",
                "co2_version", "maintainer_email", "hardware", "processor"]:
        assert isinstance(props[key], str), (key, props[key])
    assert isinstance(props["uptime"], int) and props["uptime"] >= 0
    assert isinstance(props["start_time"], xmlrpc.client.DateTime)
    assert isinstance(props["server_time"], xmlrpc.client.DateTime)
    assert isinstance(props["plugins"], list)
    assert props["kernel"] and props["processor"]

# ping, test, call_method.
for alias in ["ping", "web.ping"]:
    assert m(p, alias)() == "pong"
    assert m(p, alias)({}) == "pong"
sample = {"a": 1, "b": [True, "x"], "c": {"d": 2.5}}
for alias in ["test", "web.test"]:
    assert m(p, alias)(sample) == sample
    assert m(p, alias)() == {}
    expect_fault(lambda: m(p, alias)(1), -32602)
for alias in ["call_method", "web.call_method", "method_call", "web.method_call"]:
    assert m(p, alias)({"method_name": "ping"}) == "pong"
    assert m(p, alias)({"method_name": "test", "data": sample}) == sample
    expect_fault(lambda: m(p, alias)({"method_name": "no.such"}), -32601)
    expect_fault(lambda: m(p, alias)({}), -32602)

# Registration.
for alias in ["relay.get_max_satellites", "co2.get_max_satellites", "web.get_max_satellites"]:
    assert m(p, alias)() == 10
before = time.time()
alice = p.relay.register({"port": 7001, "nick": "alice", "plugins": ["chat", "news"], "notify_pass": "pw-alice"})
assert alice == "127.0.0.1:7001", alice
bob = p.relay.register({"port": 7002})
assert bob == "127.0.0.1:7002"
carol = other.relay.register({"port": 7001, "nick": "carol"})
assert carol == "127.0.0.2:7001", carol
for alias in ["relay.get_satellites", "co2.get_satellites", "web.get_satellites"]:
    assert m(p, alias)() == [alice, bob, carol]
for alias in ["relay.get_num_satellites", "co2.get_num_satellites", "web.get_num_satellites"]:
    assert m(p, alias)() == 3
# Registering again replaces nick and keeps the host_id and the place.
assert p.relay.register({"port": 7001, "nick": "alice2", "plugins": []}) == alice
assert p.relay.get_satellites() == [alice, bob, carol]
assert p.relay.get_num_satellites() == 3
for bad in [{"port": 0}, {"port": 65536}, {"port": -1}, {"port": "7000"}, {}, {"port": 7003, "nick": 5},
            {"port": 7003, "plugins": "chat"}, {"port": 7003, "plugins": [1]}]:
    expect_fault(lambda: p.relay.register(bad), -32602)
expect_fault(lambda: p.relay.register(7003), -32602)

# Props, under every alias, with the types of PROTOCOL.md section 5.
for alias in ["relay.get_satellite_props", "co2.get_satellite_props", "web.get_satellite_props", "co2.get_satellite"]:
    props = m(p, alias)({"host_id": alice})
    assert props["host_id"] == alice
    assert props["addr"] == ["127.0.0.1", 7001]
    assert props["nick"] == "alice2" and props["plugins"] == []
    assert isinstance(props["ctime"], xmlrpc.client.DateTime)
    for key in ["ping_current", "ping_min", "ping_max", "ping_avg"]:
        assert isinstance(props[key], float), (key, props[key])
    for key in ["ping_count", "ping_fails", "send_count", "recv_count", "queue_depth", "dropped", "notify_fails"]:
        assert isinstance(props[key], int), (key, props[key])
    assert props["send_count"] == 0 and props["recv_count"] == 0
    assert props["send_time"].value == "19700101T00:00:00", props["send_time"]
    assert props["recv_time"].value == "19700101T00:00:00"
    assert props["state"] in ("up", "suspect")
    assert "notify_pass" not in props
assert p.relay.get_satellite_props({"host_id": bob})["nick"] == bob  # nick defaults to the host_id
raw = p.relay.get_satellite_props_raw({"host_id": alice})
assert isinstance(raw["ctime"], float) and before - 5 < raw["ctime"] < time.time() + 5, raw["ctime"]
assert raw["send_time"] == 0.0 and "notify_pass" not in raw
for alias in ["relay.get_satellite_ctime", "co2.get_satellite_ctime", "web.get_satellite_ctime"]:
    c = m(p, alias)({"host_id": alice})
    assert isinstance(c, float) and abs(c - raw["ctime"]) < 1e-3, (c, raw["ctime"])
for alias in ["relay.get_satellite_props", "co2.get_satellite_props", "relay.get_satellite_props_raw", "relay.get_satellite_ctime"]:
    expect_fault(lambda: m(p, alias)({"host_id": "10.0.0.1:1"}), 1, "KeyError: ")
    expect_fault(lambda: m(p, alias)({}), -32602)

# relay: the host_id must be registered, and the caller must be its IP.
assert p.relay.relay({"host_id": alice, "data": {"text": "hi"}}) == "OK"
assert p.relay.relay({"host_id": alice, "data": "plain"}) == "OK"
assert p.relay.get_satellite_props({"host_id": alice})["send_count"] == 2
assert p.relay.get_satellite_props({"host_id": alice})["send_time"].value != "19700101T00:00:00"
expect_fault(lambda: other.relay.relay({"host_id": alice, "data": "x"}), 1, "Co2RegistryError: ")
expect_fault(lambda: p.relay.relay({"host_id": carol, "data": "x"}), 1, "Co2RegistryError: ")
expect_fault(lambda: p.relay.relay({"host_id": "10.9.9.9:1", "data": "x"}), 1, "Co2RegistryError: ")
expect_fault(lambda: p.relay.relay({"host_id": alice}), -32602)
expect_fault(lambda: p.relay.relay({"data": "x"}), -32602)
assert other.relay.relay({"host_id": carol, "data": [1, 2]}) == "OK"
assert p.relay.get_satellite_props({"host_id": alice})["send_count"] == 2

# deregister: KeyError first, then the address check.
expect_fault(lambda: p.relay.deregister({"host_id": "10.9.9.9:1"}), 1, "KeyError: ")
expect_fault(lambda: other.relay.deregister({"host_id": alice}), 1, "Co2RegistryError: ")
expect_fault(lambda: p.relay.deregister({"host_id": carol}), 1, "Co2RegistryError: ")
assert p.relay.deregister({"host_id": alice}) == "OK"
assert other.relay.deregister({"host_id": carol}) == "OK"
expect_fault(lambda: p.relay.deregister({"host_id": alice}), 1, "KeyError: ")
assert p.relay.get_satellites() == [bob]

# system.multicall through xmlrpc.client.MultiCall.
mc = xmlrpc.client.MultiCall(p)
mc.ping()
mc.relay.get_num_satellites()
mc.relay.get_satellite_props({"host_id": "nobody:1"})
results = mc()
assert results[0] == "pong" and results[1] == 1
try:
    results[2]
    raise AssertionError("the third call should fault")
except xmlrpc.client.Fault as f:
    assert f.faultCode == 1 and f.faultString.startswith("KeyError: ")
print("ALL OK")
