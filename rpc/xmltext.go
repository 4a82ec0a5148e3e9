package rpc

import (
	"strconv"
	"unicode/utf8"
)

// Text rules shared by the decoder and the encoder: XML whitespace, the
// characters XML 1.0 allows, escaping, method names, and quoting untrusted
// input into a fault text.

// isXMLSpace reports whether b holds only XML whitespace (space, tab, CR,
// LF); no-break spaces and other Unicode spaces are text.
func isXMLSpace(b []byte) bool {
	for _, c := range b {
		if !isXMLSpaceByte(c) {
			return false
		}
	}
	return true
}

func isXMLSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpaceByte(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isXMLSpaceByte(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// stripXMLSpace removes every XML whitespace byte from b, in place.
func stripXMLSpace(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if !isXMLSpaceByte(c) {
			out = append(out, c)
		}
	}
	return out
}

// isXMLChar reports whether XML 1.0 allows r in a document (the Char
// production); encoding/xml applies the same rule to text it reads.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// xmlTextProblem describes the first reason s cannot be XML text (invalid
// UTF-8, or a character XML 1.0 forbids), or returns "".
func xmlTextProblem(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8 at byte " + strconv.Itoa(i)
		}
		if !isXMLChar(r) {
			return "character " + strconv.QuoteRune(r) + " (not allowed in XML) at byte " + strconv.Itoa(i)
		}
		i += size
	}
	return ""
}

// appendXMLText appends s escaped for element content: & < > as entities
// and CR as &#13; (a raw CR would reach the peer as LF). With lossy false a
// string that cannot be XML text is refused, with the reason; with lossy
// true each offending byte or character becomes U+FFFD, so it cannot fail.
func appendXMLText(dst []byte, s string, lossy bool) ([]byte, string) {
	start := 0 // s[start:i] is pending, needing no escape
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch c {
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\r':
				esc = "&#13;"
			case '\t', '\n':
			default:
				if c < 0x20 {
					if !lossy {
						return dst, "control character " + strconv.QuoteRune(rune(c)) + " (not allowed in XML) at byte " + strconv.Itoa(i)
					}
					esc = "\uFFFD"
				}
			}
			if esc != "" {
				dst = append(dst, s[start:i]...)
				dst = append(dst, esc...)
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !isXMLChar(r) {
			if !lossy {
				return dst, xmlTextProblem(s[i:]) + " (from byte " + strconv.Itoa(i) + ")"
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			start = i + size
		}
		i += size
	}
	return append(dst, s[start:]...), ""
}

// methodNameProblem says why name is not a method name the spec allows
// (A-Z a-z 0-9 _ . : /, at most max bytes), or returns "".
func methodNameProblem(name string, max int) string {
	if name == "" {
		return "the method name is empty"
	}
	if len(name) > max {
		return "a method name longer than " + strconv.Itoa(max) + " bytes"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '/') {
			return "the method name " + quoteInput(name) + " has characters outside A-Z a-z 0-9 _ . : /"
		}
	}
	return ""
}

// quotedInputMax is how many bytes of untrusted input a fault text quotes.
const quotedInputMax = 64

// quoteInput quotes untrusted text for a fault or a log line: Go-escaped
// (so no control character or invalid UTF-8 gets through) and clipped.
func quoteInput(s string) string {
	if len(s) <= quotedInputMax {
		return strconv.Quote(s)
	}
	cut := quotedInputMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

// quoteName gives an element's local name for a fault text. The lexer has
// checked it is a valid XML name, so only its length needs bounding.
func quoteName(name string) string {
	if len(name) <= quotedInputMax {
		return name
	}
	return quoteInput(name)
}
