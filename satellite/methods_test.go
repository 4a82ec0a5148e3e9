package satellite

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"relayd/rpc"
)

func TestPingTestAndIntrospection(t *testing.T) {
	s := newTestSatellite(t, "http://127.0.0.1:1/", nil)
	for _, c := range []struct {
		method string
		params []rpc.Value
		want   rpc.Value
	}{
		{"ping", []rpc.Value{rpc.Struct()}, rpc.String("pong")},
		{"ping", nil, rpc.String("pong")},
		{"web.ping", nil, rpc.String("pong")},
		{"test", []rpc.Value{rpc.Struct(member("a", rpc.Int(1)))}, rpc.Struct(member("a", rpc.Int(1)))},
		{"web.test", nil, rpc.Struct()},
		{"system.methodHelp", []rpc.Value{rpc.String("ping")}, rpc.String("Answer a ping request with the string \"pong\". The relay pings each satellite periodically; the satellite takes the pings as a sign that the relay still knows it.")},
		{"co2.get_method_signature", []rpc.Value{rpc.String("notify")}, rpc.Struct(
			member("args", rpc.Strings([]string{"host_id", "data", "notify_pass"})),
			member("args_d", rpc.Struct(member("notify_pass", rpc.String("")))),
			member("args_v", rpc.Array()),
			member("args_kw", rpc.Array()),
		)},
	} {
		got, err := call(t, s, c.method, c.params...)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s(%v) = %v, %v; want %v", c.method, c.params, got, err, c.want)
		}
	}
	if st := s.Stats(); st.Pings != 3 || st.LastPing.IsZero() {
		t.Errorf("stats %+v: want 3 pings and a last ping time", st)
	}
	names, err := call(t, s, "system.listMethods")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, v := range names.Array {
		list = append(list, v.Str)
	}
	for _, want := range []string{"notify", "ping", "web.ping", "test", "web.test", "system.get_properties", "sys.get_properties", "web.get_properties",
		"system.listMethods", "co2.get_method_names", "co2.get_method_help", "co2.get_method_signature", "system.multicall"} {
		if !slices.Contains(list, want) {
			t.Errorf("system.listMethods lacks %q: %v", want, list)
		}
	}
}

func TestPropertiesAndPageNeverShowTheNotifyPass(t *testing.T) {
	const secret = "N0TIFY-secret-4471"
	relay := startFakeRelay(t)
	s := newTestSatellite(t, relay.URL, func(cfg *Config) {
		cfg.Nick = "propnick"
		cfg.NotifyPass = secret
		cfg.Plugins = []string{"chat", "pd"}
	})
	id, err := s.Register(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	props, err := call(t, s, "system.get_properties")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"co2_author", "kernel", "uptime", "operating_system", "maintainer", "start_time", "sw_platform", "hw_platform",
		"co2_version", "maintainer_email", "hardware", "plugins", "server_time", "processor"} {
		if _, ok := props.Get(key); !ok {
			t.Errorf("system.get_properties lacks co2's %q", key)
		}
	}
	for key, want := range map[string]rpc.Value{
		"nick":    rpc.String("propnick"),
		"host_id": rpc.String(id),
		"relay":   rpc.String(relay.URL),
		"plugins": rpc.Strings([]string{"chat", "pd"}),
	} {
		if got, _ := props.Get(key); !got.Equal(want) {
			t.Errorf("property %s = %v, want %v", key, got, want)
		}
	}
	for _, alias := range []string{"sys.get_properties", "web.get_properties"} {
		if _, err := call(t, s, alias); err != nil {
			t.Errorf("%s: %v", alias, err)
		}
	}

	resp, err := http.Get("http://" + s.Addr() + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"propnick", id, "co2_version", "chat, pd"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}

	body, err := rpc.AppendCall(nil, "system.get_properties", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Post("http://"+s.Addr()+"/", "text/xml", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for what, text := range map[string]string{"the page": string(page), "the properties reply": string(raw)} {
		if strings.Contains(text, secret) {
			t.Errorf("%s shows the notify_pass", what)
		}
	}
	if reg, _ := relay.lastParams("relay.register"); !reg.Equal(rpc.Struct(
		member("port", rpc.Int(int64(s.port))),
		member("nick", rpc.String("propnick")),
		member("plugins", rpc.Strings([]string{"chat", "pd"})),
		member("notify_pass", rpc.String(secret)),
	)) {
		t.Errorf("relay.register got %v", reg)
	}
}
