package rpc

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
)

// The common reply head, read without net/http. http.ReadResponse builds a
// header map and a string per header line for every reply, and those were a
// third of what a relay sending ten thousand notifications a second
// allocated: its garbage collections came every 150 ms and their pauses
// reached the latency tail. A pooled call needs three facts of the head:
// the status, the body's length and whether the peer keeps the connection.

// replyHead is what readReplyHead learns.
type replyHead struct {
	status    int
	length    int64 // the body's Content-Length
	closeConn bool  // "Connection: close"
	size      int   // bytes of the head, blank line included
}

// maxFastHead is the longest head readReplyHead reads; one longer goes to
// net/http.
const maxFastHead = 2 << 10

// readReplyHead reads the head at the start of br when it is of the
// common kind: "HTTP/1.1", a final status other than 204 and 304, one
// Content-Length, no Transfer-Encoding or Content-Encoding, well-formed
// header lines without folding. It consumes nothing: ok false leaves the
// head, whatever it is, to http.ReadResponse, and so does an error (which
// ReadResponse then meets again and reports in its own words).
func readReplyHead(br *bufio.Reader) (h replyHead, ok bool) {
	if _, err := br.Peek(1); err != nil {
		return h, false
	}
	var head []byte
	for {
		buf, _ := br.Peek(br.Buffered())
		if end := bytes.Index(buf, []byte("\r\n\r\n")); end >= 0 && end+4 <= maxFastHead {
			head = buf[:end+2] // up to the last header line's CRLF
			h.size = end + 4
			break
		}
		if len(buf) >= maxFastHead {
			return h, false
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return h, false
		}
	}
	line, head, _ := bytes.Cut(head, []byte("\r\n"))
	if len(line) < len("HTTP/1.1 200") || string(line[:9]) != "HTTP/1.1 " || (len(line) > 12 && line[12] != ' ') {
		return h, false
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return h, false
		}
		h.status = h.status*10 + int(c-'0')
	}
	if h.status < 200 || h.status == http.StatusNoContent || h.status == http.StatusNotModified {
		return h, false
	}
	haveLength := false
	for len(head) > 0 {
		line, head, _ = bytes.Cut(head, []byte("\r\n"))
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found || !isToken(name) || !isFieldValue(value) {
			return h, false // folding (a line that starts with a space) included
		}
		value = bytes.Trim(value, " \t")
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, ok := parseLength(value)
			if !ok || haveLength {
				return h, false
			}
			h.length, haveLength = n, true
		case bytes.EqualFold(name, []byte("Transfer-Encoding")), bytes.EqualFold(name, []byte("Content-Encoding")):
			return h, false
		case bytes.EqualFold(name, []byte("Connection")):
			for tok := range bytes.SplitSeq(value, []byte(",")) {
				if bytes.EqualFold(bytes.Trim(tok, " \t"), []byte("close")) {
					h.closeConn = true
				}
			}
		}
	}
	return h, haveLength
}

// parseLength reads a Content-Length: digits only, at most 18 of them.
func parseLength(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// isToken reports whether b is a header name as RFC 9110 allows it.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !tokenByte[c] {
			return false
		}
	}
	return true
}

var tokenByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// isFieldValue reports whether b holds no control character but tab.
func isFieldValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// fixedBody reads the n bytes of a body that follow its head in br.
type fixedBody struct {
	br *bufio.Reader
	n  int64
}

func (b *fixedBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.br.Read(p)
	b.n -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the peer closed before the length it gave
	}
	if b.n == 0 && err == nil {
		err = io.EOF
	}
	return n, err
}

func (b *fixedBody) Close() error { return nil }
