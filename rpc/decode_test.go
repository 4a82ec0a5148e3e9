package rpc

import (
	"errors"
	"math"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The codec cases of notes/xmlrpc-interop-and-security.md section 7, each
// row named after its case number there.

// codecCall is CALL(v) of section 7: an echo call whose one param is <value>v</value>.
func codecCall(v string) string {
	return `<?xml version="1.0"?><methodCall><methodName>echo</methodName><params><param><value>` +
		v + `</value></param></params></methodCall>`
}

// codecCallParams wraps raw <params> content in a call of echo.
func codecCallParams(params string) string {
	return `<?xml version="1.0"?><methodCall><methodName>echo</methodName><params>` + params + `</params></methodCall>`
}

// codecNest wraps inner in n levels of array.
func codecNest(n int, inner string) string {
	return strings.Repeat("<array><data><value>", n) + inner + strings.Repeat("</value></data></array>", n)
}

func codecUTC(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

func codecDate(t time.Time, raw string) Value {
	return Value{Kind: KindDateTime, Time: t, TimeRaw: raw}
}

func codecNegZero() float64 { return math.Copysign(0, -1) }

type codecOKCase struct {
	name string
	body string
	want Value
}

// codecOKCases decode to a call of echo whose only param is want.
var codecOKCases = []codecOKCase{
	{"case 1 untyped text", codecCall("hello world"), String("hello world")},
	{"case 2 untyped text is not trimmed", codecCall("  hi  "), String("  hi  ")},
	{"case 3 empty value", codecCall(""), String("")},
	{"case 4 self-closed value", codecCallParams("<param><value/></param>"), String("")},
	{"case 5 self-closed string", codecCall("<string/>"), String("")},
	{"case 5 empty string", codecCall("<string></string>"), String("")},
	{"case 6 i4 negative", codecCall("<i4>-7</i4>"), Int(-7)},
	{"case 6 int with plus", codecCall("<int>+42</int>"), Int(42)},
	{"case 6 int with leading zeros", codecCall("<int>007</int>"), Int(7)},
	{"case 7 int with spaces", codecCall("<int> 42 </int>"), Int(42)},
	{"case 7 int with newlines", codecCall("<int>\n42\n</int>"), Int(42)},
	{"case 8 i8 max", codecCall("<i8>9223372036854775807</i8>"), Int(math.MaxInt64)},
	{"case 8 i8 min", codecCall("<i8>-9223372036854775808</i8>"), Int(math.MinInt64)},
	{"case 8 ex:i8 declared", codecCall(`<ex:i8 xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions">5</ex:i8>`), Int(5)},
	{"case 8 ex:i8 undeclared prefix", codecCall("<ex:i8>5</ex:i8>"), Int(5)},
	{"case 8 i1 i2 biginteger", codecCall("<array><data><value><i1>1</i1></value><value><ex:i2>2</ex:i2></value><value><biginteger>3</biginteger></value></data></array>"),
		Array(Int(1), Int(2), Int(3))},
	{"case 9 int beyond int32", codecCall("<int>2147483648</int>"), Int(2147483648)},
	{"case 11 boolean 1", codecCall("<boolean>1</boolean>"), Bool(true)},
	{"case 11 boolean 0", codecCall("<boolean>0</boolean>"), Bool(false)},
	{"case 11 boolean trimmed", codecCall("<boolean> 1 </boolean>"), Bool(true)},
	{"case 13 double 1.5", codecCall("<double>1.5</double>"), Double(1.5)},
	{"case 13 double -.5", codecCall("<double>-.5</double>"), Double(-0.5)},
	{"case 13 double +3.", codecCall("<double>+3.</double>"), Double(3)},
	{"case 13 double 1e300", codecCall("<double>1e300</double>"), Double(1e300)},
	{"case 13 double 1E-7", codecCall("<double>1E-7</double>"), Double(1e-7)},
	{"case 13 double -0.0", codecCall("<double>-0.0</double>"), Double(codecNegZero())},
	{"case 13 double trimmed", codecCall("<double>\n 2.5 \n</double>"), Double(2.5)},
	{"case 13 float is a double (pinned)", codecCall("<ex:float>2.5</ex:float>"), Double(2.5)},
	{"case 16 compact dateTime", codecCall("<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 14, 8, 55, 0), "19980717T14:08:55")},
	{"case 17 dashed dateTime", codecCall("<dateTime.iso8601>1998-07-17T14:08:55</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 14, 8, 55, 0), "1998-07-17T14:08:55")},
	{"case 17 dateTime Z", codecCall("<dateTime.iso8601>19980717T14:08:55Z</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 14, 8, 55, 0), "19980717T14:08:55Z")},
	{"case 17 dateTime +02:00 is 12:08:55Z", codecCall("<dateTime.iso8601>1998-07-17T14:08:55+02:00</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 12, 8, 55, 0), "1998-07-17T14:08:55+02:00")},
	{"case 17 dateTime -0130", codecCall("<dateTime.iso8601>19980717T14:08:55-0130</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 15, 38, 55, 0), "19980717T14:08:55-0130")},
	{"case 17 dateTime without colons", codecCall("<dateTime.iso8601>19980717T140855</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 14, 8, 55, 0), "19980717T140855")},
	{"case 17 dateTime fraction", codecCall("<dateTime.iso8601>19980717T14:08:55.123</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 14, 8, 55, 123000000), "19980717T14:08:55.123")},
	{"case 17 dateTime trimmed", codecCall("<dateTime.iso8601>\n19980717T14:08:55\n</dateTime.iso8601>"),
		codecDate(codecUTC(1998, 7, 17, 14, 8, 55, 0), "19980717T14:08:55")},
	{"case 17 dateTime leap day", codecCall("<dateTime.iso8601>20000229T00:00:00</dateTime.iso8601>"),
		codecDate(codecUTC(2000, 2, 29, 0, 0, 0, 0), "20000229T00:00:00")},
	{"case 19 base64 wrapped", codecCall("<base64>\naGVs\nbG8=\n</base64>"), Base64([]byte("hello"))},
	{"case 19 base64 with a space", codecCall("<base64>aGVs bG8=</base64>"), Base64([]byte("hello"))},
	{"case 19 base64 unpadded", codecCall("<base64>aGVsbG8</base64>"), Base64([]byte("hello"))},
	{"case 19 base64 with a tab and CRLF", codecCall("<base64>aG\tVs\r\nbG8=</base64>"), Base64([]byte("hello"))},
	{"case 20 empty base64", codecCall("<base64></base64>"), Base64([]byte{})},
	{"case 20 self-closed base64", codecCall("<base64/>"), Base64([]byte{})},
	{"case 20 Python's empty base64", codecCall("<base64>\n</base64>"), Base64([]byte{})},
	{"case 22 nil", codecCall("<nil/>"), Nil()},
	{"case 22 nil element", codecCall("<nil></nil>"), Nil()},
	{"case 22 ex:nil", codecCall("<ex:nil/>"), Nil()},
	{"case 22 Python's nil", codecCallParams("<param>\n<value><nil/></value></param>"), Nil()},
	{"case 24 CDATA joined", codecCall("<string>a<![CDATA[<b>&amp;]]>c</string>"), String("a<b>&amp;c")},
	{"case 24 untyped CDATA joined", codecCall("a<![CDATA[<b>]]>c"), String("a<b>c")},
	{"case 25 comments and PIs dropped", codecCall("<string>a<!-- x -->b<?pi z?>c</string>"), String("abc")},
	{"case 25 untyped comment dropped", codecCall("a<!-- c -->b"), String("ab")},
	{"case 26 references", codecCall("<string>&lt;&gt;&amp;&apos;&quot;&#65;&#x263A;&#x1F600;</string>"), String("<>&'\"A\u263a\U0001F600")},
	{"case 27 CR as a reference", codecCall("<string>a&#13;b</string>"), String("a\rb")},
	{"case 27 raw CRLF becomes LF", codecCall("<string>a\r\nb</string>"), String("a\nb")},
	{"case 27 raw CR becomes LF", codecCall("<string>a\rb</string>"), String("a\nb")},
	{"case 28 surrogate reference is U+FFFD (Go, pinned)", codecCall("<string>a&#55296;b</string>"), String("a\uFFFDb")},
	{"case 29 UTF-8", codecCall("<string>\xc3\xa9</string>"), String("é")},
	{"case 30 struct with escaped and empty names", codecCall("<struct><member><name>a&amp;b</name><value><int>1</int></value></member><member><name></name><value>x</value></member></struct>"),
		Struct(Member{"a&b", Int(1)}, Member{"", String("x")})},
	{"case 31 duplicate member: last wins", codecCall("<struct><member><name>a</name><value><int>1</int></value></member><member><name>a</name><value><int>2</int></value></member></struct>"),
		Struct(Member{"a", Int(2)})},
	{"case 31 duplicate member keeps the first place", codecCall("<struct><member><name>a</name><value>1</value></member><member><name>b</name><value>x</value></member><member><name>a</name><value>2</value></member></struct>"),
		Struct(Member{"a", String("2")}, Member{"b", String("x")})},
	{"case 32 empty struct", codecCall("<struct></struct>"), Struct()},
	{"case 32 empty array", codecCall("<array><data/></array>"), Array()},
	{"case 32 empty array spelled out", codecCall("<array><data></data></array>"), Array()},
	{"case 37 pretty-printed with CRLF", "<?xml version=\"1.0\"?>\r\n<methodCall>\r\n  <methodName>echo</methodName>\r\n  <params>\r\n    <param>\r\n      <value>\r\n        <struct>\r\n          <member>\r\n            <name>k</name>\r\n            <value>\r\n              <array>\r\n                <data>\r\n                  <value><int>1</int></value>\r\n                  <value>v</value>\r\n                </data>\r\n              </array>\r\n            </value>\r\n          </member>\r\n        </struct>\r\n      </value>\r\n    </param>\r\n  </params>\r\n</methodCall>\r\n",
		Struct(Member{"k", Array(Int(1), String("v"))})},
	{"case 38 attributes ignored", codecCallParams(`<param a="1"><value foo="1"><int a="b">5</int></value></param>`), Int(5)},
	{"case 39 default namespace on the root", `<?xml version="1.0"?><methodCall xmlns="urn:x"><methodName>echo</methodName><params><param><value><int>5</int></value></param></params></methodCall>`, Int(5)},
	{"case 40 64 levels of arrays", codecCall(codecNest(64, "<int>1</int>")), codecNestedArrays(64, Int(1))},
	{"case 40 64 levels of structs", codecCall(strings.Repeat("<struct><member><name>k</name><value>", 64) + "x" + strings.Repeat("</value></member></struct>", 64)), codecNestedStructs(64, String("x"))},
	{"case 50 comments and PIs after the root", codecCall("1") + "\n<!-- c -->\n<?pi x?>\n", String("1")},
	{"case 50 comments before the root", `<?xml version="1.0"?><!-- c --><?pi x?>` + "\n" + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), String("1")},
	{"case 52 ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>echo</methodName><params><param><value>caf` + "\xe9" + `</value></param></params></methodCall>`, String("café")},
	{"case 52 latin1", `<?xml version="1.0" encoding="latin1"?><methodCall><methodName>echo</methodName><params><param><value>` + "\xff\xe9" + `&#9731;</value></param></params></methodCall>`, String("ÿé☃")},
	{"case 53 US-ASCII", `<?xml version="1.0" encoding="US-ASCII"?><methodCall><methodName>echo</methodName><params><param><value>ok</value></param></params></methodCall>`, String("ok")},
	{"case 53 lower-case utf-8", `<?xml version="1.0" encoding="utf-8"?><methodCall><methodName>echo</methodName><params><param><value>é</value></param></params></methodCall>`, String("é")},
	{"case 53 UTF-8 BOM", "\xef\xbb\xbf" + codecCall("ok"), String("ok")},
	{"case 53 no XML declaration", `<methodCall><methodName>echo</methodName><params><param><value>ok</value></param></params></methodCall>`, String("ok")},
	{"single-quoted declaration (Python)", `<?xml version='1.0'?>` + "\n<methodCall>\n<methodName>echo</methodName>\n<params>\n<param>\n<value><int>42</int></value>\n</param>\n</params>\n</methodCall>\n", Int(42)},
}

func codecNestedArrays(n int, inner Value) Value {
	for i := 0; i < n; i++ {
		inner = Array(inner)
	}
	return inner
}

func codecNestedStructs(n int, inner Value) Value {
	for i := 0; i < n; i++ {
		inner = Struct(Member{"k", inner})
	}
	return inner
}

func TestDecodeCallValues(t *testing.T) {
	for _, tc := range codecOKCases {
		t.Run(tc.name, func(t *testing.T) {
			call, err := DecodeCall([]byte(tc.body), DefaultLimits())
			if err != nil {
				t.Fatalf("DecodeCall: %v", err)
			}
			if call.Method != "echo" || len(call.Params) != 1 {
				t.Fatalf("got method %q with %d params, want echo with 1", call.Method, len(call.Params))
			}
			if got := call.Params[0]; !got.Equal(tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
			if got := call.Params[0]; got.Kind == KindDateTime && got.Time.Location() != time.UTC {
				t.Fatalf("dateTime location is %v, want UTC", got.Time.Location())
			}
		})
	}
}

// Equal does not tell nil bytes from empty ones; the contract does.
func TestDecodeEmptyBase64IsNotNil(t *testing.T) {
	call, err := DecodeCall([]byte(codecCall("<base64/>")), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if call.Params[0].Bytes == nil {
		t.Fatal("empty base64 decoded to nil bytes, want empty non-nil")
	}
}

type codecFaultCase struct {
	name string
	body string
	code int
}

// codecFaultCases are refused by DecodeCall with the given fault code.
var codecFaultCases = []codecFaultCase{
	{"case 10 int beyond int64", codecCall("<int>9223372036854775808</int>"), CodeInvalidRequest},
	{"case 10 int below int64", codecCall("<i8>-9223372036854775809</i8>"), CodeInvalidRequest},
	{"case 10 empty int", codecCall("<int></int>"), CodeInvalidRequest},
	{"case 10 int 1.5", codecCall("<int>1.5</int>"), CodeInvalidRequest},
	{"case 10 int 1e3", codecCall("<int>1e3</int>"), CodeInvalidRequest},
	{"case 10 int 0x10", codecCall("<int>0x10</int>"), CodeInvalidRequest},
	{"case 10 int 4_2", codecCall("<int>4_2</int>"), CodeInvalidRequest},
	{"case 10 int sign only", codecCall("<int>-</int>"), CodeInvalidRequest},
	{"case 10 int inner space", codecCall("<int>4 2</int>"), CodeInvalidRequest},
	{"case 12 boolean yes", codecCall("<boolean>yes</boolean>"), CodeInvalidRequest},
	{"case 12 boolean 2", codecCall("<boolean>2</boolean>"), CodeInvalidRequest},
	{"case 12 empty boolean", codecCall("<boolean/>"), CodeInvalidRequest},
	{"case 12 boolean true (pinned: refused)", codecCall("<boolean>true</boolean>"), CodeInvalidRequest},
	{"case 12 boolean false (pinned: refused)", codecCall("<boolean>false</boolean>"), CodeInvalidRequest},
	{"case 14 double hex", codecCall("<double>0x1p-2</double>"), CodeInvalidRequest},
	{"case 14 double underscore", codecCall("<double>1_000.5</double>"), CodeInvalidRequest},
	{"case 14 double comma", codecCall("<double>1,5</double>"), CodeInvalidRequest},
	{"case 14 empty double", codecCall("<double></double>"), CodeInvalidRequest},
	{"case 14 double dot only", codecCall("<double>.</double>"), CodeInvalidRequest},
	{"case 14 double bare exponent", codecCall("<double>1e</double>"), CodeInvalidRequest},
	{"case 14 double overflow", codecCall("<double>1e400</double>"), CodeInvalidRequest},
	{"case 15 double inf", codecCall("<double>inf</double>"), CodeInvalidRequest},
	{"case 15 double nan", codecCall("<double>nan</double>"), CodeInvalidRequest},
	{"case 15 double Infinity", codecCall("<double>-Infinity</double>"), CodeInvalidRequest},
	{"case 15 bigdecimal refused (pinned)", codecCall("<bigdecimal>1.5</bigdecimal>"), CodeInvalidRequest},
	{"case 18 not a date", codecCall("<dateTime.iso8601>not a date</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 date only", codecCall("<dateTime.iso8601>19980717</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 month 13", codecCall("<dateTime.iso8601>1998-13-40T99:00:00</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 month 13 alone", codecCall("<dateTime.iso8601>19981317T14:08:55</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 February 30", codecCall("<dateTime.iso8601>19980230T14:08:55</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 February 29 of 1900", codecCall("<dateTime.iso8601>19000229T00:00:00</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 hour 24", codecCall("<dateTime.iso8601>19980717T24:00:00</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 empty fraction", codecCall("<dateTime.iso8601>19980717T14:08:55.</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 bad zone", codecCall("<dateTime.iso8601>19980717T14:08:55+2</dateTime.iso8601>"), CodeInvalidRequest},
	{"case 18 empty dateTime", codecCall("<dateTime.iso8601/>"), CodeInvalidRequest},
	{"case 21 base64 bang", codecCall("<base64>!!!!</base64>"), CodeInvalidRequest},
	{"case 21 base64 too much padding", codecCall("<base64>aGVsbG8==</base64>"), CodeInvalidRequest},
	{"case 21 base64 one stray char", codecCall("<base64>aGVsb</base64>"), CodeInvalidRequest},
	{"case 23 nil with content", codecCall("<nil>x</nil>"), CodeInvalidRequest},
	{"case 23 nil with an element", codecCall("<nil><int>1</int></nil>"), CodeInvalidRequest},
	{"case 33 value before name", codecCall("<struct><member><value>a</value><name>n</name></member></struct>"), CodeInvalidRequest},
	{"case 33 member without value", codecCall("<struct><member><name>n</name></member></struct>"), CodeInvalidRequest},
	{"case 33 member with two names", codecCall("<struct><member><name>n</name><name>m</name><value>a</value></member></struct>"), CodeInvalidRequest},
	{"case 33 member with two values", codecCall("<struct><member><name>n</name><value>a</value><value>b</value></member></struct>"), CodeInvalidRequest},
	{"case 33 empty member", codecCall("<struct><member></member></struct>"), CodeInvalidRequest},
	{"case 33 text in a struct", codecCall("<struct>x<member><name>n</name><value>a</value></member></struct>"), CodeInvalidRequest},
	{"case 33 value directly in a struct", codecCall("<struct><value>a</value></struct>"), CodeInvalidRequest},
	{"case 34 array without data", codecCall("<array><value><int>1</int></value></array>"), CodeInvalidRequest},
	{"case 34 empty array without data", codecCall("<array></array>"), CodeInvalidRequest},
	{"case 34 array with two data", codecCall("<array><data/><data/></array>"), CodeInvalidRequest},
	{"case 34 text in data", codecCall("<array><data>x</data></array>"), CodeInvalidRequest},
	{"case 35 value in value", codecCall("<value><int>1</int></value>"), CodeInvalidRequest},
	{"case 35 two typed children", codecCall("<int>1</int><int>2</int>"), CodeInvalidRequest},
	{"case 35 text then a child", codecCall("abc<int>1</int>"), CodeInvalidRequest},
	{"case 35 a child then text", codecCall("<int>1</int>abc"), CodeInvalidRequest},
	{"case 35 element inside a scalar", codecCall("<string>a<b/>c</string>"), CodeInvalidRequest},
	{"case 36 unknown tag", codecCall("<foo>1</foo>"), CodeInvalidRequest},
	{"case 36 ex:serializable", codecCall(`<ex:serializable xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions">rO0ABXNyAA5qYXZhLmxhbmcuTG9uZw==</ex:serializable>`), CodeInvalidRequest},
	{"case 36 ex:dom", codecCall("<ex:dom><x/></ex:dom>"), CodeInvalidRequest},
	{"case 36 tag names are case-sensitive", codecCall("<INT>1</INT>"), CodeInvalidRequest},
	{"case 41 65 levels of arrays", codecCall(codecNest(65, "<int>1</int>")), CodeLimitExceeded},
	{"case 41 65 levels of structs", codecCall(strings.Repeat("<struct><member><name>k</name><value>", 65) + "x" + strings.Repeat("</value></member></struct>", 65)), CodeLimitExceeded},
	{"case 42 array of 10001 values", codecCall("<array><data>" + strings.Repeat("<value/>", 10001) + "</data></array>"), CodeLimitExceeded},
	{"case 42 struct of 10001 members", codecCall("<struct>" + codecMembers(10001) + "</struct>"), CodeLimitExceeded},
	{"case 42 struct of 10001 duplicate members", codecCall("<struct>" + strings.Repeat("<member><name>a</name><value/></member>", 10001) + "</struct>"), CodeLimitExceeded},
	{"case 42 65 params", codecCallParams(strings.Repeat("<param><value/></param>", 65)), CodeLimitExceeded},
	{"case 45 param without value", codecCallParams("<param></param>"), CodeInvalidRequest},
	{"case 45 param with only whitespace", codecCallParams("<param>\n</param>"), CodeInvalidRequest},
	{"case 45 param with two values", codecCallParams("<param><value>a</value><value>b</value></param>"), CodeInvalidRequest},
	{"case 45 param with text", codecCallParams("<param>a</param>"), CodeInvalidRequest},
	{"case 45 params with a value", codecCallParams("<value>a</value>"), CodeInvalidRequest},
	{"case 46 missing methodName", `<?xml version="1.0"?><methodCall><params/></methodCall>`, CodeInvalidRequest},
	{"case 46 empty root", `<?xml version="1.0"?><methodCall/>`, CodeInvalidRequest},
	{"case 46 empty methodName", `<?xml version="1.0"?><methodCall><methodName></methodName></methodCall>`, CodeInvalidRequest},
	{"case 46 raw < in methodName", `<?xml version="1.0"?><methodCall><methodName>a<b</methodName></methodCall>`, CodeParseError},
	{"case 46 two methodNames", `<?xml version="1.0"?><methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>`, CodeInvalidRequest},
	{"case 46 params before methodName", `<?xml version="1.0"?><methodCall><params/><methodName>a</methodName></methodCall>`, CodeInvalidRequest},
	{"case 46 element in methodName", `<?xml version="1.0"?><methodCall><methodName>a<b/></methodName></methodCall>`, CodeInvalidRequest},
	{"case 46 text in methodCall", `<?xml version="1.0"?><methodCall>x<methodName>a</methodName></methodCall>`, CodeInvalidRequest},
	{"case 47 escaped & in the name", `<?xml version="1.0"?><methodCall><methodName>a&amp;b</methodName></methodCall>`, CodeMethodNotFound},
	{"case 47 spaces around the name (pinned: not trimmed)", `<?xml version="1.0"?><methodCall><methodName> echo </methodName></methodCall>`, CodeMethodNotFound},
	{"case 47 a name of 257 bytes", `<?xml version="1.0"?><methodCall><methodName>` + strings.Repeat("a", 257) + `</methodName></methodCall>`, CodeMethodNotFound},
	{"case 47 a dash in the name", `<?xml version="1.0"?><methodCall><methodName>a-b</methodName></methodCall>`, CodeMethodNotFound},
	{"case 47 a bad name loses to a bad param", `<?xml version="1.0"?><methodCall><methodName>a b</methodName><params><param></param></params></methodCall>`, CodeInvalidRequest},
	{"case 47 a bad name loses to ill-formed XML", `<?xml version="1.0"?><methodCall><methodName>a b</methodName><params>`, CodeParseError},
	{"case 48 methodResponse root", `<?xml version="1.0"?><methodResponse><params><param><value>x</value></param></params></methodResponse>`, CodeInvalidRequest},
	{"case 49 garbage after the root", codecCall("1") + "garbage", CodeParseError},
	{"case 49 a second root", codecCall("1") + "<methodCall/>", CodeParseError},
	{"case 49 junk before the root", "junk" + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), CodeParseError},
	{"case 49 a stray end tag after the root", codecCall("1") + "</x>", CodeParseError},
	{"case 51 truncated", `<?xml version="1.0"?><methodCall><methodName>echo</methodName><params>`, CodeParseError},
	{"case 51 truncated in a value", codecCall("<int>1")[:60], CodeParseError},
	{"case 51 mismatched tags", codecCall("<int>1</i4>"), CodeParseError},
	{"case 51 empty body", "", CodeParseError},
	{"case 51 whitespace body", " \n", CodeParseError},
	{"case 51 only a declaration", `<?xml version="1.0"?>`, CodeParseError},
	{"case 51 hello", "hello", CodeParseError},
	{"case 51 raw &", codecCall("a & b"), CodeParseError},
	{"case 51 raw <", codecCall("a < b"), CodeParseError},
	{"case 51 unterminated comment", codecCall("1") + "<!-- c", CodeParseError},
	{"case 51 declaration not at the start", ` <?xml version="1.0"?>` + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), CodeParseError},
	{"case 51 a second declaration", codecCall("1") + `<?xml version="1.0"?>`, CodeParseError},
	{"case 54 EBCDIC declared", `<?xml version="1.0" encoding="EBCDIC-US"?>` + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), CodeUnsupportedEncoding},
	{"case 54 UTF-16 declared in ASCII", `<?xml version="1.0" encoding="UTF-16"?>` + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), CodeUnsupportedEncoding},
	{"case 54 windows-1252 (not supported)", `<?xml version="1.0" encoding="windows-1252"?>` + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), CodeUnsupportedEncoding},
	{"case 54 EBCDIC bytes", "\x4c\x6f\xa7\x94\x93\x40\xa5\x85\x99\xa2\x89\x96\x95", CodeUnsupportedEncoding},
	{"case 55 raw E9 under UTF-8", codecCall("caf\xe9"), CodeInvalidCharacter},
	{"case 55 raw E9 with utf-8 declared", `<?xml version="1.0" encoding="utf-8"?><methodCall><methodName>echo</methodName><params><param><value>caf` + "\xe9" + `</value></param></params></methodCall>`, CodeInvalidCharacter},
	{"case 55 raw E9 in a typed string", codecCall("<string>caf\xe9</string>"), CodeInvalidCharacter},
	{"case 55 raw E9 in an attribute", codecCallParams("<param><value a=\"\xe9\">x</value></param>"), CodeInvalidCharacter},
	{"case 55 raw E9 in an element name", codecCall("<in\xe9t>1</in\xe9t>"), CodeInvalidCharacter},
	{"case 55 raw E9 in a comment", codecCall("x<!-- \xe9 -->"), CodeInvalidCharacter},
	{"case 55 raw E9 under US-ASCII", `<?xml version="1.0" encoding="US-ASCII"?><methodCall><methodName>echo</methodName><params><param><value>caf` + "\xe9" + `</value></param></params></methodCall>`, CodeInvalidCharacter},
	{"case 56 raw NUL", codecCall("a\x00b"), CodeParseError},
	{"case 56 raw 01", codecCall("<string>a\x01b</string>"), CodeParseError},
	{"case 56 &#0;", codecCall("a&#0;b"), CodeParseError},
	{"case 56 &#x1;", codecCall("a&#x1;b"), CodeParseError},
	{"case 56 &#xFFFE;", codecCall("a&#xFFFE;b"), CodeParseError},
	{"case 56 raw 01 in a comment", codecCall("x<!-- \x01 -->"), CodeParseError},
	{"case 57 UTF-16 with BOM", "\xff\xfe<\x00?\x00x\x00m\x00l\x00", CodeUnsupportedEncoding},
	{"case 57 UTF-16BE with BOM", "\xfe\xff\x00<\x00?", CodeUnsupportedEncoding},
	{"case 57 UTF-16 without BOM", "\x00<\x00m\x00e", CodeUnsupportedEncoding},
	{"case 57 version 1.1", `<?xml version="1.1"?>` + strings.TrimPrefix(codecCall("1"), `<?xml version="1.0"?>`), CodeParseError},
	{"case 58 DOCTYPE with an internal entity", `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY e "X">]><methodCall><methodName>echo</methodName><params><param><value>&e;</value></param></params></methodCall>`, CodeParseError},
	{"case 58 DOCTYPE inside the root", `<?xml version="1.0"?><methodCall><!DOCTYPE m><methodName>echo</methodName></methodCall>`, CodeParseError},
	{"case 58 undeclared entity", codecCall("&e;"), CodeParseError},
	{"case 60 HTML entity", codecCall("a&nbsp;b"), CodeParseError},
	{"limit: a member name over 1024 bytes", codecCall("<struct><member><name>" + strings.Repeat("n", 1025) + "</name><value/></member></struct>"), CodeLimitExceeded},
}

// codecMembers returns n struct members named m0, m1, ...
func codecMembers(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("<member><name>m")
		b.WriteString(strconv.Itoa(i))
		b.WriteString("</name><value/></member>")
	}
	return b.String()
}

func TestDecodeCallFaults(t *testing.T) {
	for _, tc := range codecFaultCases {
		t.Run(tc.name, func(t *testing.T) {
			call, err := DecodeCall([]byte(tc.body), DefaultLimits())
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("got %#v, %v; want fault %d", call, err, tc.code)
			}
			if f.Code != tc.code {
				t.Fatalf("got fault %d %q, want %d", f.Code, f.String, tc.code)
			}
			if f.String == "" {
				t.Fatal("the fault has no text")
			}
		})
	}
}

// Case 47: a name outside the charset is -32601, quoted escaped in the text.
func TestDecodeCallQuotesBadNames(t *testing.T) {
	body := `<?xml version="1.0"?><methodCall><methodName>a&amp;b&#10;c</methodName></methodCall>`
	_, err := DecodeCall([]byte(body), DefaultLimits())
	var f *Fault
	if !errors.As(err, &f) || f.Code != CodeMethodNotFound {
		t.Fatalf("got %v, want fault -32601", err)
	}
	if !strings.Contains(f.String, `"a&b\nc"`) || strings.Contains(f.String, "\n") {
		t.Fatalf("fault text %q does not quote the name escaped", f.String)
	}
}

// Fault texts quote at most a clipped, escaped piece of the input.
func TestDecodeFaultTextIsBounded(t *testing.T) {
	long := strings.Repeat("\x01x", 5000)
	for _, body := range []string{
		codecCall("<int>" + strings.Repeat("9", 5000) + "x</int>"),
		codecCall("<" + strings.Repeat("e", 5000) + ">1</" + strings.Repeat("e", 5000) + ">"),
		codecCall("<string>" + long + "</string>"),
		`<?xml version="1.0"?><methodCall><methodName>` + strings.Repeat("x ", 200) + `</methodName></methodCall>`,
	} {
		_, err := DecodeCall([]byte(body), DefaultLimits())
		var f *Fault
		if !errors.As(err, &f) {
			t.Fatalf("got %v, want a fault", err)
		}
		if len(f.String) > 300 || strings.ContainsAny(f.String, "\x01\n") {
			t.Errorf("fault text is unbounded or raw (%d bytes): %q", len(f.String), f.String)
		}
	}
}

func TestDecodeCallEnvelope(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		method string
		params int
	}{
		{"case 43 no params", `<?xml version="1.0"?><methodCall><methodName>system.listMethods</methodName></methodCall>`, "system.listMethods", 0},
		{"case 44 self-closed params", `<?xml version="1.0"?><methodCall><methodName>ping</methodName><params/></methodCall>`, "ping", 0},
		{"case 44 Python's empty params", "<?xml version='1.0'?>\n<methodCall>\n<methodName>ping</methodName>\n<params>\n</params>\n</methodCall>\n", "ping", 0},
		{"case 47 an unknown but valid name decodes", `<?xml version="1.0"?><methodCall><methodName>no.such</methodName></methodCall>`, "no.such", 0},
		{"case 47 every allowed character", `<?xml version="1.0"?><methodCall><methodName>aZ09_.:/</methodName></methodCall>`, "aZ09_.:/", 0},
		{"case 47 a name of 256 bytes", `<?xml version="1.0"?><methodCall><methodName>` + strings.Repeat("a", 256) + `</methodName></methodCall>`, strings.Repeat("a", 256), 0},
		{"case 47 a name in CDATA", `<?xml version="1.0"?><methodCall><methodName><![CDATA[echo]]></methodName></methodCall>`, "echo", 0},
		{"case 42 64 params", codecCallParams(strings.Repeat("<param><value/></param>", 64)), "echo", 64},
		{"case 42 array of 10000 values", codecCall("<array><data>" + strings.Repeat("<value/>", 10000) + "</data></array>"), "echo", 1},
		{"case 42 struct of 10000 members", codecCall("<struct>" + codecMembers(10000) + "</struct>"), "echo", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			call, err := DecodeCall([]byte(tc.body), DefaultLimits())
			if err != nil {
				t.Fatalf("DecodeCall: %v", err)
			}
			if call.Method != tc.method || len(call.Params) != tc.params {
				t.Fatalf("got %q with %d params, want %q with %d", call.Method, len(call.Params), tc.method, tc.params)
			}
		})
	}
}

func TestDecodeLimits(t *testing.T) {
	small := Limits{MaxBodyBytes: 1000, MaxValueDepth: 2, MaxElementDepth: 10, MaxParams: 2,
		MaxContainerItems: 3, MaxValues: 5, MaxNameBytes: 4, MaxMethodNameBytes: 4}
	tests := []struct {
		name string
		body string
		code int // 0: accepted
	}{
		{"body at the limit", codecCall(strings.Repeat("x", 1000-len(codecCall("")))), 0},
		{"body over the limit", codecCall(strings.Repeat("x", 1001-len(codecCall("")))), CodeLimitExceeded},
		{"value depth at the limit", codecCall(codecNest(2, "1")), 0},
		{"value depth over the limit", codecCall(codecNest(3, "1")), CodeLimitExceeded},
		{"element depth at the limit", codecCall(codecNest(2, "1")), 0},
		{"element depth over the limit", codecCall("<struct><member><name>a</name><value><array><data><value><int>1</int></value></data></array></value></member></struct>"), CodeLimitExceeded},
		{"params at the limit", codecCallParams("<param><value/></param><param><value/></param>"), 0},
		{"params over the limit", codecCallParams("<param><value/></param><param><value/></param><param><value/></param>"), CodeLimitExceeded},
		{"items at the limit", codecCall("<array><data><value/><value/><value/></data></array>"), 0},
		{"items over the limit", codecCall("<array><data><value/><value/><value/><value/></data></array>"), CodeLimitExceeded},
		{"values at the limit", codecCallParams("<param><value><array><data><value/><value/><value/></data></array></value></param><param><value/></param>"), 0},
		{"values over the limit", codecCallParams("<param><value><array><data><value/><value/><value/></data></array></value></param><param><value><array><data><value/></data></array></value></param>"), CodeLimitExceeded},
		{"name at the limit", codecCall("<struct><member><name>abcd</name><value/></member></struct>"), 0},
		{"name over the limit", codecCall("<struct><member><name>abcde</name><value/></member></struct>"), CodeLimitExceeded},
		{"method name over the limit", `<methodCall><methodName>echoo</methodName></methodCall>`, CodeMethodNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCall([]byte(tc.body), small)
			if tc.code == 0 {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			var f *Fault
			if !errors.As(err, &f) || f.Code != tc.code {
				t.Fatalf("got %v, want fault %d", err, tc.code)
			}
		})
	}
}

// A zero Limits means the defaults, never "no limits".
func TestZeroLimitsAreTheDefaults(t *testing.T) {
	if got := (Limits{}).orDefaults(); got != DefaultLimits() {
		t.Fatalf("Limits{} became %+v, want %+v", got, DefaultLimits())
	}
	_, err := DecodeCall([]byte(codecCall(codecNest(65, "1"))), Limits{})
	var f *Fault
	if !errors.As(err, &f) || f.Code != CodeLimitExceeded {
		t.Fatalf("got %v, want -32000 under Limits{}", err)
	}
	if got := (Limits{MaxValueDepth: 1 << 30}).orDefaults().MaxValueDepth; got != maxValueDepthCap {
		t.Fatalf("MaxValueDepth 1<<30 became %d, want the cap %d", got, maxValueDepthCap)
	}
}

// Case 59: entity attacks and DTD fetches are refused, fast, and nothing
// is fetched: a listener named in the DTDs must have no connection waiting.
func TestDecodeCallRefusesDTDs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String() + "/x.dtd"
	rest := strings.TrimPrefix(codecCall("&lol9;"), `<?xml version="1.0"?>`)
	laughs := `<!DOCTYPE m [<!ENTITY lol "lol">`
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = "lol" + strconv.Itoa(i-1)
		}
		laughs += `<!ENTITY lol` + strconv.Itoa(i) + ` "` + strings.Repeat("&"+prev+";", 10) + `">`
	}
	laughs += "]>"
	bodies := map[string]string{
		"billion laughs":       `<?xml version="1.0"?>` + laughs + rest,
		"external file entity": `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + strings.ReplaceAll(rest, "&lol9;", "&e;"),
		"external URL entity":  `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY e SYSTEM "` + url + `">]>` + strings.ReplaceAll(rest, "&lol9;", "&e;"),
		"SYSTEM DTD":           `<?xml version="1.0"?><!DOCTYPE m SYSTEM "` + url + `">` + strings.ReplaceAll(rest, "&lol9;", "x"),
		"parameter entity":     `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % p SYSTEM "` + url + `"> %p;]>` + strings.ReplaceAll(rest, "&lol9;", "x"),
	}
	for name, body := range bodies {
		t.Run("case 59 "+name, func(t *testing.T) {
			start := time.Now()
			_, err := DecodeCall([]byte(body), DefaultLimits())
			elapsed := time.Since(start)
			var f *Fault
			if !errors.As(err, &f) || f.Code != CodeParseError {
				t.Fatalf("got %v, want -32700", err)
			}
			if elapsed > 100*time.Millisecond {
				t.Fatalf("took %v; a refused DTD should cost well under a millisecond", elapsed)
			}
		})
	}
	// A connection made during decoding would be waiting in the backlog.
	if err := ln.(*net.TCPListener).SetDeadline(time.Now()); err != nil {
		t.Fatal(err)
	}
	if conn, err := ln.Accept(); err == nil {
		conn.Close()
		t.Fatal("the decoder connected to the DTD's URL")
	}
}

// Case 66: text split into 400,000 CDATA chunks decodes in linear time.
func TestDecodeManyCDATAChunksIsLinear(t *testing.T) {
	const chunks = 400000
	body := codecCall("<string>" + strings.Repeat("a<![CDATA[b]]>", chunks) + "</string>")
	lim := DefaultLimits()
	lim.MaxBodyBytes = 8 << 20
	start := time.Now()
	call, err := DecodeCall([]byte(body), lim)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if got := call.Params[0].Str; len(got) != 2*chunks || got[:4] != "abab" {
		t.Fatalf("got %d bytes starting %q", len(got), got[:4])
	}
	// Linear is tens of ms (more under -race); quadratic joining is many seconds.
	if elapsed > 5*time.Second {
		t.Fatalf("took %v for %d chunks", elapsed, chunks)
	}
	t.Logf("%d CDATA chunks (%d bytes) in %v", chunks, len(body), elapsed)
}

// Python's xmlrpc.client bytes (notes section 1.3), less inf and nan,
// which are refused (case 15).
func TestDecodePythonCapture(t *testing.T) {
	call, err := DecodeCall([]byte(codecPythonCapture), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := []Value{
		Int(42), Bool(true), Double(1e300), Double(codecNegZero()),
		String("a<b>&c \"q\" 'a' ]]> \t\n end"), String(""),
		Base64([]byte("\x00\x01\x02hello world\x00\x01\x02hello world\x00\x01\x02hello world\x00\x01\x02hello world\x00\x01\x02hello world")),
		Base64([]byte{}),
		codecDate(codecUTC(2024, 1, 2, 3, 4, 5, 0), "20240102T03:04:05"),
		codecDate(codecUTC(2024, 1, 2, 3, 4, 5, 0), "2024-01-02T03:04:05Z"),
		Nil(),
		Array(Int(1), Array(String("a"), Array(Double(2.5))), Array()),
		Struct(Member{"a&b", Int(1)}, Member{"", String("emptykey")}),
	}
	if call.Method != "echo" || len(call.Params) != len(want) {
		t.Fatalf("got %q with %d params, want echo with %d", call.Method, len(call.Params), len(want))
	}
	for i := range want {
		if !call.Params[i].Equal(want[i]) {
			t.Errorf("param %d: got %#v, want %#v", i, call.Params[i], want[i])
		}
	}
}

const codecPythonCapture = `<?xml version='1.0'?>
<methodCall>
<methodName>echo</methodName>
<params>
<param>
<value><int>42</int></value>
</param>
<param>
<value><boolean>1</boolean></value>
</param>
<param>
<value><double>1e+300</double></value>
</param>
<param>
<value><double>-0.0</double></value>
</param>
<param>
<value><string>a&lt;b&gt;&amp;c "q" 'a' ]]&gt; 	
 end</string></value>
</param>
<param>
<value><string></string></value>
</param>
<param>
<value><base64>
AAECaGVsbG8gd29ybGQAAQJoZWxsbyB3b3JsZAABAmhlbGxvIHdvcmxkAAECaGVsbG8gd29ybGQA
AQJoZWxsbyB3b3JsZA==
</base64></value>
</param>
<param>
<value><base64>
</base64></value>
</param>
<param>
<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>
</param>
<param>
<value><dateTime.iso8601>2024-01-02T03:04:05Z</dateTime.iso8601></value>
</param>
<param>
<value><nil/></value></param>
<param>
<value><array><data>
<value><int>1</int></value>
<value><array><data>
<value><string>a</string></value>
<value><array><data>
<value><double>2.5</double></value>
</data></array></value>
</data></array></value>
<value><array><data>
</data></array></value>
</data></array></value>
</param>
<param>
<value><struct>
<member>
<name>a&amp;b</name>
<value><int>1</int></value>
</member>
<member>
<name></name>
<value><string>emptykey</string></value>
</member>
</struct></value>
</param>
</params>
</methodCall>
`

func codecResponse(inner string) string {
	return `<?xml version="1.0"?><methodResponse>` + inner + `</methodResponse>`
}

func codecFaultResponse(inner string) string {
	return codecResponse("<fault>" + inner + "</fault>")
}

func TestDecodeResponseValues(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Value
	}{
		{"one param", codecResponse("<params><param><value><int>7</int></value></param></params>"), Int(7)},
		{"untyped param", codecResponse("<params><param><value>ok</value></param></params>"), String("ok")},
		{"the first of two params", codecResponse("<params><param><value>a</value></param><param><value>b</value></param></params>"), String("a")},
		{"no params is a void reply", codecResponse("<params></params>"), Nil()},
		{"self-closed params is a void reply", codecResponse("<params/>"), Nil()},
		{"pretty-printed", "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>pong</string></value>\n</param>\n</params>\n</methodResponse>\n", String("pong")},
		{"nil", codecResponse("<params><param><value><nil/></value></param></params>"), Nil()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeResponse([]byte(tc.body), DefaultLimits())
			if err != nil {
				t.Fatalf("DecodeResponse: %v", err)
			}
			if !got.Equal(tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestDecodeResponseFaults(t *testing.T) {
	member := func(name, value string) string {
		return "<member><name>" + name + "</name><value>" + value + "</value></member>"
	}
	tests := []struct {
		name string
		body string
		want Fault
	}{
		{"standard", codecFaultResponse("<value><struct>" + member("faultCode", "<int>-32601</int>") + member("faultString", "<string>no such method</string>") + "</struct></value>"),
			Fault{-32601, "no such method"}},
		{"i4 code, untyped string, extra member", codecFaultResponse("<value><struct>" + member("faultCode", "<i4>4</i4>") + member("faultString", "Too many params") + member("extra", "<int>1</int>") + "</struct></value>"),
			Fault{4, "Too many params"}},
		{"i8 code, members reversed", codecFaultResponse("<value><struct>" + member("faultString", "<string>x</string>") + member("faultCode", "<i8>12</i8>") + "</struct></value>"),
			Fault{12, "x"}},
		{"string code keeps its text", codecFaultResponse("<value><struct>" + member("faultCode", "<string>Server.Err</string>") + member("faultString", "boom") + "</struct></value>"),
			Fault{0, "Server.Err: boom"}},
		{"string code alone", codecFaultResponse("<value><struct>" + member("faultCode", "Server.Err") + "</struct></value>"),
			Fault{0, "Server.Err"}},
		{"no value wrapper (rtorrent)", codecFaultResponse("<struct>" + member("faultCode", "<int>3</int>") + member("faultString", "<string>bad</string>") + "</struct>"),
			Fault{3, "bad"}},
		{"missing faultString", codecFaultResponse("<value><struct>" + member("faultCode", "<int>5</int>") + "</struct></value>"),
			Fault{5, ""}},
		{"pretty-printed", codecFaultResponse("\n<value>\n<struct>\n" + member("faultCode", "<int>1</int>") + "\n" + member("faultString", "<string>&lt;class 'Exception'&gt;:method \"nosuch\" is not supported</string>") + "\n</struct>\n</value>\n"),
			Fault{1, `<class 'Exception'>:method "nosuch" is not supported`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := DecodeResponse([]byte(tc.body), DefaultLimits())
			var f *Fault
			if !errors.As(err, &f) {
				t.Fatalf("got %#v, %v; want a *Fault", v, err)
			}
			if *f != tc.want {
				t.Fatalf("got %+v, want %+v", *f, tc.want)
			}
			if errors.Is(err, ErrMalformedResponse) {
				t.Fatal("a peer's fault wraps ErrMalformedResponse")
			}
		})
	}
}

func TestDecodeResponseMalformed(t *testing.T) {
	tests := []struct{ name, body string }{
		{"empty body", ""},
		{"not XML", "<html>oops"},
		{"HTML page", "<html><body>502 Bad Gateway</body></html>"},
		{"methodCall root", codecCall("1")},
		{"neither params nor fault", codecResponse("")},
		{"params and fault", codecResponse("<params/><fault><value><struct></struct></value></fault>")},
		{"two params elements", codecResponse("<params/><params/>")},
		{"param without value", codecResponse("<params><param></param></params>")},
		{"empty fault", codecResponse("<fault></fault>")},
		{"fault that is not a struct", codecFaultResponse("<value><string>oops</string></value>")},
		{"fault with a double code", codecFaultResponse("<value><struct><member><name>faultCode</name><value><double>1.5</double></value></member></struct></value>")},
		{"fault with an array string", codecFaultResponse("<value><struct><member><name>faultString</name><value><array><data/></array></value></member></struct></value>")},
		{"fault with two values", codecFaultResponse("<value><struct></struct></value><value><struct></struct></value>")},
		{"unknown type", codecResponse("<params><param><value><foo/></value></param></params>")},
		{"trailing junk", codecResponse("<params/>") + "junk"},
		{"DOCTYPE", `<?xml version="1.0"?><!DOCTYPE x><methodResponse><params/></methodResponse>`},
		{"too deep", codecResponse("<params><param><value>" + codecNest(65, "1") + "</value></param></params>")},
		{"too deep fault", codecFaultResponse("<value>" + codecNest(65, "1") + "</value>")},
		{"invalid UTF-8", codecResponse("<params><param><value>\xe9</value></param></params>")},
		{"unsupported encoding", `<?xml version="1.0" encoding="koi8-r"?>` + codecResponse("<params/>")[len(`<?xml version="1.0"?>`):]},
		{"over the body limit", codecResponse("<params><param><value>" + strings.Repeat("x", 1<<20) + "</value></param></params>")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := DecodeResponse([]byte(tc.body), DefaultLimits())
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("got %#v, %v; want ErrMalformedResponse", v, err)
			}
			var f *Fault
			if errors.As(err, &f) {
				t.Fatalf("a malformed reply came back as a *Fault: %v", err)
			}
		})
	}
}
