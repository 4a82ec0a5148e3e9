package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"relayd/rpc"
	"relayd/satellite"
)

// printer prints each notification as one line. It is the satellite's
// Handler, so it runs on one goroutine, one notification at a time.
type printer struct {
	out   io.Writer
	json  bool
	nicks *nickCache
}

// print writes n as "nick: text" or, in JSON mode, as a JSON object.
func (p *printer) print(ctx context.Context, n satellite.Notification) {
	nick := p.nicks.name(ctx, n.Sender)
	var line []byte
	if p.json {
		line = appendJSONLine(nil, nick, n)
	} else {
		line = []byte(plainLine(nick, n.Data))
	}
	p.out.Write(append(line, '\n'))
}

// plainLine is "nick: text" for a {text: string} message, and "nick: "
// followed by the data as JSON for anything else, on one line with
// control characters escaped (a peer must not drive the terminal).
func plainLine(nick string, data rpc.Value) string {
	if t, ok := data.Get("text"); ok && t.Kind == rpc.KindString && len(data.Members) == 1 {
		return oneLine(nick) + ": " + oneLine(t.Str)
	}
	if data.Kind == rpc.KindString {
		return oneLine(nick) + ": " + oneLine(data.Str)
	}
	return oneLine(nick) + ": " + string(appendJSON(nil, data))
}

// oneLine escapes the control characters of s but tab (newlines
// included) as Go-style escapes, so s prints as one harmless line.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) && r != '\t' {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// appendJSONLine appends {"from": nick, "host_id": sender, "data": data}.
func appendJSONLine(buf []byte, nick string, n satellite.Notification) []byte {
	buf = append(buf, `{"from":`...)
	buf = appendJSONString(buf, nick)
	buf = append(buf, `,"host_id":`...)
	buf = appendJSONString(buf, n.Sender)
	buf = append(buf, `,"data":`...)
	buf = appendJSON(buf, n.Data)
	return append(buf, '}')
}

// appendJSON appends v as JSON, in a readable form: struct members in
// their order, a dateTime as RFC 3339 text, base64 as its decoded text
// when that is printable UTF-8 (else as base64 text), nil as null, and a
// double that JSON cannot hold (NaN, infinities) as a string.
func appendJSON(buf []byte, v rpc.Value) []byte {
	switch v.Kind {
	case rpc.KindInt:
		return strconv.AppendInt(buf, v.Int, 10)
	case rpc.KindBool:
		return strconv.AppendBool(buf, v.Bool)
	case rpc.KindString:
		return appendJSONString(buf, v.Str)
	case rpc.KindDouble:
		if math.IsNaN(v.Double) || math.IsInf(v.Double, 0) {
			return appendJSONString(buf, strconv.FormatFloat(v.Double, 'g', -1, 64))
		}
		return strconv.AppendFloat(buf, v.Double, 'g', -1, 64)
	case rpc.KindDateTime:
		return appendJSONString(buf, v.Time.Format(time.RFC3339))
	case rpc.KindBase64:
		if printable(v.Bytes) {
			return appendJSONString(buf, string(v.Bytes))
		}
		return appendJSONString(buf, base64.StdEncoding.EncodeToString(v.Bytes))
	case rpc.KindArray:
		buf = append(buf, '[')
		for i, e := range v.Array {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, e)
		}
		return append(buf, ']')
	case rpc.KindStruct:
		buf = append(buf, '{')
		for i, m := range v.Members {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, m.Name)
			buf = append(buf, ':')
			buf = appendJSON(buf, m.Value)
		}
		return append(buf, '}')
	default:
		return append(buf, "null"...)
	}
}

// appendJSONString appends s as a JSON string, HTML left unescaped.
func appendJSONString(buf []byte, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return append(buf, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// printable reports whether b is UTF-8 text without control characters
// other than tab and newline.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return false
		}
	}
	return true
}
