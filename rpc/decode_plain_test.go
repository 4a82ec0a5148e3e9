package rpc

import (
	"fmt"
	"strings"
	"testing"
)

// tightLimits makes every limit reachable by a short document.
func tightLimits() Limits {
	return Limits{MaxBodyBytes: 4 << 10, MaxValueDepth: 2, MaxElementDepth: 9, MaxParams: 2,
		MaxContainerItems: 3, MaxValues: 6, MaxNameBytes: 4, MaxMethodNameBytes: 8}
}

// plainAndTokens decodes body as a call and as a response with the plain
// parser and with the token decoder alone. taken says what the parser did
// not decline.
func plainAndTokens(body []byte, lim Limits) (plain, tokens [2]string, taken [2]bool) {
	lim = lim.orDefaults()
	body = []byte(strings.TrimPrefix(string(body), string(utf8BOM)))
	var p plainParser
	p.reset(body, lim)
	if call, ok := p.call(); ok {
		plain[0], taken[0] = fmt.Sprintf("%#v", call), true
	}
	p.reset(body, lim)
	if v, ok := p.response(); ok {
		plain[1], taken[1] = fmt.Sprintf("%#v", v), true
	}
	d := new(decoder)
	var call Call
	if f := decodeTokens(d, body, lim, func(d *decoder) (f *Fault) { call, f = d.call(); return f }); f == nil {
		tokens[0] = fmt.Sprintf("%#v", call)
	} else {
		tokens[0] = "fault " + f.String
	}
	var v Value
	var peer *Fault
	if f := decodeTokens(d, body, lim, func(d *decoder) (f *Fault) { v, peer, f = d.response(); return f }); f == nil && peer == nil {
		tokens[1] = fmt.Sprintf("%#v", v)
	} else {
		tokens[1] = fmt.Sprintf("fault %v %v", f, peer)
	}
	return plain, tokens, taken
}

// FuzzPlainParser: whatever the plain parser takes, the token decoder
// decodes to the very same values (nil and empty slices told apart), under
// the default limits and under tight ones.
func FuzzPlainParser(f *testing.F) {
	for _, s := range codecSeedBodies() {
		f.Add([]byte(s))
	}
	for _, s := range plainTakenDocs(f) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, lim := range []Limits{DefaultLimits(), tightLimits()} {
			plain, tokens, taken := plainAndTokens(body, lim)
			for i, what := range []string{"call", "response"} {
				if taken[i] && plain[i] != tokens[i] {
					t.Fatalf("as a %s the plain parser gave\n%s\nthe token decoder\n%s\ndocument: %q", what, plain[i], tokens[i], body)
				}
			}
		}
	})
}

// plainTakenDocs are documents as peers write them, which the plain parser
// must take: declining them would only cost.
func plainTakenDocs(tb testing.TB) []string {
	call := func(method string, params ...Value) string {
		b, err := AppendCall(nil, method, params)
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
	response := func(v Value) string {
		b, err := AppendResponse(nil, v)
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
	return []string{
		call("relay.relay", Struct(Member{"host_id", String("192.0.2.7:7000")}, Member{"data", codecRelayData()})),
		call("notify", everyTypeValue()),
		call("system.listMethods"),
		response(String("OK")),
		response(Array(Array(String("OK")), Array(String("OK")))),
		response(everyTypeValue()),
		codecPythonCapture,
		codecCallParams("\n<param>\n<value><nil/></value>\n</param>\n<param>\n<value><string/></value>\n</param>\n"),
		codecCallParams("<param><value>  untyped &amp; kept  </value></param><param><value> <int> 7 </int> </value></param>"),
		codecResponse("<params></params>"),
		"\n<methodCall><methodName>a.b</methodName></methodCall>\n",
	}
}

func TestPlainParserTakesWhatPeersSend(t *testing.T) {
	for _, doc := range plainTakenDocs(t) {
		plain, tokens, taken := plainAndTokens([]byte(doc), DefaultLimits())
		i := 0
		if strings.Contains(doc, "<methodResponse>") {
			i = 1
		}
		body := []byte(doc)
		DecodeCall(body, DefaultLimits())
		DecodeResponse(body, DefaultLimits())
		switch {
		case string(body) != doc:
			t.Errorf("decoding changed the document %q to %q", doc, body)
		case !taken[i]:
			t.Errorf("declined %q", doc)
		case plain[i] != tokens[i]:
			t.Errorf("%q: plain parser %s, token decoder %s", doc, plain[i], tokens[i])
		}
	}
}

// What the plain parser declines goes to the token decoder, faults and
// all; these are its cases, where taking would be wrong or not worth it.
func TestPlainParserDeclines(t *testing.T) {
	big := make([]Member, maxPlainMembers+1)
	for i := range big {
		big[i] = Member{fmt.Sprint("m", i), Int(int64(i))}
	}
	bigStruct, err := AppendCall(nil, "m", []Value{Struct(big...)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		doc  string
		lim  Limits
	}{
		{"a comment", codecCallParams("<param><value><!-- c --><int>1</int></value></param>"), DefaultLimits()},
		{"CDATA", codecCallParams("<param><value><string><![CDATA[x]]></string></value></param>"), DefaultLimits()},
		{"an attribute", `<methodCall><methodName a="1">m</methodName></methodCall>`, DefaultLimits()},
		{"a raw CR between elements", "<methodCall>\r\n<methodName>m</methodName></methodCall>", DefaultLimits()},
		{"a duplicate member", codecCallParams("<param><value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value></param>"), DefaultLimits()},
		{"a big struct", string(bigStruct), DefaultLimits()},
		{"a prefixed type", codecCallParams("<param><value><ex:nil/></value></param>"), DefaultLimits()},
		{"empty params tag", "<methodCall><methodName>m</methodName><params/></methodCall>", DefaultLimits()},
		{"a bad method name", "<methodCall><methodName>a b</methodName></methodCall>", DefaultLimits()},
		{"an unknown type", codecCallParams("<param><value><float2>1</float2></value></param>"), DefaultLimits()},
		{"a bad int", codecCallParams("<param><value><int>x</int></value></param>"), DefaultLimits()},
		{"text beside a typed value", codecCallParams("<param><value>x<int>1</int></value></param>"), DefaultLimits()},
		{"trailing text", "<methodCall><methodName>m</methodName></methodCall>x", DefaultLimits()},
		{"too many params", codecCallParams(strings.Repeat("<param><value>1</value></param>", 3)), tightLimits()},
		{"too deep", codecCallParams("<param><value><array><data><value><array><data><value><array><data></data></array></value></data></array></value></data></array></value></param>"), tightLimits()},
		{"too many values", codecCallParams("<param><value><array><data>" + strings.Repeat("<value>1</value>", 6) + "</data></array></value></param>"), tightLimits()},
		{"a long member name", codecCallParams("<param><value><struct><member><name>abcde</name><value>1</value></member></struct></value></param>"), tightLimits()},
		{"a long method name", "<methodCall><methodName>abcdefghi</methodName></methodCall>", tightLimits()},
		{"a fault", codecFaultResponse("<value><struct><member><name>faultCode</name><value><int>4</int></value></member></struct></value>"), DefaultLimits()},
		{"two params in a reply", codecResponse("<params><param><value>1</value></param><param><value>2</value></param></params>"), DefaultLimits()},
	}
	for _, tt := range tests {
		_, _, taken := plainAndTokens([]byte(tt.doc), tt.lim)
		i := 0
		if strings.Contains(tt.doc, "<methodResponse>") {
			i = 1
		}
		if taken[i] {
			t.Errorf("%s: taken: %q", tt.name, tt.doc)
		}
	}
}
