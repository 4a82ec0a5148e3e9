package rpc

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// codecValueXML encodes v alone and returns what is between
// <param> and </param> of the response.
func codecValueXML(t *testing.T, v Value) string {
	t.Helper()
	out, err := AppendResponse(nil, v)
	if err != nil {
		t.Fatalf("AppendResponse(%#v): %v", v, err)
	}
	s := string(out)
	const head = `<?xml version="1.0"?>` + "\n<methodResponse><params><param>"
	const tail = "</param></params></methodResponse>"
	if !strings.HasPrefix(s, head) || !strings.HasSuffix(s, tail) {
		t.Fatalf("unexpected response envelope: %s", s)
	}
	return s[len(head) : len(s)-len(tail)]
}

func TestEncodeValues(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"int", Int(42), "<value><int>42</int></value>"},
		{"int32 max is <int>", Int(math.MaxInt32), "<value><int>2147483647</int></value>"},
		{"int32 min is <int>", Int(math.MinInt32), "<value><int>-2147483648</int></value>"},
		{"beyond int32 is <i8>", Int(math.MaxInt32 + 1), "<value><i8>2147483648</i8></value>"},
		{"below int32 is <i8>", Int(math.MinInt32 - 1), "<value><i8>-2147483649</i8></value>"},
		{"case 71 2^33 is <i8> (pinned)", Int(1 << 33), "<value><i8>8589934592</i8></value>"},
		{"true", Bool(true), "<value><boolean>1</boolean></value>"},
		{"false", Bool(false), "<value><boolean>0</boolean></value>"},
		{"string", String("hi"), "<value><string>hi</string></value>"},
		{"empty string", String(""), "<value><string></string></value>"},
		{"escaping", String(`a&b<c>d"e'f]]>`), `<value><string>a&amp;b&lt;c&gt;d"e'f]]&gt;</string></value>`},
		{"CR as &#13;, tab and LF raw", String("a\rb\tc\nd"), "<value><string>a&#13;b\tc\nd</string></value>"},
		{"case 68 echo of a CR, specials and a snowman", String("a\r<&>\u2603"), "<value><string>a&#13;&lt;&amp;&gt;\u2603</string></value>"},
		{"U+FFFD and astral characters pass", String("\uFFFD\U0001F600"), "<value><string>\uFFFD\U0001F600</string></value>"},
		{"double", Double(1.5), "<value><double>1.5</double></value>"},
		{"double 1e300 without exponent", Double(1e300), "<value><double>1" + strings.Repeat("0", 300) + "</double></value>"},
		{"double 1e-7 without exponent", Double(1e-7), "<value><double>0.0000001</double></value>"},
		{"double 0.1 shortest", Double(0.1), "<value><double>0.1</double></value>"},
		{"double -0", Double(math.Copysign(0, -1)), "<value><double>-0</double></value>"},
		{"dateTime in UTC, compact", DateTime(time.Date(1998, 7, 17, 16, 8, 55, 999, time.FixedZone("x", 2*3600))), "<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>"},
		{"dateTime TimeRaw verbatim", Value{Kind: KindDateTime, Time: time.Date(1998, 7, 17, 12, 8, 55, 0, time.UTC), TimeRaw: "1998-07-17T14:08:55+02:00"}, "<value><dateTime.iso8601>1998-07-17T14:08:55+02:00</dateTime.iso8601></value>"},
		{"dateTime zero time", DateTime(time.Time{}), "<value><dateTime.iso8601>00010101T00:00:00</dateTime.iso8601></value>"},
		{"base64", Base64([]byte("hello")), "<value><base64>aGVsbG8=</base64></value>"},
		{"base64 unwrapped", Base64([]byte(strings.Repeat("hel", 40))), "<value><base64>" + strings.Repeat("aGVs", 40) + "</base64></value>"},
		{"empty base64", Base64(nil), "<value><base64></base64></value>"},
		{"nil", Nil(), "<value><nil/></value>"},
		{"empty array", Array(), "<value><array><data></data></array></value>"},
		{"nil-slice array", Value{Kind: KindArray}, "<value><array><data></data></array></value>"},
		{"array", Array(Int(1), String("a")), "<value><array><data><value><int>1</int></value><value><string>a</string></value></data></array></value>"},
		{"empty struct", Struct(), "<value><struct></struct></value>"},
		{"struct keeps order, names escaped", Struct(Member{"z<&>", Int(1)}, Member{"", String("e")}),
			"<value><struct><member><name>z&lt;&amp;&gt;</name><value><int>1</int></value></member><member><name></name><value><string>e</string></value></member></struct></value>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := codecValueXML(t, tc.v); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Everything the encoder writes decodes back to an Equal value.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	values := []Value{
		Int(math.MaxInt64), Int(math.MinInt64), Int(0), Bool(true),
		String("a\r<&>\u2603"), String("  spaces  "), String("\n"), String("]]>"),
		Double(1e300), Double(5e-324), Double(math.MaxFloat64), Double(-0.0), Double(math.Copysign(0, -1)), Double(0.1),
		{Kind: KindDateTime, Time: time.Date(1998, 7, 17, 12, 8, 55, 0, time.UTC), TimeRaw: "1998-07-17T14:08:55+02:00"},
		{Kind: KindDateTime, Time: time.Date(1998, 7, 17, 14, 8, 55, 123000000, time.UTC), TimeRaw: "19980717T14:08:55.123"},
		Base64([]byte{0, 1, 2, 255}), Base64([]byte{}), Nil(),
		Array(), Struct(),
		Struct(Member{"a&b", Array(Int(1), Struct(Member{"", Nil()}))}),
	}
	for _, v := range values {
		body, err := AppendCall(nil, "echo", []Value{v})
		if err != nil {
			t.Fatalf("AppendCall(%#v): %v", v, err)
		}
		call, err := DecodeCall(body, DefaultLimits())
		if err != nil {
			t.Fatalf("DecodeCall(%s): %v", body, err)
		}
		if !call.Params[0].Equal(v) {
			t.Errorf("round trip of %#v gave %#v", v, call.Params[0])
		}
		reply, err := AppendResponse(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeResponse(reply, DefaultLimits())
		if err != nil || !got.Equal(v) {
			t.Errorf("response round trip of %#v gave %#v, %v", v, got, err)
		}
	}
}

// A dateTime without TimeRaw goes out in whole seconds of UTC.
func TestEncodeDateTimeWithoutRaw(t *testing.T) {
	in := DateTime(time.Date(2024, 1, 2, 5, 4, 5, 678901000, time.FixedZone("", 2*3600)))
	body, err := AppendCall(nil, "echo", []Value{in})
	if err != nil {
		t.Fatal(err)
	}
	call, err := DecodeCall(body, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := Value{Kind: KindDateTime, Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), TimeRaw: "20240102T03:04:05"}
	if !call.Params[0].Equal(want) {
		t.Fatalf("got %#v, want %#v", call.Params[0], want)
	}
}

func TestEncodeRefuses(t *testing.T) {
	cycle := []Value{{}}
	cycle[0] = Value{Kind: KindArray, Array: cycle}
	tests := []struct {
		name string
		v    Value
	}{
		{"case 71 NaN", Double(math.NaN())},
		{"+Inf", Double(math.Inf(1))},
		{"-Inf", Double(math.Inf(-1))},
		{"case 71 invalid UTF-8", String("a\xffb")},
		{"a lone surrogate's bytes", String("\xed\xa0\x80")},
		{"NUL", String("a\x00b")},
		{"a control character", String("\x1b[31m")},
		{"U+FFFE", String("\uFFFE")},
		{"invalid UTF-8 in a member name", Struct(Member{"k\xff", Int(1)})},
		{"control character in a member name", Struct(Member{"k\x01", Int(1)})},
		{"the zero Value", Value{}},
		{"an unknown kind", Value{Kind: 99}},
		{"nested deep in an array", Array(Int(1), Struct(Member{"x", Array(Double(math.NaN()))}))},
		{"a TimeRaw that is not a dateTime", Value{Kind: KindDateTime, TimeRaw: "<b>now</b>"}},
		{"a year beyond 9999", DateTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))},
		{"a negative year", DateTime(time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC))},
		{"a cycle", cycle[0]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prefix := []byte("keep")
			out, err := AppendResponse(prefix, tc.v)
			if !errors.Is(err, ErrUnencodable) {
				t.Fatalf("AppendResponse: got %q, %v; want ErrUnencodable", out, err)
			}
			if string(out) != "keep" {
				t.Fatalf("on error dst became %q, want it unchanged", out)
			}
			out, err = AppendCall(prefix, "echo", []Value{Int(1), tc.v})
			if !errors.Is(err, ErrUnencodable) || string(out) != "keep" {
				t.Fatalf("AppendCall: got %q, %v; want ErrUnencodable and dst unchanged", out, err)
			}
		})
	}
}

// The error says where the bad value is.
func TestEncodeErrorNamesThePath(t *testing.T) {
	v := Struct(Member{"data", Array(Int(1), String("ok"), String("bad\xff"))})
	_, err := AppendCall(nil, "notify", []Value{Int(0), v})
	if err == nil {
		t.Fatal("no error")
	}
	if want := `params[1]["data"][2]`; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name %s", err, want)
	}
}

func TestAppendCall(t *testing.T) {
	out, err := AppendCall([]byte("prefix:"), "relay.relay", []Value{Struct(Member{"host_id", String("1.2.3.4:5")}), Int(1)})
	if err != nil {
		t.Fatal(err)
	}
	want := "prefix:" + `<?xml version="1.0"?>` + "\n" +
		`<methodCall><methodName>relay.relay</methodName><params>` +
		`<param><value><struct><member><name>host_id</name><value><string>1.2.3.4:5</string></value></member></struct></value></param>` +
		`<param><value><int>1</int></value></param>` +
		`</params></methodCall>`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	out, err = AppendCall(nil, "ping", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<?xml version="1.0"?>` + "\n<methodCall><methodName>ping</methodName><params></params></methodCall>"; string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

func TestAppendCallRefusesBadMethodNames(t *testing.T) {
	for _, name := range []string{"", "a<b&c", " echo", "a-b", "é", strings.Repeat("a", 257)} {
		out, err := AppendCall([]byte("keep"), name, nil)
		if !errors.Is(err, ErrUnencodable) || string(out) != "keep" {
			t.Errorf("AppendCall(%q): got %q, %v; want ErrUnencodable and dst unchanged", name, out, err)
		}
	}
	if _, err := AppendCall(nil, strings.Repeat("a", 256)+"", nil); err != nil {
		t.Errorf("a 256-byte name: %v", err)
	}
}

// Exactly one param, whatever the value.
func TestAppendResponseHasExactlyOneParam(t *testing.T) {
	for _, v := range []Value{Nil(), Array(Int(1), Int(2)), Struct(), String("")} {
		out, err := AppendResponse(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(out), "<param>"); n != 1 {
			t.Errorf("%#v: %d <param>s in %s", v, n, out)
		}
		if !strings.HasPrefix(string(out), `<?xml version="1.0"?>`) {
			t.Errorf("no prologue: %s", out)
		}
	}
}

func TestAppendFaultShape(t *testing.T) {
	tests := []struct {
		name string
		f    *Fault
		want string
	}{
		{"plain", &Fault{Code: CodeMethodNotFound, String: "no such method"},
			`<?xml version="1.0"?>` + "\n" + `<methodResponse><fault><value><struct>` +
				`<member><name>faultCode</name><value><int>-32601</int></value></member>` +
				`<member><name>faultString</name><value><string>no such method</string></value></member>` +
				`</struct></value></fault></methodResponse>`},
		{"escaped", &Fault{Code: 1, String: "Co2RegistryError: <a> & \r"},
			`<?xml version="1.0"?>` + "\n" + `<methodResponse><fault><value><struct>` +
				`<member><name>faultCode</name><value><int>1</int></value></member>` +
				`<member><name>faultString</name><value><string>Co2RegistryError: &lt;a&gt; &amp; &#13;</string></value></member>` +
				`</struct></value></fault></methodResponse>`},
		{"sanitised", &Fault{Code: 2, String: "a\xffb\x00c\uFFFEd"},
			`<?xml version="1.0"?>` + "\n" + `<methodResponse><fault><value><struct>` +
				`<member><name>faultCode</name><value><int>2</int></value></member>` +
				"<member><name>faultString</name><value><string>a\uFFFDb\uFFFDc\uFFFDd</string></value></member>" +
				`</struct></value></fault></methodResponse>`},
		{"nil fault", nil,
			`<?xml version="1.0"?>` + "\n" + `<methodResponse><fault><value><struct>` +
				`<member><name>faultCode</name><value><int>-32603</int></value></member>` +
				`<member><name>faultString</name><value><string>internal error</string></value></member>` +
				`</struct></value></fault></methodResponse>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := AppendFault([]byte("x"), tc.f)
			if got := string(out); got != "x"+tc.want {
				t.Fatalf("got  %q\nwant %q", got, "x"+tc.want)
			}
			_, err := DecodeResponse(out[1:], DefaultLimits())
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("our own fault does not decode as one: %v", err)
			}
		})
	}
}

// The fault round trip keeps code and text.
func TestAppendFaultRoundTrip(t *testing.T) {
	in := &Fault{Code: -32000, String: "limit exceeded: a\r\n<b> & \"c\""}
	_, err := DecodeResponse(AppendFault(nil, in), DefaultLimits())
	var f *Fault
	if !errors.As(err, &f) || *f != *in {
		t.Fatalf("got %v, want %v", err, in)
	}
}
