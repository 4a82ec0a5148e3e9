package persist

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

const okSat = `<satellite host_id="127.0.0.1:7001" ip="127.0.0.1" port="7001" ctime="2026-11-22T09:59:58Z"><nick>a</nick></satellite>`

// stateXML is a version 1 file around the given satellites.
func stateXML(sats ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<relayd-state version="1">` + strings.Join(sats, "\n") + `</relayd-state>` + "\n"
}

// sat is a satellite element with okSat's attributes replaced by attrs and
// its children by inner.
func sat(attrs, inner string) string {
	return `<satellite ` + attrs + `>` + inner + `</satellite>`
}

const okAttrs = `host_id="127.0.0.1:7001" ip="127.0.0.1" port="7001" ctime="2026-11-22T09:59:58Z"`

func withAttr(name, value string) string {
	return withoutAttr(name) + ` ` + name + `="` + value + `"`
}

func withoutAttr(name string) string {
	var kept []string
	for _, a := range strings.Fields(okAttrs) {
		if !strings.HasPrefix(a, name+"=") {
			kept = append(kept, a)
		}
	}
	return strings.Join(kept, " ")
}

// corruptFiles are state files Load must refuse, with the sentinel and a
// phrase the error must hold so the user can find the problem.
var corruptFiles = []struct {
	name    string
	content string
	want    error
	detail  string
}{
	{"empty file", "", ErrCorrupt, "no root element"},
	{"only whitespace", " \n\t\n", ErrCorrupt, "no root element"},
	{"only the declaration", `<?xml version="1.0"?>`, ErrCorrupt, "no root element"},
	{"plain text", "hello, world", ErrCorrupt, "text outside the root"},
	{"JSON", `{"satellites": []}`, ErrCorrupt, "text outside the root"},
	{"binary", "\x00\x01\x02\xff", ErrCorrupt, "not well-formed XML"},
	{"truncated in a tag", `<relayd-state version="1"><satel`, ErrCorrupt, "not well-formed XML"},
	{"unclosed root", `<relayd-state version="1">` + okSat, ErrCorrupt, "not well-formed XML"},
	{"mismatched end tag", `<relayd-state version="1"></satellite>`, ErrCorrupt, "not well-formed XML"},
	{"undefined entity", stateXML(sat(okAttrs, `<nick>&bogus;</nick>`)), ErrCorrupt, "not well-formed XML"},
	{"invalid UTF-8 in text", stateXML(sat(okAttrs, "<nick>\xff</nick>")), ErrCorrupt, "not well-formed XML"},
	{"wrong root", `<state version="1"/>`, ErrCorrupt, "root element is <state>"},
	{"namespaced root", `<x:relayd-state xmlns:x="urn:x" version="1"/>`, ErrCorrupt, "root element is <x:relayd-state>"},
	{"two roots", `<relayd-state version="1"/><relayd-state version="1"/>`, ErrCorrupt, "more than one root"},
	{"text after the root", `<relayd-state version="1"/>junk`, ErrCorrupt, "text outside the root"},
	{"doctype", `<!DOCTYPE relayd-state><relayd-state version="1"/>`, ErrCorrupt, "unexpected markup outside"},
	{"missing version", `<relayd-state/>`, ErrCorrupt, "no version attribute"},
	{"empty version", `<relayd-state version=""/>`, ErrCorrupt, `invalid version ""`},
	{"version not a number", `<relayd-state version="one"/>`, ErrCorrupt, `invalid version "one"`},
	{"version 0", `<relayd-state version="0"/>`, ErrCorrupt, `invalid version "0"`},
	{"negative version", `<relayd-state version="-1"/>`, ErrCorrupt, `invalid version "-1"`},
	{"version with a leading zero", `<relayd-state version="01"/>`, ErrCorrupt, `invalid version "01"`},
	{"decimal version", `<relayd-state version="1.0"/>`, ErrCorrupt, `invalid version "1.0"`},
	{"future version", `<relayd-state version="2"/>`, ErrFutureVersion, "version 2"},
	{"future version with new content", `<relayd-state version="7" shards="3"><shard/></relayd-state>`, ErrFutureVersion, "version 7"},
	{"unknown root attribute", `<relayd-state version="1" shards="3"/>`, ErrCorrupt, "unexpected attribute shards"},
	{"unknown element", stateXML(`<satelite/>`), ErrCorrupt, "unexpected <satelite>"},
	{"text in the root", stateXML(okSat, "stray"), ErrCorrupt, `unexpected text "stray"`},
	{"missing host_id", stateXML(sat(withoutAttr("host_id"), "<nick/>")), ErrCorrupt, "missing or empty host_id"},
	{"empty host_id", stateXML(sat(withAttr("host_id", ""), "<nick/>")), ErrCorrupt, "missing or empty host_id"},
	{"duplicate host_id", stateXML(okSat, okSat), ErrCorrupt, `satellite 2: duplicate host_id "127.0.0.1:7001"`},
	{"missing ip", stateXML(sat(withoutAttr("ip"), "<nick/>")), ErrCorrupt, `bad ip ""`},
	{"bad ip", stateXML(sat(withAttr("ip", "999.0.0.1"), "<nick/>")), ErrCorrupt, `bad ip "999.0.0.1"`},
	{"host name for ip", stateXML(sat(withAttr("ip", "localhost"), "<nick/>")), ErrCorrupt, `bad ip "localhost"`},
	{"missing port", stateXML(sat(withoutAttr("port"), "<nick/>")), ErrCorrupt, `bad port ""`},
	{"port not a number", stateXML(sat(withAttr("port", "http"), "<nick/>")), ErrCorrupt, `bad port "http"`},
	{"port 0", stateXML(sat(withAttr("port", "0"), "<nick/>")), ErrCorrupt, `bad port "0"`},
	{"port 65536", stateXML(sat(withAttr("port", "65536"), "<nick/>")), ErrCorrupt, `bad port "65536"`},
	{"negative port", stateXML(sat(withAttr("port", "-7001"), "<nick/>")), ErrCorrupt, `bad port "-7001"`},
	{"port with a sign", stateXML(sat(withAttr("port", "+7001"), "<nick/>")), ErrCorrupt, `bad port "+7001"`},
	{"port with a leading zero", stateXML(sat(withAttr("port", "07001"), "<nick/>")), ErrCorrupt, `bad port "07001"`},
	{"port twice", stateXML(sat(okAttrs+` port="7002"`, "<nick/>")), ErrCorrupt, "attribute port given twice"},
	{"missing ctime", stateXML(sat(withoutAttr("ctime"), "<nick/>")), ErrCorrupt, `bad ctime ""`},
	{"ctime in words", stateXML(sat(withAttr("ctime", "yesterday"), "<nick/>")), ErrCorrupt, `bad ctime "yesterday"`},
	{"ctime without time", stateXML(sat(withAttr("ctime", "2026-11-22"), "<nick/>")), ErrCorrupt, `bad ctime "2026-11-22"`},
	{"ctime without zone", stateXML(sat(withAttr("ctime", "2026-11-22T09:59:58"), "<nick/>")), ErrCorrupt, `bad ctime`},
	{"ctime as UNIX seconds", stateXML(sat(withAttr("ctime", "1795341598"), "<nick/>")), ErrCorrupt, `bad ctime`},
	{"unknown satellite attribute", stateXML(sat(okAttrs+` nick="a"`, "<nick/>")), ErrCorrupt, "unexpected attribute nick"},
	{"missing nick", stateXML(sat(okAttrs, "")), ErrCorrupt, "missing <nick>"},
	{"two nicks", stateXML(sat(okAttrs, "<nick>a</nick><nick>b</nick>")), ErrCorrupt, "more than one <nick>"},
	{"two notify_pass", stateXML(sat(okAttrs, "<nick/><notify_pass/><notify_pass/>")), ErrCorrupt, "more than one <notify_pass>"},
	{"two plugin lists", stateXML(sat(okAttrs, "<nick/><plugins/><plugins/>")), ErrCorrupt, "more than one <plugins>"},
	{"misspelt element", stateXML(sat(okAttrs, "<nick/><nik/>")), ErrCorrupt, "unexpected element <nik>"},
	{"text in satellite", stateXML(sat(okAttrs, "<nick/>alice")), ErrCorrupt, `unexpected text "alice"`},
	{"markup in nick", stateXML(sat(okAttrs, "<nick>a<b/>c</nick>")), ErrCorrupt, "<nick>: markup inside text"},
	{"attribute on nick", stateXML(sat(okAttrs, `<nick lang="en">a</nick>`)), ErrCorrupt, "unexpected attribute lang"},
	{"unknown encoding", stateXML(sat(okAttrs, `<nick encoding="rot13">n</nick>`)), ErrCorrupt, `unknown encoding "rot13"`},
	{"bad base64", stateXML(sat(okAttrs, `<nick encoding="base64">!!!</nick>`)), ErrCorrupt, "bad base64"},
	{"wrong plugin element", stateXML(sat(okAttrs, "<nick/><plugins><plug>x</plug></plugins>")), ErrCorrupt, "unexpected element <plug>"},
	{"text in plugins", stateXML(sat(okAttrs, "<nick/><plugins>chat</plugins>")), ErrCorrupt, `unexpected text "chat"`},
	{"markup in a plugin", stateXML(sat(okAttrs, "<nick/><plugins><plugin><x/></plugin></plugins>")), ErrCorrupt, "plugin 1: markup inside text"},
}

func TestLoadRefusesCorruptFiles(t *testing.T) {
	for _, tc := range corruptFiles {
		t.Run(tc.name, func(t *testing.T) {
			path := statePath(t)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			recs, found, err := Load(path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Load = %v, want %v", err, tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, "state file "+path+":") || !strings.Contains(msg, tc.detail) {
				t.Errorf("error %q should name %s and say %q", msg, path, tc.detail)
			}
			if recs != nil || !found {
				t.Errorf("Load returned records %v, found %v; want none, found", recs, found)
			}
			if errors.Is(err, ErrCorrupt) && errors.Is(err, ErrFutureVersion) {
				t.Errorf("error wraps both sentinels")
			}
			after, _ := os.ReadFile(path)
			if string(after) != tc.content {
				t.Errorf("Load changed the file")
			}
		})
	}
}

// TestCorruptFilesDifferFromAGoodOne keeps the table honest: the good file
// the cases are built from loads.
func TestCorruptFilesDifferFromAGoodOne(t *testing.T) {
	for _, good := range []string{
		stateXML(okSat),
		stateXML(sat(withAttr("port", "65535"), "<nick/>")),
		stateXML(),
		`<relayd-state version="1"/>`,
		docExampleSeed,
	} {
		if _, err := decode([]byte(good)); err != nil {
			t.Errorf("decode(%q) = %v", good, err)
		}
	}
	recs, err := decode([]byte(docExampleSeed))
	if err != nil {
		t.Fatal(err)
	}
	want := Record{HostID: "h:1", IP: "1.2.3.4", Port: 1, Nick: "<raw> tail",
		CTime: time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC)}
	requireRecords(t, recs, []Record{want})
}

// TestLoadRefusesEveryTruncation cuts a good file at every byte before its
// end tag is complete: none of the pieces may load.
func TestLoadRefusesEveryTruncation(t *testing.T) {
	recs := sampleRecords()
	recs[1].Nick = "\xff" // base64 too
	recs[1].NotifyPass = "a\r\n<&>"
	data, err := encode(recs, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	whole := bytes.TrimRight(data, "\n")
	for n := range len(whole) {
		if _, err := decode(whole[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("a file cut to %d of %d bytes: decode = %v, want ErrCorrupt\n%s", n, len(whole), err, whole[:n])
		}
	}
	// And through Load, with the file named.
	path := statePath(t)
	if err := os.WriteFile(path, whole[:len(whole)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(path); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Load of a truncated file = %v, want ErrCorrupt naming %s", err, path)
	}
}
