package rpc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// xmlLexer is the reference lexer: encoding/xml's Decoder.Token in Strict
// mode with no Entity map, which checks names, tag matching, references and
// characters, and reads the ISO-8859-1 and US-ASCII documents the fast
// lexer leaves to it.
type xmlLexer struct {
	x      *xml.Decoder
	tokens int // tokens read so far; the XML declaration must be the first
}

func newXMLLexer(body []byte) *xmlLexer {
	x := xml.NewDecoder(bytes.NewReader(body))
	x.Strict = true
	x.CharsetReader = charsetReader
	return &xmlLexer{x: x}
}

// lex skips comments and processing instructions (holding them to the
// rules for text) and refuses directives such as DOCTYPE.
func (l *xmlLexer) lex() (token, *Fault) {
	for {
		tok, err := l.x.Token()
		if err != nil {
			if err == io.EOF {
				return token{kind: tokEOF}, nil
			}
			return token{}, xmlFault(err)
		}
		l.tokens++
		switch t := tok.(type) {
		case xml.StartElement:
			return token{kind: tokStart, name: t.Name.Local}, nil
		case xml.EndElement:
			return token{kind: tokEnd, name: t.Name.Local}, nil
		case xml.CharData:
			return token{kind: tokText, text: t}, nil
		case xml.Comment:
			if f := checkSkippedText(t); f != nil {
				return token{}, f
			}
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml") && l.tokens > 1 {
				return token{}, notWellFormedf("the XML declaration is not at the start of the document")
			}
			if f := checkSkippedText(t.Inst); f != nil {
				return token{}, f
			}
		case xml.Directive:
			return token{}, notWellFormedf("DOCTYPE and other <!...> declarations are not allowed")
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
