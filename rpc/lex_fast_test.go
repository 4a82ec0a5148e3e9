package rpc

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// The fast lexer must be a pure speed-up: wherever it yields tokens, they
// are the tokens encoding/xml yields, and wherever it reaches the end of a
// document, encoding/xml does too. What it declines, the reference lexer
// reads instead, so this is all that has to hold.

// fastLexTrace lexes body with the fast lexer until the end or a decline
// and says whether it reached the end.
func fastLexTrace(body []byte) (toks []string, complete bool) {
	var l fastLexer
	l.reset(body)
	for {
		t, f := l.lex()
		if f != nil {
			return toks, false
		}
		toks = append(toks, tokenString(t))
		if t.kind == tokEOF {
			return toks, true
		}
	}
}

func tokenString(t token) string {
	switch t.kind {
	case tokStart:
		return "<" + t.name + ">"
	case tokEnd:
		return "</" + t.name + ">"
	case tokText:
		return fmt.Sprintf("%q", t.text)
	}
	return "EOF"
}

// checkFastLexer fails t if the fast lexer's tokens for body differ from
// encoding/xml's, or if it completes a document encoding/xml refuses.
func checkFastLexer(t *testing.T, body []byte) (complete bool) {
	t.Helper()
	body = bytes.TrimPrefix(body, utf8BOM)
	fast, complete := fastLexTrace(body)
	ref := newXMLLexer(body)
	for i, want := range fast {
		tok, f := ref.lex()
		if f != nil {
			t.Fatalf("token %d: the fast lexer gave %s, encoding/xml a fault: %s\ndocument: %q", i, want, f.String, body)
		}
		if got := tokenString(tok); got != want {
			t.Fatalf("token %d: the fast lexer gave %s, encoding/xml %s\ndocument: %q", i, want, got, body)
		}
	}
	return complete
}

func FuzzFastLexer(f *testing.F) {
	for _, s := range codecSeedBodies() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastLexer(t, body)
	})
}

func TestFastLexerAgreesWithEncodingXML(t *testing.T) {
	for _, s := range codecSeedBodies() {
		checkFastLexer(t, []byte(s))
	}
}

// TestFastLexerTakesWhatPeersSend pins that the common documents do take
// the fast path: a regression here costs ten times the CPU, not a failure.
func TestFastLexerTakesWhatPeersSend(t *testing.T) {
	ours, err := AppendCall(nil, "relay.relay", []Value{Struct(
		Member{"host_id", String("127.0.0.1:7000")},
		Member{"data", Struct(
			Member{"text", String("tab\there, CR\r, <&> ' \" \u00e9\u2603\U0001F600")},
			Member{"list", Array(Int(1), Bool(true), Double(1.5), Nil(), Base64([]byte{0, 1, 2}))},
			Member{"empty", String("")},
		)},
	)})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := AppendResponse(nil, String("ok"))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{
		"our call":               string(ours),
		"our reply":              string(reply),
		"Python's call":          codecPythonCapture,
		"single-quoted decl":     "<?xml version='1.0' encoding='UTF-8' standalone='yes'?><methodCall><methodName>a</methodName></methodCall>",
		"no declaration":         "<methodCall><methodName>a</methodName><params/></methodCall>",
		"space in tags":          "<methodCall ><methodName\n>a</methodName ><params\t/></methodCall>\n",
		"references":             "<methodCall><methodName>a</methodName><params><param><value>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#X;</value></param></params></methodCall>",
		"empty value and string": "<methodResponse><params><param><value/></param><param><value><string/></value></param></params></methodResponse>",
	}
	for name, doc := range docs {
		if name == "references" {
			// &#X; (capital X) is not a reference: encoding/xml refuses it.
			doc = strings.Replace(doc, "&#X;", "", 1)
		}
		if !checkFastLexer(t, []byte(doc)) {
			t.Errorf("%s: the fast lexer declined it\n%s", name, doc)
		}
	}
}

// TestFastLexerDeclines lists what goes to encoding/xml, each on its own.
func TestFastLexerDeclines(t *testing.T) {
	wrap := func(inner string) string {
		return "<methodCall><methodName>a</methodName><params><param>" + inner + "</param></params></methodCall>"
	}
	docs := map[string]string{
		"comment":                  wrap("<!-- hi --><value>x</value>"),
		"CDATA":                    wrap("<value><![CDATA[x]]></value>"),
		"DOCTYPE":                  `<!DOCTYPE methodCall><methodCall><methodName>a</methodName></methodCall>`,
		"late declaration":         ` <?xml version="1.0"?><methodCall><methodName>a</methodName></methodCall>`,
		"ISO-8859-1":               `<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>a</methodName></methodCall>`,
		"version 1.1":              `<?xml version="1.1"?><methodCall><methodName>a</methodName></methodCall>`,
		"attribute":                wrap(`<value type="x">x</value>`),
		"prefix":                   wrap(`<value><ex:nil/></value>`),
		"raw CR":                   wrap("<value>a\rb</value>"),
		"control character":        wrap("<value>a\x01b</value>"),
		"invalid UTF-8":            wrap("<value>a\xffb</value>"),
		"U+FFFE":                   wrap("<value>a\uFFFEb</value>"),
		"unknown entity":           wrap("<value>&nbsp;</value>"),
		"no semicolon":             wrap("<value>&amp</value>"),
		"reference to NUL":         wrap("<value>&#0;</value>"),
		"reference to a surrogate": wrap("<value>&#xD800;</value>"),
		"]]> in text":              wrap("<value>a]]>b</value>"),
		"mismatched end":           wrap("<value>x</string>"),
		"unclosed":                 "<methodCall><methodName>a</methodName>",
		"non-ASCII name":           wrap("<valué>x</valué>"),
		"lone <":                   wrap("<value>a < b</value>"),
	}
	for name, doc := range docs {
		if checkFastLexer(t, []byte(doc)) {
			t.Errorf("%s: the fast lexer read it to the end", name)
		}
	}
}

// TestDecodeFallsBackWhereDeclined shows the two paths give one answer: a
// document the fast lexer declines decodes as before, faults included.
func TestDecodeFallsBackWhereDeclined(t *testing.T) {
	cdata := "<methodCall><methodName>echo</methodName><params><param><value><![CDATA[<x>]]></value></param></params></methodCall>"
	call, err := DecodeCall([]byte(cdata), DefaultLimits())
	if err != nil || len(call.Params) != 1 || call.Params[0].Str != "<x>" {
		t.Fatalf("CDATA call: %+v, %v", call, err)
	}
	_, err = DecodeCall([]byte("<methodCall><methodName>a</methodName><params><param><value>x</string></param></params></methodCall>"), DefaultLimits())
	fault, ok := err.(*Fault)
	if !ok || fault.Code != CodeParseError || fault == errDeclined || !strings.Contains(fault.String, "string") {
		t.Fatalf("mismatched tags: %v, want encoding/xml's parse error", err)
	}
}
