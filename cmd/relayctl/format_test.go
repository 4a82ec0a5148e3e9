package main

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONArgs(t *testing.T) {
	for _, c := range []struct {
		args    []string
		want    []any
		wantErr string
	}{
		{nil, []any{}, ""},
		{[]string{`{"host_id": "127.0.0.1:7000"}`}, []any{map[string]any{"host_id": "127.0.0.1:7000"}}, ""},
		{[]string{`"relay.relay"`, `7`, `1.5`, `true`, `[1, "a", {"b": -2}]`}, []any{"relay.relay", int64(7), 1.5, true, []any{int64(1), "a", map[string]any{"b": int64(-2)}}}, ""},
		{[]string{`1e3`}, []any{1000.0}, ""},
		{[]string{`relay.relay`}, nil, "a string must be quoted"},
		{[]string{`{"a": 1} x`}, nil, "text after"},
		{[]string{`{"a": null}`}, nil, "null"},
		{[]string{`{"<b>": 1}`}, nil, "cannot be sent"},
		{[]string{`99999999999999999999`}, []any{1e20}, ""},
	} {
		got, err := jsonArgs(c.args)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("jsonArgs(%q) = %v, %v; want an error saying %q", c.args, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("jsonArgs(%q) = %#v, %v; want %#v", c.args, got, err, c.want)
		}
	}
}

func TestIndentedJSON(t *testing.T) {
	got, err := indentedJSON(map[string]any{
		"when": time.Date(2003, 5, 1, 12, 30, 0, 0, time.UTC),
		"nan":  math.NaN(),
		"list": []any{int64(1), "<&>", math.Inf(-1)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "list": [
    1,
    "<&>",
    "-Inf"
  ],
  "nan": "NaN",
  "when": "2003-05-01T12:30:00Z"
}`
	if got != want {
		t.Fatalf("indentedJSON =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	writeTable(&b, []map[string]any{
		{"host_id": "127.0.0.1:7000", "nick": "alice", "state": "up", "ping_current": 0.4321, "send_count": int64(12), "recv_count": int64(3), "queue_depth": int64(0), "dropped": int64(1)},
		{"host_id": "127.0.0.1:7001", "nick": "bob\tthe\nbuilder", "ping_current": -1.0, "send_count": int64(0), "recv_count": int64(0)},
	})
	want := "" +
		"HOST_ID         NICK             STATE  PING_MS  SENT  RECEIVED  QUEUED  DROPPED\n" +
		"127.0.0.1:7000  alice            up     0.4      12    3         0       1\n" +
		"127.0.0.1:7001  bob?the?builder  -      -        0     0         -       -\n"
	if b.String() != want {
		t.Fatalf("table:\n%s\nwant\n%s", b.String(), want)
	}
}
