package persist

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// oddStrings are values for nick, notify_pass and plugins that a careless
// format would mangle. base64 says how the file must store them: as text
// (false) or base64-encoded (true, for what XML text cannot carry).
var oddStrings = []struct {
	name   string
	s      string
	base64 bool
}{
	{"empty", "", false},
	{"markup", `<b>bold</b> & "double" 'single'`, false},
	{"entity look-alike", "&amp; &#13; &lt;", false},
	{"CDATA end", "]]>", false},
	{"CDATA section", "<![CDATA[x]]>", false},
	{"comment", "<!-- c --> --", false},
	{"non-ASCII", "héllo wörld ☃ 日本語 🚀", false},
	{"replacement char", "\uFFFD", false},
	{"line and paragraph separators", "\u0085\u2028\u2029", false},
	{"leading and trailing spaces", "  spaced  ", false},
	{"only spaces", "   ", false},
	{"newlines", "\nline1\nline2\n", false},
	{"only a newline", "\n", false},
	{"tabs", "\ttab\t", false},
	{"carriage return", "\r", false},
	{"CRLF", "a\r\nb\r\n", false},
	{"LFCR", "\n\r", false},
	{"all whitespace", " \t\r\n ", false},
	{"invalid UTF-8", "bad \xff\xfe utf8", true},
	{"truncated UTF-8", "\xe6\x97", true},
	{"NUL", "nul\x00nul", true},
	{"escape", "\x1b[31mred", true},
	{"U+FFFE", "\uFFFE", true},
	{"U+FFFF", "\uFFFF", true},
}

func TestRoundTripOddStrings(t *testing.T) {
	for _, tc := range oddStrings {
		t.Run(tc.name, func(t *testing.T) {
			want := []Record{oddRecord(tc.name, tc.s)}
			data, err := encode(want, time.Unix(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			got, err := decode(data)
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, data)
			}
			requireRecords(t, got, want)

			if usedBase64 := strings.Contains(string(data), `encoding="base64"`); usedBase64 != tc.base64 {
				t.Errorf("base64 used: %v, want %v; file:\n%s", usedBase64, tc.base64, data)
			}
			// A raw \r in text would be read back as \n; it must be a reference.
			if strings.Contains(string(data), "\r") {
				t.Errorf("file holds a raw carriage return:\n%q", data)
			}
		})
	}
	// And all of them in one file on disk, through Save and Load.
	var want []Record
	for _, tc := range oddStrings {
		want = append(want, oddRecord(tc.name, tc.s))
	}
	path := statePath(t)
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, found, err := Load(path)
	if err != nil || !found {
		t.Fatalf("Load: found %v, err %v", found, err)
	}
	requireRecords(t, got, want)
}

// oddRecord carries s in every string field that may hold anything.
func oddRecord(hostID, s string) Record {
	return Record{
		HostID:     hostID,
		IP:         "10.0.0.1",
		Port:       7000,
		Nick:       s,
		Plugins:    []string{s, "plain", s},
		NotifyPass: s,
		CTime:      time.Unix(1, 0),
	}
}

func TestRoundTripEveryField(t *testing.T) {
	east := time.FixedZone("east", 2*60*60)
	want := []Record{
		{HostID: "127.0.0.1:1", IP: "127.0.0.1", Port: 1, Nick: "lowest port",
			CTime: time.Date(2026, 11, 22, 9, 59, 58, 123456789, time.UTC)},
		{HostID: "[::1]:65535", IP: "::1", Port: 65535, Nick: "highest port", Plugins: []string{},
			CTime: time.Date(2026, 11, 22, 11, 0, 0, 1, east)},
		{HostID: "[fe80::1%eth0]:7000", IP: "fe80::1%eth0", Port: 7000, Nick: "zone",
			NotifyPass: "pw", Plugins: []string{"a"}, CTime: time.Time{}},
		{HostID: "tab\tnewline\ncr\r\"&<>'", IP: "::ffff:1.2.3.4", Port: 80, Nick: "odd host_id",
			CTime: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{HostID: "monotonic", IP: "1.2.3.4", Port: 80, Nick: "now", CTime: time.Now()},
	}
	for _, recs := range [][]Record{nil, sampleRecords(), want} {
		path := statePath(t)
		if err := Save(path, recs); err != nil {
			t.Fatal(err)
		}
		got, found, err := Load(path)
		if err != nil || !found {
			t.Fatalf("Load: found %v, err %v", found, err)
		}
		requireRecords(t, got, recs)
	}
}

// TestEncodeGolden pins the format the package doc and README show.
func TestEncodeGolden(t *testing.T) {
	recs := sampleRecords()
	recs[1].Nick = "\xffwho"
	got, err := encode(recs, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<relayd-state version="1" saved="2026-11-22T10:00:00Z">
  <satellite host_id="127.0.0.1:7001" ip="127.0.0.1" port="7001" ctime="2026-11-22T09:59:58.123456789Z">
    <nick>alice</nick>
    <notify_pass>s3cret</notify_pass>
    <plugins>
      <plugin>chat</plugin>
      <plugin>news</plugin>
    </plugins>
  </satellite>
  <satellite host_id="[::1]:7002" ip="::1" port="7002" ctime="2026-11-22T09:59:59Z">
    <nick encoding="base64">/3dobw==</nick>
    <plugins/>
  </satellite>
</relayd-state>
`
	if string(got) != want {
		t.Errorf("encode:\n%s\nwant:\n%s", got, want)
	}
	if doc := docExample(t); doc != want {
		t.Errorf("doc.go's example differs from the encoder's output:\n%s\nwant:\n%s", doc, want)
	}
}

// docExample returns the file example of doc.go, without comment markers.
func docExample(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(src), "\n") {
		if text, ok := strings.CutPrefix(line, "//\t"); ok {
			b.WriteString(text + "\n")
		}
	}
	return b.String()
}

func TestSaveRejectsRecordsLoadWouldReject(t *testing.T) {
	ok := sampleRecords()[0]
	cases := []struct {
		name   string
		change func(r *Record)
	}{
		{"empty host_id", func(r *Record) { r.HostID = "" }},
		{"host_id not UTF-8", func(r *Record) { r.HostID = "\xff:1" }},
		{"host_id with NUL", func(r *Record) { r.HostID = "a\x00:1" }},
		{"empty ip", func(r *Record) { r.IP = "" }},
		{"bad ip", func(r *Record) { r.IP = "localhost" }},
		{"ip with NUL zone", func(r *Record) { r.IP = "fe80::1%\x00" }},
		{"port 0", func(r *Record) { r.Port = 0 }},
		{"port 65536", func(r *Record) { r.Port = 65536 }},
		{"negative port", func(r *Record) { r.Port = -1 }},
		{"ctime year 10000", func(r *Record) { r.CTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"ctime before year 0", func(r *Record) { r.CTime = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := ok
			tc.change(&rec)
			requireSaveRejects(t, []Record{rec})
		})
	}
	t.Run("duplicate host_id", func(t *testing.T) {
		requireSaveRejects(t, []Record{ok, sampleRecords()[1], ok})
	})
}

func requireSaveRejects(t *testing.T, recs []Record) {
	t.Helper()
	path := statePath(t)
	err := Save(path, recs)
	if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Save = %v, want ErrInvalidRecord naming %s", err, path)
	}
	if _, statErr := os.Stat(path); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("Save wrote a file despite the error (stat: %v)", statErr)
	}
}

// FuzzDecode: whatever decode accepts, encode writes back and decode reads
// the same again; nothing panics.
func FuzzDecode(f *testing.F) {
	good, err := encode(sampleRecords(), time.Unix(0, 0))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(docExampleSeed))
	for _, tc := range corruptFiles {
		f.Add([]byte(tc.content))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := decode(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrFutureVersion) {
				t.Fatalf("decode error %v wraps neither ErrCorrupt nor ErrFutureVersion", err)
			}
			return
		}
		again, err := encode(recs, time.Unix(0, 0))
		if err != nil {
			t.Fatalf("encode of decoded records: %v", err)
		}
		back, err := decode(again)
		if err != nil {
			t.Fatalf("decode of re-encoded records: %v\n%s", err, again)
		}
		requireRecords(t, back, recs)
	})
}

// FuzzRoundTripStrings: every string survives as nick, notify_pass and plugin.
func FuzzRoundTripStrings(f *testing.F) {
	for _, tc := range oddStrings {
		f.Add(tc.s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		recs := []Record{{HostID: "h", IP: "1.2.3.4", Port: 1, Nick: s, NotifyPass: s, Plugins: []string{s}}}
		data, err := encode(recs, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		back, err := decode(data)
		if err != nil {
			t.Fatalf("decode: %v\n%q", err, data)
		}
		requireRecords(t, back, recs)
	})
}

// docExampleSeed is a hand-written file with comments and CDATA, which the
// encoder never writes but a person editing the file might.
const docExampleSeed = `<?xml version="1.0"?>
<!-- edited by hand -->
<relayd-state version="1">
  <satellite host_id="h:1" ip="1.2.3.4" port="1" ctime="2026-01-01T00:00:00+02:00">
    <nick><![CDATA[<raw>]]><!-- note --> tail</nick>
  </satellite>
</relayd-state>`
