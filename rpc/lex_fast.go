package rpc

import (
	"bytes"
	"unicode/utf8"
)

// fastLexer reads the documents XML-RPC peers actually send, UTF-8 with
// plain tags, about ten times faster than encoding/xml and without
// allocating: names are matched against XML-RPC's own, and text without
// references is a slice of the document itself.
//
// It declines (returns errDeclined) whatever it does not handle exactly as
// encoding/xml's Strict mode would: comments, CDATA, processing
// instructions other than a plain XML declaration at the very start,
// DOCTYPE, attributes, namespace prefixes, non-ASCII names, raw CR (which
// XML turns into LF), references other than the five named ones and
// numeric ones to allowed characters, and every error. The decoder then
// reads the document again with encoding/xml, so a declined document costs
// one wasted pass and gets exactly the reference answer.
type fastLexer struct {
	src  []byte
	pos  int
	open []string // the names of the open elements, innermost last
	buf  []byte   // text with references replaced; reused
	// closeNext is set after an empty-element tag: the next token is its
	// end.
	closeNext bool
}

// errDeclined is the fault the fast lexer gives for anything it leaves to
// encoding/xml. It never leaves the package: decode reads again.
var errDeclined = &Fault{Code: CodeParseError, String: "fast lexer declined the document"}

func (l *fastLexer) reset(src []byte) {
	l.src, l.pos, l.closeNext = src, 0, false
	clear(l.open)
	l.open = l.open[:0]
	l.buf = l.buf[:0]
	if len(src) > 0 {
		l.pos = xmlDeclLen(src)
	}
}

// keep reports whether the lexer's buffers are small enough to pool.
func (l *fastLexer) keep() bool {
	return cap(l.buf) <= decoderKeepMax && cap(l.open) <= decoderKeepMax
}

func (l *fastLexer) lex() (token, *Fault) {
	if l.closeNext {
		l.closeNext = false
		name := l.open[len(l.open)-1]
		l.open = l.open[:len(l.open)-1]
		return token{kind: tokEnd, name: name}, nil
	}
	if l.pos < 0 {
		return token{}, errDeclined
	}
	if l.pos >= len(l.src) {
		if len(l.open) > 0 {
			return token{}, errDeclined
		}
		return token{kind: tokEOF}, nil
	}
	if l.src[l.pos] != '<' {
		return l.text()
	}
	if l.pos+1 < len(l.src) && l.src[l.pos+1] == '/' {
		return l.endTag()
	}
	return l.startTag()
}

// startTag reads "<name>" or "<name/>", with optional whitespace before
// the closing bracket.
func (l *fastLexer) startTag() (token, *Fault) {
	i := l.pos + 1
	n := nameLen(l.src[i:])
	if n == 0 {
		return token{}, errDeclined // <!, <?, or a name the lexer does not take
	}
	name := internName(l.src[i : i+n])
	i = skipXMLSpace(l.src, i+n)
	switch {
	case i < len(l.src) && l.src[i] == '>':
		l.pos = i + 1
	case i+1 < len(l.src) && l.src[i] == '/' && l.src[i+1] == '>':
		l.pos = i + 2
		l.closeNext = true
	default:
		return token{}, errDeclined // an attribute, or a broken tag
	}
	l.open = append(l.open, name)
	return token{kind: tokStart, name: name}, nil
}

// endTag reads "</name>", which must close the innermost open element.
func (l *fastLexer) endTag() (token, *Fault) {
	i := l.pos + 2
	n := nameLen(l.src[i:])
	if n == 0 || len(l.open) == 0 {
		return token{}, errDeclined
	}
	name := l.open[len(l.open)-1]
	if string(l.src[i:i+n]) != name {
		return token{}, errDeclined
	}
	i = skipXMLSpace(l.src, i+n)
	if i >= len(l.src) || l.src[i] != '>' {
		return token{}, errDeclined
	}
	l.pos = i + 1
	l.open = l.open[:len(l.open)-1]
	return token{kind: tokEnd, name: name}, nil
}

// text reads character data up to the next '<' or the end. Without
// references it returns a slice of the document; with them, l.buf.
func (l *fastLexer) text() (token, *Fault) {
	text, end, buf, ok := scanText(l.src, l.pos, l.buf)
	if !ok {
		return token{}, errDeclined
	}
	l.pos, l.buf = end, buf
	return token{kind: tokText, text: text}, nil
}

// scanText reads the character data of src from start up to the next '<'
// or the end, and returns it with its references replaced, where it ends,
// and buf (which holds the text when it had references). ok is false for
// anything the fast lexer declines in text: a control character or raw CR,
// a byte that is not UTF-8 or a character XML does not allow, a reference
// charRef does not take, and "]]>".
func scanText(src []byte, start int, buf []byte) (text []byte, end int, bufOut []byte, ok bool) {
	out := buf[:0]
	copied := start // src[copied:i] is not yet in out (used once out is in use)
	useBuf := false
	i := start
	for i < len(src) {
		if plainTextByte[src[i]] {
			i++
			continue
		}
		c := src[i]
		switch {
		case c == '<':
			goto done
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(src[i:])
			if (r == utf8.RuneError && size == 1) || !isXMLChar(r) {
				return nil, 0, buf, false
			}
			i += size
		case c == '&':
			r, n := charRef(src[i:])
			if n == 0 {
				return nil, 0, buf, false
			}
			out = append(out, src[copied:i]...)
			out = utf8.AppendRune(out, r)
			useBuf = true
			i += n
			copied = i
		case c == '>':
			if i-2 >= start && src[i-1] == ']' && src[i-2] == ']' {
				return nil, 0, buf, false // "]]>" outside CDATA is an error
			}
			i++
		case c < 0x20 && c != '\t' && c != '\n':
			return nil, 0, buf, false // a control character, or CR
		default:
			i++
		}
	}
done:
	if !useBuf {
		return src[start:i], i, buf, true
	}
	out = append(out, src[copied:i]...)
	return out, i, out, true
}

// plainTextByte marks the bytes scanText passes over without a second
// look: printable ASCII other than '<', '&' and '>', tab and LF.
var plainTextByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '<' && c != '&' && c != '>'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// charRef reads the reference at the start of b ("&lt;", "&#65;",
// "&#x41;") and returns its character and length, or n == 0 for anything
// else: an unknown name, no semicolon, or a number that is not a character
// XML allows.
func charRef(b []byte) (r rune, n int) {
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 2 {
		return 0, 0
	}
	body := b[1:end]
	switch string(body) {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "apos":
		return '\'', end + 1
	case "quot":
		return '"', end + 1
	}
	if body[0] != '#' || len(body) < 2 {
		return 0, 0
	}
	digits, base := body[1:], rune(10)
	if digits[0] == 'x' { // encoding/xml takes a lowercase x only
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 7 {
		return 0, 0
	}
	for _, c := range digits {
		var v rune
		switch {
		case c >= '0' && c <= '9':
			v = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			v = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			v = rune(c-'A') + 10
		default:
			return 0, 0
		}
		r = r*base + v
	}
	if !isXMLChar(r) {
		return 0, 0
	}
	return r, end + 1
}

// nameLen is the length of the element name at the start of b, or 0 if b
// does not start with one the fast lexer takes: ASCII letters, digits, '_',
// '-' and '.', not starting with a digit, '-' or '.'. A name is followed by
// whitespace, '>' or '/'; anything else (':', non-ASCII) gives 0.
func nameLen(b []byte) int {
	if len(b) == 0 || !(b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z' || b[0] == '_') {
		return 0
	}
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		case c == '>', c == '/', isXMLSpaceByte(c):
			return i
		default:
			return 0
		}
	}
	return 0 // the document ends inside the name
}

// internName returns the element names of XML-RPC without allocating.
func internName(b []byte) string {
	switch string(b) {
	case "value":
		return "value"
	case "member":
		return "member"
	case "name":
		return "name"
	case "string":
		return "string"
	case "struct":
		return "struct"
	case "int":
		return "int"
	case "i4":
		return "i4"
	case "i8":
		return "i8"
	case "boolean":
		return "boolean"
	case "double":
		return "double"
	case "base64":
		return "base64"
	case "dateTime.iso8601":
		return "dateTime.iso8601"
	case "array":
		return "array"
	case "data":
		return "data"
	case "nil":
		return "nil"
	case "param":
		return "param"
	case "params":
		return "params"
	case "methodCall":
		return "methodCall"
	case "methodName":
		return "methodName"
	case "methodResponse":
		return "methodResponse"
	case "fault":
		return "fault"
	}
	return string(b)
}

func skipXMLSpace(b []byte, i int) int {
	for i < len(b) && isXMLSpaceByte(b[i]) {
		i++
	}
	return i
}

// xmlDeclLen is the length of the XML declaration at the start of src, 0
// if there is none, or -1 if there is one the fast lexer does not take. It
// takes version="1.0", then optionally encoding="utf-8" (any case) and
// standalone="yes" or "no", in single or double quotes, which is what
// every XML-RPC library writes.
func xmlDeclLen(src []byte) int {
	const open = "<?xml"
	if !bytes.HasPrefix(src, []byte(open)) {
		if bytes.HasPrefix(src, []byte("<?")) {
			return -1
		}
		return 0
	}
	i := len(open)
	for _, attr := range [...]struct {
		name     string
		required bool
		ok       func([]byte) bool
	}{
		{"version", true, func(v []byte) bool { return string(v) == "1.0" }},
		{"encoding", false, func(v []byte) bool { return bytes.EqualFold(v, []byte("utf-8")) }},
		{"standalone", false, func(v []byte) bool { return string(v) == "yes" || string(v) == "no" }},
	} {
		j := skipXMLSpace(src, i)
		if j == i || !bytes.HasPrefix(src[j:], []byte(attr.name)) {
			if attr.required {
				return -1
			}
			continue
		}
		j += len(attr.name)
		if j+1 >= len(src) || src[j] != '=' || (src[j+1] != '"' && src[j+1] != '\'') {
			return -1
		}
		quote := src[j+1]
		j += 2
		end := bytes.IndexByte(src[j:], quote)
		if end < 0 || !attr.ok(src[j:j+end]) {
			return -1
		}
		i = j + end + 1
	}
	i = skipXMLSpace(src, i)
	if !bytes.HasPrefix(src[i:], []byte("?>")) {
		return -1
	}
	return i + 2
}
