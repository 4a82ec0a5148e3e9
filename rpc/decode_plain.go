package rpc

import "bytes"

// plainParser decodes, in one pass over the bytes, the documents that
// relayd, Python's xmlrpc.client and most libraries write: elements of
// XML-RPC without attributes, whitespace between them, text that the fast
// lexer takes. It builds exactly the Values the token decoder would, and
// about three times as fast, because it checks each tag against the one
// the grammar expects next instead of lexing it first: decoding was most
// of what relay.relay costs the relay beyond a bare HTTP handler.
//
// It declines (ok false) anything else: a problem of any kind, a limit
// reached, a <fault>, an empty-element tag other than a scalar's, a
// duplicate member name, a struct of more than maxPlainMembers members.
// decode then runs the token decoder, which gives every fault, so the
// parser changes speed only (FuzzPlainParser checks this).
type plainParser struct {
	src    []byte
	pos    int
	lim    Limits
	depth  int    // element depth, counting the root
	values int    // <value> elements so far
	buf    []byte // text with references replaced
	scalar []byte // a scalar's text, for its decoder to use in place
	// Open arrays and structs collect their items here, as in decoder.
	items   []Value
	members []Member
}

// maxPlainMembers bounds the members of a struct the parser reads, so that
// its linear search for duplicate names stays cheap; a larger struct goes
// to the token decoder, which indexes its names.
const maxPlainMembers = membersIndexFrom

func (p *plainParser) reset(src []byte, lim Limits) {
	p.src, p.pos, p.lim = src, 0, lim
	p.depth, p.values = 0, 0
	p.buf, p.scalar = p.buf[:0], p.scalar[:0]
	clear(p.items)
	p.items = p.items[:0]
	clear(p.members)
	p.members = p.members[:0]
}

func (p *plainParser) keep() bool {
	return cap(p.buf) <= decoderKeepMax && cap(p.scalar) <= decoderKeepMax && cap(p.items) <= decoderKeepMax && cap(p.members) <= decoderKeepMax
}

// call reads a methodCall document.
func (p *plainParser) call() (Call, bool) {
	if !p.prolog() || !p.open("methodCall") || !p.open("methodName") {
		return Call{}, false
	}
	name, ok := p.text()
	if !ok || len(name) == 0 || len(name) > p.lim.MaxMethodNameBytes || !p.close("methodName") {
		return Call{}, false
	}
	call := Call{Method: string(name)}
	if methodNameProblem(call.Method, p.lim.MaxMethodNameBytes) != "" {
		return Call{}, false
	}
	if p.open("params") {
		for !p.close("params") {
			if len(call.Params) >= p.lim.MaxParams {
				return Call{}, false
			}
			v, ok := p.param()
			if !ok {
				return Call{}, false
			}
			call.Params = append(call.Params, v)
		}
	}
	if !p.close("methodCall") || !p.epilogue() {
		return Call{}, false
	}
	return call, true
}

// response reads a methodResponse document with <params> holding at most
// one <param> (a fault is the token decoder's) and returns that param, or
// Nil() for none.
func (p *plainParser) response() (Value, bool) {
	if !p.prolog() || !p.open("methodResponse") || !p.open("params") {
		return Value{}, false
	}
	v := Nil()
	if !p.close("params") {
		if p.lim.MaxParams < 1 {
			return Value{}, false
		}
		var ok bool
		if v, ok = p.param(); !ok || !p.close("params") {
			return Value{}, false
		}
	}
	if !p.close("methodResponse") || !p.epilogue() {
		return Value{}, false
	}
	return v, true
}

// param reads <param><value>...</value></param>.
func (p *plainParser) param() (Value, bool) {
	if !p.open("param") || !p.open("value") {
		return Value{}, false
	}
	v, ok := p.value(0)
	if !ok || !p.close("param") {
		return Value{}, false
	}
	return v, true
}

// value reads a value whose <value> tag was just read, through its end
// tag. depth is the number of arrays and structs around it.
func (p *plainParser) value(depth int) (Value, bool) {
	p.values++
	if p.values > p.lim.MaxValues {
		return Value{}, false
	}
	text, ok := p.text()
	if !ok {
		return Value{}, false
	}
	if p.closeHere("value") {
		return String(string(text)), true // untyped: the text verbatim
	}
	if !isXMLSpace(text) {
		return Value{}, false
	}
	v, ok := p.typed(depth)
	if !ok || !p.close("value") {
		return Value{}, false
	}
	return v, true
}

// typed reads the typed element of a <value>.
func (p *plainParser) typed(depth int) (Value, bool) {
	if p.open("struct") {
		return p.structValue(depth + 1)
	}
	if p.open("array") {
		return p.arrayValue(depth + 1)
	}
	src, i := p.src, p.pos
	if i >= len(src) || src[i] != '<' {
		return Value{}, false
	}
	n := nameLen(src[i+1:])
	if n == 0 {
		return Value{}, false
	}
	tag := internName(src[i+1 : i+1+n])
	decode, ok := scalarDecoders[tag]
	if !ok || p.depth+1 > p.lim.MaxElementDepth {
		return Value{}, false
	}
	after := src[i+1+n:]
	switch {
	case bytes.HasPrefix(after, []byte("/>")): // <nil/>, <string/>
		p.pos = i + 1 + n + 2
		return decode(src[i:i])
	case len(after) > 0 && after[0] == '>':
		p.pos = i + 1 + n + 1
	default:
		return Value{}, false
	}
	p.depth++
	text, ok := p.text()
	if !ok || !p.closeHere(tag) {
		return Value{}, false
	}
	// The decoders may work in place (base64 strips its whitespace so):
	// they get a copy, never the caller's document.
	p.scalar = append(p.scalar[:0], text...)
	return decode(p.scalar)
}

// structValue reads a struct whose <struct> tag was just read.
func (p *plainParser) structValue(depth int) (Value, bool) {
	if depth > p.lim.MaxValueDepth {
		return Value{}, false
	}
	base := len(p.members)
	for !p.close("struct") {
		if len(p.members)-base >= min(maxPlainMembers, p.lim.MaxContainerItems) || !p.open("member") || !p.open("name") {
			return Value{}, false
		}
		name, ok := p.text()
		if !ok || len(name) > p.lim.MaxNameBytes || !p.close("name") {
			return Value{}, false
		}
		for _, m := range p.members[base:] {
			if m.Name == string(name) {
				return Value{}, false // the token decoder merges duplicates
			}
		}
		m := Member{Name: string(name)}
		if !p.open("value") {
			return Value{}, false
		}
		if m.Value, ok = p.value(depth); !ok || !p.close("member") {
			return Value{}, false
		}
		p.members = append(p.members, m)
	}
	return Value{Kind: KindStruct, Members: popOpen(&p.members, base)}, true
}

// arrayValue reads an array whose <array> tag was just read.
func (p *plainParser) arrayValue(depth int) (Value, bool) {
	if depth > p.lim.MaxValueDepth || !p.open("data") {
		return Value{}, false
	}
	base := len(p.items)
	for !p.close("data") {
		if len(p.items)-base >= p.lim.MaxContainerItems || !p.open("value") {
			return Value{}, false
		}
		v, ok := p.value(depth)
		if !ok {
			return Value{}, false
		}
		p.items = append(p.items, v)
	}
	if !p.close("array") {
		return Value{}, false
	}
	return Value{Kind: KindArray, Array: popOpen(&p.items, base)}, true
}

// prolog reads the XML declaration, if any, and whitespace up to the root.
func (p *plainParser) prolog() bool {
	p.pos = xmlDeclLen(p.src)
	return p.pos >= 0
}

// epilogue reads whitespace to the end of the document.
func (p *plainParser) epilogue() bool {
	p.skipSpace()
	return p.pos == len(p.src)
}

// skipSpace skips the whitespace the fast lexer takes between elements
// (not CR, which XML would turn into LF).
func (p *plainParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n':
			p.pos++
		default:
			return
		}
	}
}

// text reads character data up to the next '<'. It is valid until the
// next call.
func (p *plainParser) text() ([]byte, bool) {
	text, end, buf, ok := scanText(p.src, p.pos, p.buf)
	p.pos, p.buf = end, buf
	return text, ok
}

// open reads whitespace, then the start tag <name> if it comes next: false
// means another tag (or anything else) follows the whitespace.
func (p *plainParser) open(name string) bool {
	p.skipSpace()
	rest := p.src[p.pos:]
	if len(rest) < len(name)+2 || rest[0] != '<' || string(rest[1:1+len(name)]) != name || rest[1+len(name)] != '>' {
		return false
	}
	if p.depth++; p.depth > p.lim.MaxElementDepth {
		return false
	}
	p.pos += len(name) + 2
	return true
}

// close reads whitespace, then the end tag </name> if it comes next.
func (p *plainParser) close(name string) bool {
	p.skipSpace()
	return p.closeHere(name)
}

// closeHere reads </name> if it comes next, with no whitespace first.
func (p *plainParser) closeHere(name string) bool {
	rest := p.src[p.pos:]
	if len(rest) < len(name)+3 || rest[0] != '<' || rest[1] != '/' || string(rest[2:2+len(name)]) != name || rest[2+len(name)] != '>' {
		return false
	}
	p.depth--
	p.pos += len(name) + 3
	return true
}
