package rpc

// The decoder: XML-RPC documents in, Values out, on encoding/xml's
// Decoder.Token in Strict mode with no Entity map. It adds what encoding/xml
// lacks (notes/xmlrpc-interop-and-security.md, sections 1, 6 and 7): limits
// checked while tokenising, a single root with nothing but whitespace,
// comments and processing instructions around it, no DOCTYPE, text split by
// CDATA or comments joined again in linear time, ISO-8859-1 and US-ASCII.
//
// Which fault a bad call gets: the first problem met in document order
// decides (-32700 not well-formed, -32701 encoding, -32702 bytes invalid for
// the encoding, -32600 not XML-RPC, -32000 a limit), except that a method
// name outside [A-Za-z0-9_.:/] or over MaxMethodNameBytes (-32601) is only
// reported once the rest of the call decoded cleanly.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
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
	d, f := newDecoder(body, lim)
	if f != nil {
		return Call{}, f
	}
	call, f := d.call()
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
	d, f := newDecoder(body, lim)
	if f != nil {
		return Value{}, malformedResponse(f)
	}
	v, peer, f := d.response()
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

// decoder holds the state of one decode: the tokenizer, the limits and the
// counters that enforce them, and a scratch buffer for scalar text.
type decoder struct {
	x      *xml.Decoder
	lim    Limits
	depth  int    // current element depth
	values int    // <value> elements seen so far
	tokens int    // tokens read so far; the XML declaration must be the first
	text   []byte // the text of the scalar being read; reused

	// Open arrays and structs collect their items here, each above the
	// ones around it, and copy them out at their end tag: one exact-size
	// allocation per container instead of append's doublings.
	items   []Value
	members []Member
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newDecoder(body []byte, lim Limits) (*decoder, *Fault) {
	lim = lim.orDefaults()
	if int64(len(body)) > lim.MaxBodyBytes {
		return nil, overLimitf("document longer than %d bytes", lim.MaxBodyBytes)
	}
	body = bytes.TrimPrefix(body, utf8BOM)
	if enc := sniffUnsupportedEncoding(body); enc != "" {
		return nil, Faultf(CodeUnsupportedEncoding, "%s documents are not supported (use UTF-8, ISO-8859-1 or US-ASCII)", enc)
	}
	x := xml.NewDecoder(bytes.NewReader(body))
	x.Strict = true
	x.CharsetReader = charsetReader
	return &decoder{x: x, lim: lim, text: make([]byte, 0, 64)}, nil
}

// next returns the next element or text token, skipping comments and
// processing instructions, refusing directives, and enforcing the element
// depth. At the end of the input, outside every element, it returns
// (nil, nil); inside one, a fault.
func (d *decoder) next() (xml.Token, *Fault) {
	for {
		tok, err := d.x.Token()
		if err != nil {
			if err == io.EOF {
				if d.depth > 0 {
					return nil, notWellFormedf("the document ends too early")
				}
				return nil, nil
			}
			return nil, xmlFault(err)
		}
		d.tokens++
		// Return tok itself, not the concrete t: boxing t again would
		// allocate once more per token.
		switch t := tok.(type) {
		case xml.StartElement:
			d.depth++
			if d.depth > d.lim.MaxElementDepth {
				return nil, overLimitf("elements nested more than %d deep", d.lim.MaxElementDepth)
			}
			return tok, nil
		case xml.EndElement:
			d.depth--
			return tok, nil
		case xml.CharData:
			return tok, nil
		case xml.Comment:
			if f := checkSkippedText(t); f != nil {
				return nil, f
			}
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml") && d.tokens > 1 {
				return nil, notWellFormedf("the XML declaration is not at the start of the document")
			}
			if f := checkSkippedText(t.Inst); f != nil {
				return nil, f
			}
		case xml.Directive:
			return nil, notWellFormedf("DOCTYPE and other <!...> declarations are not allowed")
		}
	}
}

// checkSkippedText holds comments and processing instructions, which
// encoding/xml does not check, to the rules for text.
func checkSkippedText(b []byte) *Fault {
	if !utf8.Valid(b) {
		return Faultf(CodeInvalidCharacter, "invalid UTF-8 in a comment or processing instruction")
	}
	if p := xmlTextProblem(string(b)); p != "" {
		return notWellFormedf("%s in a comment or processing instruction", p)
	}
	return nil
}

// xmlFault maps an encoding/xml error to its fault.
func xmlFault(err error) *Fault {
	switch {
	case errors.Is(err, errUnsupportedCharset):
		return Faultf(CodeUnsupportedEncoding, "the declared encoding is not supported (use UTF-8, ISO-8859-1 or US-ASCII)")
	case errors.Is(err, errNotASCII):
		return Faultf(CodeInvalidCharacter, "a byte above 0x7F in a document declared US-ASCII")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return notWellFormedf("the document ends too early")
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if se.Msg == "invalid UTF-8" {
			return Faultf(CodeInvalidCharacter, "invalid UTF-8 at line %d", se.Line)
		}
		if name, ok := strings.CutPrefix(se.Msg, "invalid XML name: "); ok && !utf8.ValidString(name) {
			return Faultf(CodeInvalidCharacter, "invalid UTF-8 in a name at line %d", se.Line)
		}
		return notWellFormedf("line %d: %s", se.Line, quoteInput(se.Msg))
	}
	return notWellFormedf("%s", quoteInput(strings.TrimPrefix(err.Error(), "xml: ")))
}

// root reads up to the root element, allowing only whitespace, comments and
// processing instructions before it.
func (d *decoder) root() (xml.StartElement, *Fault) {
	for {
		tok, f := d.next()
		if f != nil {
			return xml.StartElement{}, f
		}
		switch t := tok.(type) {
		case nil:
			return xml.StartElement{}, notWellFormedf("the document has no root element")
		case xml.CharData:
			if !isXMLSpace(t) {
				return xml.StartElement{}, notWellFormedf("text before the root element")
			}
		case xml.StartElement:
			return t, nil
		}
	}
}

// epilogue reads to the end of the input after the root element, allowing
// only what root allows before it: Token alone would accept a second root
// or trailing text.
func (d *decoder) epilogue() *Fault {
	for {
		tok, f := d.next()
		if f != nil {
			return f
		}
		switch t := tok.(type) {
		case nil:
			return nil
		case xml.CharData:
			if !isXMLSpace(t) {
				return notWellFormedf("text after the root element")
			}
		case xml.StartElement:
			return notWellFormedf("a second root element <%s>", quoteName(t.Name))
		}
	}
}

// elements walks the content of the element <parent> that was just
// opened: text between its children must be whitespace, each child's start
// tag goes to child (which reads the child through its end tag), and the
// walk ends at parent's end tag (encoding/xml has checked that they match).
// Every container of XML-RPC (methodCall, params, param, struct, member,
// array, data, fault) is read this way.
func (d *decoder) elements(parent string, child func(xml.StartElement) *Fault) *Fault {
	for {
		tok, f := d.next()
		if f != nil {
			return f
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isXMLSpace(t) {
				return badRequestf("text directly inside <%s>", parent)
			}
		case xml.StartElement:
			if f := child(t); f != nil {
				return f
			}
		case xml.EndElement:
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
	if root.Name.Local != "methodCall" {
		return Call{}, badRequestf("the root element is <%s>, not <methodCall>", quoteName(root.Name))
	}
	var call Call
	var nameFault *Fault // reported only if nothing else is wrong
	haveName, haveParams := false, false
	f = d.elements("methodCall", func(t xml.StartElement) (f *Fault) {
		switch {
		case t.Name.Local == "methodName" && !haveName && !haveParams:
			haveName = true
			call.Method, nameFault, f = d.methodName()
		case t.Name.Local == "params" && haveName && !haveParams:
			haveParams = true
			call.Params, f = d.params()
		default:
			f = badRequestf("unexpected <%s> in <methodCall> (expected <methodName>, then optionally <params>)", quoteName(t.Name))
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
	f := d.elements("params", func(t xml.StartElement) *Fault {
		if t.Name.Local != "param" {
			return badRequestf("unexpected <%s> in <params> (expected <param>)", quoteName(t.Name))
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
	f := d.elements("param", func(t xml.StartElement) (f *Fault) {
		if t.Name.Local != "value" || have {
			return badRequestf("a <param> holds exactly one <value>, found <%s>", quoteName(t.Name))
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
	if root.Name.Local != "methodResponse" {
		return Value{}, nil, badRequestf("the root element is <%s>, not <methodResponse>", quoteName(root.Name))
	}
	var params []Value
	var peer *Fault
	have := false
	f = d.elements("methodResponse", func(t xml.StartElement) (f *Fault) {
		switch {
		case have:
			return badRequestf("a <methodResponse> holds one <params> or one <fault>, found <%s> after it", quoteName(t.Name))
		case t.Name.Local == "params":
			params, f = d.params()
		case t.Name.Local == "fault":
			peer, f = d.faultBody()
		default:
			return badRequestf("unexpected <%s> in <methodResponse>", quoteName(t.Name))
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
	f := d.elements("fault", func(t xml.StartElement) (f *Fault) {
		switch {
		case have:
			return badRequestf("a <fault> holds one value, found a second <%s>", quoteName(t.Name))
		case t.Name.Local == "value":
			v, f = d.value(0)
		case t.Name.Local == "struct":
			if f = d.countValue(); f == nil {
				v, f = d.structValue(1)
			}
		default:
			return badRequestf("unexpected <%s> in <fault>", quoteName(t.Name))
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
