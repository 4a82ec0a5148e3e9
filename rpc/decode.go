package rpc

// The decoder: XML-RPC documents in, Values out. Its reference tokenizer is
// encoding/xml's Decoder.Token in Strict mode with no Entity map (lex_xml.go);
// a hand-written lexer for the plain documents real peers send (lex_fast.go)
// runs first and hands anything else to it. The decoder adds what
// encoding/xml lacks (notes/xmlrpc-interop-and-security.md, sections 1, 6
// and 7): limits checked while tokenising, a single root with nothing but
// whitespace, comments and processing instructions around it, no DOCTYPE,
// text split by CDATA or comments joined again in linear time, ISO-8859-1
// and US-ASCII.
//
// Which fault a bad call gets: the first problem met in document order
// decides (-32700 not well-formed, -32701 encoding, -32702 bytes invalid for
// the encoding, -32600 not XML-RPC, -32000 a limit), except that a method
// name outside [A-Za-z0-9_.:/] or over MaxMethodNameBytes (-32601) is only
// reported once the rest of the call decoded cleanly.

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
)

// Call is a decoded methodCall.
type Call struct {
	// Method is the method name, exactly as sent (never trimmed).
	Method string
	// Params are the call's arguments in order; nil when there are none.
	Params []Value
}

// ErrMalformedResponse is wrapped by every error DecodeResponse returns for
// a reply that is not a well-formed XML-RPC methodResponse within the limits.
var ErrMalformedResponse = errors.New("malformed XML-RPC response")

// DecodeCall decodes a methodCall. Every error it returns is a *Fault with
// the interoperability code of the problem (see the codec comment above);
// its text is plain English and quotes input only escaped and clipped.
func DecodeCall(body []byte, lim Limits) (Call, error) {
	var call Call
	f := decode(body, lim, func(p *plainParser) (ok bool) {
		call, ok = p.call()
		return ok
	}, func(d *decoder) (f *Fault) {
		call, f = d.call()
		return f
	})
	if f != nil {
		return Call{}, f
	}
	return call, nil
}

// DecodeResponse decodes a methodResponse. A success returns its first param
// (Nil() for a reply with none, a "void" reply). A <fault> returns
// (Value{}, *Fault) with the peer's code and text, read leniently: an int,
// i4 or i8 code; a string code becomes Code 0 with the code text kept at the
// front of String ("Server.Err: text"); a typed or untyped faultString;
// extra members ignored; a missing member is 0 or ""; the struct may lack
// its <value> wrapper. Anything else wraps ErrMalformedResponse and is not
// a *Fault, so a caller never mistakes a broken reply for the peer's fault.
func DecodeResponse(body []byte, lim Limits) (Value, error) {
	var v Value
	var peer *Fault
	f := decode(body, lim, func(p *plainParser) (ok bool) {
		v, ok = p.response()
		return ok
	}, func(d *decoder) (f *Fault) {
		v, peer, f = d.response()
		return f
	})
	if f != nil {
		return Value{}, malformedResponse(f)
	}
	if peer != nil {
		return Value{}, peer
	}
	return v, nil
}

func malformedResponse(f *Fault) error {
	return fmt.Errorf("%w: %s", ErrMalformedResponse, f.String)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode checks the document's size and encoding, then tries plain (which
// decodes one document with the plain parser, decode_plain.go, and keeps
// what it read). If that declines, read (the same with the token decoder)
// runs over the fast lexer, and if that fails for any reason, over
// encoding/xml, whose answer is final. Each faster path declines whatever
// it does not handle exactly as the next would, and a bad document gets
// the fault the full tokenizer gives it, so the paths differ only in speed
// (FuzzPlainParser and FuzzFastLexer check this).
func decode(body []byte, lim Limits, plain func(*plainParser) bool, read func(*decoder) *Fault) *Fault {
	lim = lim.orDefaults()
	if int64(len(body)) > lim.MaxBodyBytes {
		return overLimitf("document longer than %d bytes", lim.MaxBodyBytes)
	}
	body = bytes.TrimPrefix(body, utf8BOM)
	if enc := sniffUnsupportedEncoding(body); enc != "" {
		return Faultf(CodeUnsupportedEncoding, "%s documents are not supported (use UTF-8, ISO-8859-1 or US-ASCII)", enc)
	}
	d := decoderPool.Get().(*decoder)
	defer d.release()
	if plain != nil {
		d.plain.reset(body, lim)
		if plain(&d.plain) {
			return nil
		}
	}
	return decodeTokens(d, body, lim, read)
}

// decodeTokens runs read over the fast lexer, then, if that fails, over
// encoding/xml.
func decodeTokens(d *decoder, body []byte, lim Limits, read func(*decoder) *Fault) *Fault {
	d.reset(&d.fast, lim)
	d.fast.reset(body)
	if read(d) == nil {
		return nil
	}
	d.reset(newXMLLexer(body), lim)
	return read(d)
}

// A token is what a lexer yields: an element's start or end (name is its
// local name, without any namespace prefix) or a run of text (with
// references replaced and line ends normalised). text is valid until the
// next call to lex.
type token struct {
	kind tokenKind
	name string
	text []byte
}

type tokenKind uint8

const (
	tokEOF   tokenKind = iota // the end of the input
	tokStart                  // a start tag, or an empty-element tag (then a tokEnd follows)
	tokEnd                    // an end tag, matching its start tag
	tokText                   // character data, CDATA sections included
)

// A lexer turns a document into element and text tokens, skipping
// comments and processing instructions. Its faults follow the codec's
// rules; it leaves depth and the shape of XML-RPC to the decoder.
type lexer interface {
	lex() (token, *Fault)
}

// decoder holds the state of one decode: the lexer, the limits and the
// counters that enforce them, and scratch buffers, reused through
// decoderPool.
type decoder struct {
	lex    lexer
	lim    Limits
	depth  int    // current element depth
	values int    // <value> elements seen so far
	text   []byte // the text of the scalar being read; reused

	// Open arrays and structs collect their items here, each above the
	// ones around it, and copy them out at their end tag: one exact-size
	// allocation per container instead of append's doublings.
	items   []Value
	members []Member

	fast  fastLexer   // the lexer tried first, kept here to reuse its buffers
	plain plainParser // the parser tried before both, likewise
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// reset readies d to decode a document from lex.
func (d *decoder) reset(lex lexer, lim Limits) {
	d.lex, d.lim = lex, lim
	d.depth, d.values = 0, 0
	d.text = d.text[:0]
	clear(d.items)
	d.items = d.items[:0]
	clear(d.members)
	d.members = d.members[:0]
}

// decoderKeepMax is the largest scratch buffer, in elements, that goes back
// to the pool; a decoder that read a huge document is left to the GC.
const decoderKeepMax = 64 << 10

// release puts d back in the pool, keeping no reference into the document
// or the values it built.
func (d *decoder) release() {
	if cap(d.text) > decoderKeepMax || cap(d.items) > decoderKeepMax || cap(d.members) > decoderKeepMax || !d.fast.keep() || !d.plain.keep() {
		return
	}
	d.reset(nil, Limits{})
	d.fast.reset(nil)
	d.plain.reset(nil, Limits{})
	decoderPool.Put(d)
}

// next returns the next element or text token and enforces the element
// depth. At the end of the input, outside every element, it returns a
// tokEOF token; inside one, a fault.
func (d *decoder) next() (token, *Fault) {
	t, f := d.lex.lex()
	if f != nil {
		return token{}, f
	}
	switch t.kind {
	case tokStart:
		d.depth++
		if d.depth > d.lim.MaxElementDepth {
			return token{}, overLimitf("elements nested more than %d deep", d.lim.MaxElementDepth)
		}
	case tokEnd:
		d.depth--
	case tokEOF:
		if d.depth > 0 {
			return token{}, notWellFormedf("the document ends too early")
		}
	}
	return t, nil
}

// root reads up to the root element, allowing only whitespace, comments and
// processing instructions before it.
func (d *decoder) root() (token, *Fault) {
	for {
		t, f := d.next()
		if f != nil {
			return token{}, f
		}
		switch t.kind {
		case tokEOF:
			return token{}, notWellFormedf("the document has no root element")
		case tokText:
			if !isXMLSpace(t.text) {
				return token{}, notWellFormedf("text before the root element")
			}
		case tokStart:
			return t, nil
		}
	}
}

// epilogue reads to the end of the input after the root element, allowing
// only what root allows before it: a lexer alone would accept a second root
// or trailing text.
func (d *decoder) epilogue() *Fault {
	for {
		t, f := d.next()
		if f != nil {
			return f
		}
		switch t.kind {
		case tokEOF:
			return nil
		case tokText:
			if !isXMLSpace(t.text) {
				return notWellFormedf("text after the root element")
			}
		case tokStart:
			return notWellFormedf("a second root element <%s>", quoteName(t.name))
		}
	}
}

// elements walks the content of the element <parent> that was just
// opened: text between its children must be whitespace, each child's start
// tag goes to child (which reads the child through its end tag), and the
// walk ends at parent's end tag (the lexer has checked that they match).
// Every container of XML-RPC (methodCall, params, param, struct, member,
// array, data, fault) is read this way.
func (d *decoder) elements(parent string, child func(token) *Fault) *Fault {
	for {
		t, f := d.next()
		if f != nil {
			return f
		}
		switch t.kind {
		case tokText:
			if !isXMLSpace(t.text) {
				return badRequestf("text directly inside <%s>", parent)
			}
		case tokStart:
			if f := child(t); f != nil {
				return f
			}
		case tokEnd:
			return nil
		}
	}
}

// call decodes the methodCall document.
func (d *decoder) call() (Call, *Fault) {
	root, f := d.root()
	if f != nil {
		return Call{}, f
	}
	if root.name != "methodCall" {
		return Call{}, badRequestf("the root element is <%s>, not <methodCall>", quoteName(root.name))
	}
	var call Call
	var nameFault *Fault // reported only if nothing else is wrong
	haveName, haveParams := false, false
	f = d.elements("methodCall", func(t token) (f *Fault) {
		switch {
		case t.name == "methodName" && !haveName && !haveParams:
			haveName = true
			call.Method, nameFault, f = d.methodName()
		case t.name == "params" && haveName && !haveParams:
			haveParams = true
			call.Params, f = d.params()
		default:
			f = badRequestf("unexpected <%s> in <methodCall> (expected <methodName>, then optionally <params>)", quoteName(t.name))
		}
		return f
	})
	if f != nil {
		return Call{}, f
	}
	if !haveName {
		return Call{}, badRequestf("the call has no <methodName>")
	}
	if f := d.epilogue(); f != nil {
		return Call{}, f
	}
	if nameFault != nil {
		return Call{}, nameFault
	}
	return call, nil
}

// methodName reads the text of <methodName>. An empty name is a fault at
// once; a name the spec does not allow comes back as nameFault, to be
// reported only when the rest of the call is sound.
func (d *decoder) methodName() (name string, nameFault, f *Fault) {
	text, f := d.scalarText("methodName", d.lim.MaxMethodNameBytes+1)
	if f != nil {
		return "", nil, f
	}
	if len(text) == 0 {
		return "", nil, badRequestf("the method name is empty")
	}
	name = string(text)
	if p := methodNameProblem(name, d.lim.MaxMethodNameBytes); p != "" {
		return name, Faultf(CodeMethodNotFound, "no such method: %s", p), nil
	}
	return name, nil, nil
}

// params reads the <param>s of <params> (a call's or a reply's).
func (d *decoder) params() ([]Value, *Fault) {
	var out []Value
	f := d.elements("params", func(t token) *Fault {
		if t.name != "param" {
			return badRequestf("unexpected <%s> in <params> (expected <param>)", quoteName(t.name))
		}
		if len(out) >= d.lim.MaxParams {
			return overLimitf("more than %d params", d.lim.MaxParams)
		}
		v, f := d.param()
		out = append(out, v)
		return f
	})
	return out, f
}

// param reads the one <value> of a <param>.
func (d *decoder) param() (Value, *Fault) {
	var v Value
	have := false
	f := d.elements("param", func(t token) (f *Fault) {
		if t.name != "value" || have {
			return badRequestf("a <param> holds exactly one <value>, found <%s>", quoteName(t.name))
		}
		have = true
		v, f = d.value(0)
		return f
	})
	if f == nil && !have {
		f = badRequestf("a <param> without a <value>")
	}
	return v, f
}

// response decodes the methodResponse document: the first param, or the
// peer's fault.
func (d *decoder) response() (Value, *Fault, *Fault) {
	root, f := d.root()
	if f != nil {
		return Value{}, nil, f
	}
	if root.name != "methodResponse" {
		return Value{}, nil, badRequestf("the root element is <%s>, not <methodResponse>", quoteName(root.name))
	}
	var params []Value
	var peer *Fault
	have := false
	f = d.elements("methodResponse", func(t token) (f *Fault) {
		switch {
		case have:
			return badRequestf("a <methodResponse> holds one <params> or one <fault>, found <%s> after it", quoteName(t.name))
		case t.name == "params":
			params, f = d.params()
		case t.name == "fault":
			peer, f = d.faultBody()
		default:
			return badRequestf("unexpected <%s> in <methodResponse>", quoteName(t.name))
		}
		have = true
		return f
	})
	if f != nil {
		return Value{}, nil, f
	}
	if !have {
		return Value{}, nil, badRequestf("a <methodResponse> with neither <params> nor <fault>")
	}
	if f := d.epilogue(); f != nil {
		return Value{}, nil, f
	}
	if peer != nil {
		return Value{}, peer, nil
	}
	if len(params) == 0 {
		return Nil(), nil, nil
	}
	return params[0], nil, nil
}

// faultBody reads the inside of <fault>: a <value> holding the fault
// struct, or the struct itself (rtorrent once left out the <value>).
func (d *decoder) faultBody() (*Fault, *Fault) {
	var v Value
	have := false
	f := d.elements("fault", func(t token) (f *Fault) {
		switch {
		case have:
			return badRequestf("a <fault> holds one value, found a second <%s>", quoteName(t.name))
		case t.name == "value":
			v, f = d.value(0)
		case t.name == "struct":
			if f = d.countValue(); f == nil {
				v, f = d.structValue(1)
			}
		default:
			return badRequestf("unexpected <%s> in <fault>", quoteName(t.name))
		}
		have = true
		return f
	})
	if f != nil {
		return nil, f
	}
	if !have {
		return nil, badRequestf("an empty <fault>")
	}
	return faultFromValue(v)
}

// faultFromValue reads a peer's fault struct leniently.
func faultFromValue(v Value) (*Fault, *Fault) {
	if v.Kind != KindStruct {
		return nil, badRequestf("the fault is a %s, not a struct", v.Kind)
	}
	peer := &Fault{}
	var codeText string
	if code, ok := v.Get("faultCode"); ok {
		switch code.Kind {
		case KindInt:
			peer.Code = int(code.Int)
		case KindString:
			codeText = code.Str
		default:
			return nil, badRequestf("the faultCode is a %s", code.Kind)
		}
	}
	if text, ok := v.Get("faultString"); ok {
		if text.Kind != KindString {
			return nil, badRequestf("the faultString is a %s", text.Kind)
		}
		peer.String = text.Str
	}
	switch {
	case codeText != "" && peer.String != "":
		peer.String = codeText + ": " + peer.String
	case codeText != "":
		peer.String = codeText
	}
	return peer, nil
}

// Fault constructors for the decoder's three common cases.

func notWellFormedf(format string, args ...any) *Fault {
	return Faultf(CodeParseError, "not well-formed XML: "+format, args...)
}

func badRequestf(format string, args ...any) *Fault {
	return Faultf(CodeInvalidRequest, "not valid XML-RPC: "+format, args...)
}

func overLimitf(format string, args ...any) *Fault {
	return Faultf(CodeLimitExceeded, "limit exceeded: "+format, args...)
}
