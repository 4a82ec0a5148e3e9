package rpc

import (
	"encoding/base64"
	"math"
	"strconv"
	"time"
)

// Scalar text -> Value, one function per XML-RPC type. Each is handed the
// raw text of the element (CDATA joined, references decoded) and reports
// whether it is valid. All but string trim XML whitespace first: Python does,
// and pretty-printers add it. The grammars are those of notes section 1.2,
// stricter than strconv where strconv would take what no peer means
// (0x10, 4_2, inf, 0x1p-2).

// scalarDecoders maps the local name of a scalar element to its decoder.
// Pinned choices: biginteger is an int within int64; float is a double;
// bigdecimal is refused (it would lose precision silently).
var scalarDecoders = map[string]func([]byte) (Value, bool){
	"string":           decodeString,
	"int":              decodeInt,
	"i4":               decodeInt,
	"i8":               decodeInt,
	"i1":               decodeInt,
	"i2":               decodeInt,
	"biginteger":       decodeInt,
	"boolean":          decodeBool,
	"double":           decodeDouble,
	"float":            decodeDouble,
	"dateTime.iso8601": decodeDateTime,
	"base64":           decodeBase64,
	"nil":              decodeNil,
}

func decodeString(b []byte) (Value, bool) { return String(string(b)), true }

func decodeNil(b []byte) (Value, bool) {
	return Nil(), isXMLSpace(b)
}

// decodeInt: [+-]?[0-9]+ within int64, leading zeros allowed.
func decodeInt(b []byte) (Value, bool) {
	n, ok := parseInt64(trimXMLSpace(b))
	return Int(n), ok
}

func parseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		digit := uint64(c - '0')
		if n > (limit-digit)/10 {
			return 0, false
		}
		n = n*10 + digit
	}
	if neg {
		return int64(-n), true // -(1<<63) wraps to itself, as wanted
	}
	return int64(n), true
}

// decodeBool: 0 or 1 only (true, false and yes are refused, as Python does).
func decodeBool(b []byte) (Value, bool) {
	b = trimXMLSpace(b)
	if len(b) != 1 || (b[0] != '0' && b[0] != '1') {
		return Value{}, false
	}
	return Bool(b[0] == '1'), true
}

// decodeDouble: [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?, finite. No inf or
// nan (Python sends them; they have no XML-RPC spelling), no hex, no
// underscores, no commas.
func decodeDouble(b []byte) (Value, bool) {
	b = trimXMLSpace(b)
	if !isDecimalFloat(b) {
		return Value{}, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) {
		return Value{}, false
	}
	return Double(f), true
}

func isDecimalFloat(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	intDigits := skipDigits(b, &i)
	fracDigits := 0
	if i < len(b) && b[i] == '.' {
		i++
		fracDigits = skipDigits(b, &i)
	}
	if intDigits == 0 && fracDigits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if skipDigits(b, &i) == 0 {
			return false
		}
	}
	return i == len(b)
}

func skipDigits(b []byte, i *int) int {
	start := *i
	for *i < len(b) && b[*i] >= '0' && b[*i] <= '9' {
		*i++
	}
	return *i - start
}

// decodeDateTime: YYYY-?MM-?DDTHH:?MM:?SS(\.\d+)?(Z|[+-]HH:?MM)?, a real
// calendar date. Time is in UTC (the instant, when a zone was given; the
// wall clock read as UTC when not); TimeRaw keeps the trimmed text so the
// value can be forwarded unchanged.
func decodeDateTime(b []byte) (Value, bool) {
	b = trimXMLSpace(b)
	t, ok := parseDateTime(b)
	if !ok {
		return Value{}, false
	}
	return Value{Kind: KindDateTime, Time: t, TimeRaw: string(b)}, true
}

// parseDateTime parses the dateTime grammar above; the encoder uses it too,
// to check a TimeRaw before writing it.
func parseDateTime[T ~string | ~[]byte](s T) (time.Time, bool) {
	p := dateScanner[T]{s: s, ok: true}
	year := p.number(4)
	p.optional('-')
	month := p.number(2)
	p.optional('-')
	day := p.number(2)
	p.require('T')
	hour := p.number(2)
	p.optional(':')
	minute := p.number(2)
	p.optional(':')
	second := p.number(2)
	nanos := 0
	if p.optional('.') {
		digits := 0
		for p.ok && p.i < len(p.s) && isDigit(p.s[p.i]) {
			if digits < 9 {
				nanos = nanos*10 + int(p.s[p.i]-'0')
			}
			digits++
			p.i++
		}
		if digits == 0 {
			return time.Time{}, false
		}
		for ; digits < 9; digits++ {
			nanos *= 10
		}
	}
	offset := 0
	if p.optional('Z') {
		// UTC
	} else if sign := p.peek(); sign == '+' || sign == '-' {
		p.i++
		zh := p.number(2)
		p.optional(':')
		zm := p.number(2)
		if zh > 23 || zm > 59 {
			return time.Time{}, false
		}
		offset = zh*3600 + zm*60
		if sign == '-' {
			offset = -offset
		}
	}
	if !p.ok || p.i != len(p.s) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

// dateScanner reads the fixed-width fields of a dateTime; after the first
// mismatch ok is false and every further read is a no-op.
type dateScanner[T ~string | ~[]byte] struct {
	s  T
	i  int
	ok bool
}

func (p *dateScanner[T]) number(width int) int {
	if !p.ok || p.i+width > len(p.s) {
		p.ok = false
		return 0
	}
	n := 0
	for k := 0; k < width; k++ {
		c := p.s[p.i+k]
		if !isDigit(c) {
			p.ok = false
			return 0
		}
		n = n*10 + int(c-'0')
	}
	p.i += width
	return n
}

func (p *dateScanner[T]) peek() byte {
	if !p.ok || p.i >= len(p.s) {
		return 0
	}
	return p.s[p.i]
}

func (p *dateScanner[T]) optional(c byte) bool {
	if p.peek() == c && c != 0 {
		p.i++
		return true
	}
	return false
}

func (p *dateScanner[T]) require(c byte) {
	if !p.optional(c) {
		p.ok = false
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// decodeBase64: standard alphabet, padded or not, with any XML whitespace
// anywhere (Python wraps at 76 columns); anything else outside the
// alphabet is refused (Python would silently drop it). Empty gives empty,
// non-nil bytes.
func decodeBase64(b []byte) (Value, bool) {
	b = stripXMLSpace(b)
	enc := base64.StdEncoding
	if len(b)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	out := make([]byte, enc.DecodedLen(len(b)))
	n, err := enc.Decode(out, b)
	if err != nil {
		return Value{}, false
	}
	return Base64(out[:n]), true
}
