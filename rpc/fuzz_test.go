package rpc

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the codec. Their seed corpus (every input of the
// decode tables, Python's captured bytes, replies) runs under plain
// go test; crashers found by `go test -fuzz` live in testdata/fuzz.

// codecSeedMax keeps the huge limit-test inputs out of the fuzz corpus,
// where they would only slow every mutation down.
const codecSeedMax = 64 << 10

func codecSeedBodies() []string {
	var seeds []string
	add := func(s string) {
		if len(s) <= codecSeedMax {
			seeds = append(seeds, s)
		}
	}
	for _, tc := range codecOKCases {
		add(tc.body)
	}
	for _, tc := range codecFaultCases {
		add(tc.body)
	}
	add(codecPythonCapture)
	// Python's capture as sent, with the inf and nan it cannot avoid sending.
	add(codecCallParams("\n<param>\n<value><double>inf</double></value>\n</param>\n<param>\n<value><double>nan</double></value>\n</param>\n"))
	add(`<?xml version='1.0' encoding='iso-8859-1'?>` + "\n<methodCall>\n<methodName>echo</methodName>\n<params>\n<param>\n<value><string>h\xe9llo &#9731;</string></value>\n</param>\n</params>\n</methodCall>\n")
	add(codecCall("a\x00b\x01c"))
	add(codecResponse("<params><param><value><int>7</int></value></param></params>"))
	add(codecResponse("<params/>"))
	add(codecFaultResponse("<value><struct><member><name>faultCode</name><value><i4>4</i4></value></member><member><name>faultString</name><value>Too many params</value></member></struct></value>"))
	add(codecFaultResponse("<struct><member><name>faultCode</name><value><string>Server.Err</string></value></member></struct>"))
	return seeds
}

func FuzzDecodeCall(f *testing.F) {
	for _, s := range codecSeedBodies() {
		f.Add([]byte(s))
	}
	codes := map[int]bool{CodeParseError: true, CodeUnsupportedEncoding: true, CodeInvalidCharacter: true,
		CodeInvalidRequest: true, CodeMethodNotFound: true, CodeLimitExceeded: true}
	lim := DefaultLimits()
	f.Fuzz(func(t *testing.T, body []byte) {
		call, err := DecodeCall(body, lim)
		if err != nil {
			fault, ok := err.(*Fault)
			if !ok {
				t.Fatalf("error %v (%T) is not a *Fault", err, err)
			}
			if !codes[fault.Code] {
				t.Fatalf("unexpected fault code %d: %s", fault.Code, fault.String)
			}
			if !utf8.ValidString(fault.String) || len(fault.String) > 400 {
				t.Fatalf("fault text is invalid UTF-8 or unbounded: %q", fault.String)
			}
			return
		}
		if call.Method == "" || len(call.Params) > lim.MaxParams {
			t.Fatalf("accepted method %q with %d params", call.Method, len(call.Params))
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range codecSeedBodies() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := DecodeResponse(body, DefaultLimits())
		if err == nil {
			if v.Kind == KindInvalid {
				t.Fatal("success with the zero Value")
			}
			return
		}
		var fault *Fault
		isFault := errors.As(err, &fault)
		if isFault == errors.Is(err, ErrMalformedResponse) {
			t.Fatalf("error %v must be either the peer's *Fault or ErrMalformedResponse", err)
		}
	})
}

// FuzzRoundTrip: whatever DecodeCall accepts, AppendCall writes back so
// that it decodes to Equal values (or refuses a string it cannot write,
// which a decoded call never holds).
func FuzzRoundTrip(f *testing.F) {
	for _, s := range codecSeedBodies() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		call, err := DecodeCall(body, DefaultLimits())
		if err != nil {
			return
		}
		out, err := AppendCall(nil, call.Method, call.Params)
		if err != nil {
			if !errors.Is(err, ErrUnencodable) || !codecHoldsUnwritableText(call.Params) {
				t.Fatalf("AppendCall refused a decoded call: %v", err)
			}
			return
		}
		again, err := DecodeCall(out, DefaultLimits())
		if err != nil {
			t.Fatalf("our own encoding does not decode: %v\n%s", err, out)
		}
		if again.Method != call.Method || len(again.Params) != len(call.Params) {
			t.Fatalf("got %q with %d params, want %q with %d", again.Method, len(again.Params), call.Method, len(call.Params))
		}
		for i := range call.Params {
			if !again.Params[i].Equal(call.Params[i]) {
				t.Fatalf("param %d: got %#v, want %#v", i, again.Params[i], call.Params[i])
			}
		}
		if len(call.Params) > 0 {
			reply, err := AppendResponse(nil, call.Params[0])
			if err != nil {
				t.Fatalf("AppendResponse: %v", err)
			}
			v, err := DecodeResponse(reply, DefaultLimits())
			if err != nil || !v.Equal(call.Params[0]) {
				t.Fatalf("response round trip: got %#v, %v; want %#v", v, err, call.Params[0])
			}
		}
	})
}

// codecHoldsUnwritableText reports whether a string or member name in vs
// is invalid UTF-8 or holds a character XML 1.0 forbids; checked here
// independently of the encoder's own rule.
func codecHoldsUnwritableText(vs []Value) bool {
	bad := func(s string) bool {
		if !utf8.ValidString(s) {
			return true
		}
		for _, r := range s {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
				return true
			}
		}
		return false
	}
	for _, v := range vs {
		switch v.Kind {
		case KindString:
			if bad(v.Str) {
				return true
			}
		case KindArray:
			if codecHoldsUnwritableText(v.Array) {
				return true
			}
		case KindStruct:
			for _, m := range v.Members {
				if bad(m.Name) || codecHoldsUnwritableText([]Value{m.Value}) {
					return true
				}
			}
		}
	}
	return false
}
