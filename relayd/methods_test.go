package relayd

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/kolo/xmlrpc"

	"relayd/internal/pytest"
	"relayd/rpc"
)

func TestEveryMethodAndAliasFromPython(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.MaxSats = 10 })
	out := pytest.RunFile(t, "testdata/methods.py", tr.URL)
	if !strings.Contains(out, "ALL OK") {
		t.Fatalf("methods.py: %s", out)
	}
}

func TestConcurrentRegistrationsRaceForTheLastPlace(t *testing.T) {
	tr := startRelay(t, func(c *Config) { c.MaxSats = 5 })
	for port := 9001; port <= 9004; port++ {
		if _, f := tr.call(t, "relay.register", rpc.Struct(member("port", rpc.Int(int64(port))))); f != nil {
			t.Fatal(f)
		}
	}
	out := strings.TrimSpace(pytest.RunFile(t, "testdata/race.py", tr.URL, "20", "9100"))
	if want := "1 19 ['1 Co2RegistryError']"; out != want {
		t.Fatalf("race: %q, want %q (one winner, 19 Co2RegistryError faults)", out, want)
	}
	if n := tr.reg.Len(); n != 5 {
		t.Fatalf("%d satellites registered, want 5", n)
	}
}

func TestNotifyPassNeverShown(t *testing.T) {
	const secret = "S3CRET-notify-pass-771"
	tr := startRelay(t, nil)
	id, f := tr.call(t, "relay.register", rpc.Struct(member("port", rpc.Int(7501)), member("nick", rpc.String("n")), member("notify_pass", rpc.String(secret))))
	if f != nil {
		t.Fatal(f)
	}
	// A second satellite (nobody listens there either) to receive, and fail.
	if _, f := tr.call(t, "relay.register", rpc.Struct(member("port", rpc.Int(7502)), member("notify_pass", rpc.String(secret)))); f != nil {
		t.Fatal(f)
	}
	hostID := rpc.Struct(member("host_id", id))
	var replies []string
	for _, c := range []struct {
		method string
		params []rpc.Value
	}{
		{"relay.get_satellite_props", []rpc.Value{hostID}},
		{"relay.get_satellite_props_raw", []rpc.Value{hostID}},
		{"co2.get_satellite", []rpc.Value{hostID}},
		{"system.get_properties", nil},
		{"relay.get_satellites", nil},
		{"relay.relay", []rpc.Value{rpc.Struct(member("host_id", id), member("data", rpc.String("hello")))}},
		{"relay.register", []rpc.Value{rpc.Struct(member("port", rpc.Int(7501)), member("notify_pass", rpc.String(secret)))}},
		{"relay.deregister", []rpc.Value{rpc.Struct(member("host_id", rpc.String("127.0.0.1:1")))}},
		{"call_method", []rpc.Value{rpc.Struct(member("method_name", rpc.String("relay.get_satellite_props")), member("data", hostID))}},
	} {
		body, err := rpc.AppendCall(nil, c.method, c.params)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(tr.URL, "text/xml", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		reply, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		replies = append(replies, string(reply))
	}
	for _, page := range []string{"/", "/methods", "/satellites", "/healthz"} {
		resp, err := http.Get(strings.TrimSuffix(tr.URL, "/") + page)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", page, resp.StatusCode)
		}
		replies = append(replies, string(body))
	}
	// The relay tries to deliver "hello" (nobody listens at 7501): its
	// failure must be logged without the pass.
	eventually(t, "a failed notify", func() bool {
		st, _ := tr.lim.Stats("127.0.0.1:7502")
		return st.NotifyFails > 0
	})
	tr.Stop(t)
	state, err := os.ReadFile(tr.cfg.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(state), secret) {
		t.Fatal("the state file must keep notify_pass (that is where it belongs)")
	}
	for i, r := range replies {
		if strings.Contains(r, secret) {
			t.Fatalf("reply or page %d shows notify_pass: %s", i, r)
		}
	}
	if logs := tr.Logs.String(); strings.Contains(logs, secret) {
		t.Fatalf("log shows notify_pass:\n%s", logs)
	} else if !strings.Contains(logs, "satellite registered") {
		t.Fatalf("log is missing the registration line:\n%s", logs)
	}
}

func TestPagesEscapeEverything(t *testing.T) {
	tr := startRelay(t, nil)
	if _, f := tr.call(t, "relay.register", rpc.Struct(member("port", rpc.Int(7601)), member("nick", rpc.String("<script>alert(1)</script>")), member("plugins", rpc.Strings([]string{"a&b"})))); f != nil {
		t.Fatal(f)
	}
	base := strings.TrimSuffix(tr.URL, "/")
	get := func(path string) (int, string, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	status, ctype, body := get("/satellites")
	if status != 200 || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("/satellites: %d %s", status, ctype)
	}
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("nick not escaped:\n%s", body)
	}
	for _, want := range []string{"127.0.0.1:7601", "ping_current", "recv_count", "queue_depth", "a&amp;b"} {
		if !strings.Contains(body, want) {
			t.Errorf("/satellites lacks %q", want)
		}
	}
	_, _, body = get("/methods")
	for _, want := range []string{"relay.register", "co2.co2_get_method_names", "Register the calling satellite", "string relay.register(struct)"} {
		if !strings.Contains(body, want) {
			t.Errorf("/methods lacks %q", want)
		}
	}
	_, _, body = get("/")
	for _, want := range []string{"uptime", "co2_version", "processor", `href="/satellites"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/ lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("pages must work without JavaScript and have none")
	}
	if status, _, _ := get("/no-such-page"); status != 404 {
		t.Errorf("unknown page: %d, want 404", status)
	}
}

func TestKoloClientCallsRelay(t *testing.T) {
	// kolo/xmlrpc stands for the third-party Go clients users already have.
	tr := startRelay(t, nil)
	c, err := xmlrpc.NewClient(tr.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var pong string
	if err := c.Call("ping", nil, &pong); err != nil || pong != "pong" {
		t.Fatalf("ping: %q %v", pong, err)
	}
	var hostID string
	if err := c.Call("relay.register", map[string]any{"port": 7701, "nick": "kolo"}, &hostID); err != nil || hostID != "127.0.0.1:7701" {
		t.Fatalf("register: %q %v", hostID, err)
	}
	var ids []string
	if err := c.Call("relay.get_satellites", nil, &ids); err != nil || len(ids) != 1 || ids[0] != hostID {
		t.Fatalf("get_satellites: %v %v", ids, err)
	}
	var props map[string]any
	if err := c.Call("relay.get_satellite_props", map[string]any{"host_id": hostID}, &props); err != nil || props["nick"] != "kolo" {
		t.Fatalf("props: %v %v", props, err)
	}
	var echoed map[string]any
	in := map[string]any{"s": "a<b>&c", "n": 5, "f": 2.5, "ok": true, "list": []any{"x", 1}}
	if err := c.Call("test", in, &echoed); err != nil || echoed["s"] != "a<b>&c" || echoed["n"] != int64(5) {
		t.Fatalf("test: %v %v", echoed, err)
	}
	var names []string
	if err := c.Call("system.listMethods", nil, &names); err != nil || len(names) < 40 {
		t.Fatalf("listMethods: %d %v", len(names), err)
	}
	err = c.Call("relay.deregister", map[string]any{"host_id": "10.1.1.1:1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "KeyError") {
		t.Fatalf("deregister unknown: %v", err)
	}
}

func TestPythonTestMethodEchoesEveryType(t *testing.T) {
	// Python's xmlrpc.client, with and without allow_none, calling relayd's
	// test method with every type, nested: it must get back exactly what
	// it sent.
	tr := startRelay(t, nil)
	out := pytest.RunFile(t, "testdata/echo_every_type.py", tr.URL)
	if strings.TrimSpace(out) != "OK OK" {
		t.Fatalf("echo_every_type.py: %s", out)
	}
}

var _ = context.Background
