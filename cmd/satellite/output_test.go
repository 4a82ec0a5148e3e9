package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"relayd/rpc"
	"relayd/satellite"
)

func member(name string, v rpc.Value) rpc.Member { return rpc.Member{Name: name, Value: v} }

func TestParseLine(t *testing.T) {
	for _, c := range []struct {
		line    string
		asJSON  bool
		want    rpc.Value
		wantErr string
	}{
		{"hello there", false, rpc.Struct(member("text", rpc.String("hello there"))), ""},
		{`{"not": "parsed"}`, false, rpc.Struct(member("text", rpc.String(`{"not": "parsed"}`))), ""},
		{`{"text":"hi","n":7,"x":1.5,"big":1e300,"ok":false,"list":[1,"two",[]],"nested":{"z":1,"a":2}}`, true, rpc.Struct(
			member("text", rpc.String("hi")),
			member("n", rpc.Int(7)),
			member("x", rpc.Double(1.5)),
			member("big", rpc.Double(1e300)),
			member("ok", rpc.Bool(false)),
			member("list", rpc.Array(rpc.Int(1), rpc.String("two"), rpc.Array())),
			member("nested", rpc.Struct(member("z", rpc.Int(1)), member("a", rpc.Int(2)))),
		), ""},
		{`{}`, true, rpc.Struct(), ""},
		{`  {"a":1}  `, true, rpc.Struct(member("a", rpc.Int(1))), ""},
		{`[1,2]`, true, rpc.Value{}, "must be {...}"},
		{`"text"`, true, rpc.Value{}, "must be {...}"},
		{`not json`, true, rpc.Value{}, "not a JSON object"},
		{`{"a":1} {"b":2}`, true, rpc.Value{}, "text after the object"},
		{`{"a":null}`, true, rpc.Value{}, "null"},
		{`{"a":1`, true, rpc.Value{}, "not a JSON object"},
		{`{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, true, rpc.Value{}, "nested deeper"},
	} {
		got, err := parseLine(c.line, c.asJSON)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("parseLine(%q) = %v, %v; want an error saying %q", c.line, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseLine(%q, json=%v) = %v, %v; want %v", c.line, c.asJSON, got, err, c.want)
		}
	}
}

func TestPlainLine(t *testing.T) {
	for _, c := range []struct {
		nick string
		data rpc.Value
		want string
	}{
		{"alice", rpc.Struct(member("text", rpc.String("hello"))), "alice: hello"},
		{"alice", rpc.String("a bare string"), "alice: a bare string"},
		{"alice", rpc.Struct(member("text", rpc.String("two\nlines\x1b[31m"))), `alice: two\nlines\x1b[31m`},
		{"alice", rpc.Struct(member("text", rpc.String("a\ttab"))), "alice: a\ttab"},
		{"ev\x07l", rpc.Struct(member("text", rpc.String("x"))), `ev\al: x`},
		{"bob", rpc.Struct(member("text", rpc.String("hi")), member("n", rpc.Int(1))), `bob: {"text":"hi","n":1}`},
		{"bob", rpc.Int(5), "bob: 5"},
	} {
		if got := plainLine(c.nick, c.data); got != c.want {
			t.Errorf("plainLine(%q, %v) = %q, want %q", c.nick, c.data, got, c.want)
		}
	}
}

func TestJSONIsReadable(t *testing.T) {
	when := time.Date(2003, 5, 1, 12, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		data rpc.Value
		want string
	}{
		{rpc.Int(-3), `-3`},
		{rpc.Bool(true), `true`},
		{rpc.String(`<a href="x">&</a>`), `"<a href=\"x\">&</a>"`},
		{rpc.Double(2.5), `2.5`},
		{rpc.Double(1e21), `1e+21`},
		{rpc.DateTime(when), `"2003-05-01T12:30:00Z"`},
		{rpc.Base64([]byte("readable text\n")), `"readable text\n"`},
		{rpc.Base64([]byte{0, 1, 2, 0xff}), `"AAEC/w=="`},
		{rpc.Nil(), `null`},
		{rpc.Array(), `[]`},
		{rpc.Struct(member("z", rpc.Int(1)), member("a", rpc.Array(rpc.String("x")))), `{"z":1,"a":["x"]}`},
	} {
		if got := string(appendJSON(nil, c.data)); got != c.want {
			t.Errorf("appendJSON(%v) = %s, want %s", c.data, got, c.want)
		}
	}
	line := appendJSONLine(nil, "bob", satellite.Notification{Sender: "127.0.0.1:7", Data: rpc.Struct(member("text", rpc.String("hi")))})
	if want := `{"from":"bob","host_id":"127.0.0.1:7","data":{"text":"hi"}}`; string(line) != want {
		t.Errorf("appendJSONLine = %s, want %s", line, want)
	}
}

func TestNickCacheFallsBackToTheHostID(t *testing.T) {
	client := rpc.NewClient(lookupClientConfig())
	defer client.Close()
	c := newNickCache(client, "http://127.0.0.1:1/") // nothing listens there
	if got := c.name(context.Background(), "127.0.0.1:4242"); got != "127.0.0.1:4242" {
		t.Fatalf("name = %q, want the host_id", got)
	}
	if len(c.known) != 0 {
		t.Fatalf("a failed look-up was cached: %v", c.known)
	}
}
