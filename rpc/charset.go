package rpc

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// The encodings a document may declare. encoding/xml reads UTF-8 itself
// (any spelling of "utf-8"); ISO-8859-1 and US-ASCII are what old ping
// clients and Python's encoding= option declare (notes section 1.6).
// Anything else is fault -32701.

// errUnsupportedCharset is what charsetReader answers for any other
// declared encoding; the decoder maps it to -32701.
var errUnsupportedCharset = errors.New("unsupported encoding")

// errNotASCII is what the US-ASCII reader returns at a byte above 0x7F;
// the decoder maps it to -32702.
var errNotASCII = errors.New("byte outside US-ASCII")

// charsetReader is the xml.Decoder's CharsetReader.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	br, ok := input.(io.ByteReader)
	if !ok {
		br = bufio.NewReader(input)
	}
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
		return &latin1Reader{src: br}, nil
	case "us-ascii", "ascii", "us", "iso646-us":
		return &asciiReader{src: br}, nil
	case "utf8":
		// A common misspelling of utf-8; encoding/xml still validates it.
		return input, nil
	}
	return nil, errUnsupportedCharset
}

// latin1Reader turns ISO-8859-1 bytes into UTF-8: every byte is the code
// point of the same number.
type latin1Reader struct {
	src     io.ByteReader
	next    byte // the second byte of a two-byte sequence, when hasNext
	hasNext bool
}

// ReadByte implements io.ByteReader, which encoding/xml uses directly.
func (r *latin1Reader) ReadByte() (byte, error) {
	if r.hasNext {
		r.hasNext = false
		return r.next, nil
	}
	b, err := r.src.ReadByte()
	if err != nil || b < utf8.RuneSelf {
		return b, err
	}
	r.next = 0x80 | b&0x3F
	r.hasNext = true
	return 0xC0 | b>>6, nil
}

// Read implements io.Reader (CharsetReader must return one).
func (r *latin1Reader) Read(p []byte) (int, error) {
	return readBytes(r, p)
}

// asciiReader passes US-ASCII through and fails at the first byte above
// 0x7F, which is invalid for the declared encoding.
type asciiReader struct {
	src io.ByteReader
}

// ReadByte implements io.ByteReader.
func (r *asciiReader) ReadByte() (byte, error) {
	b, err := r.src.ReadByte()
	if err == nil && b >= utf8.RuneSelf {
		return 0, errNotASCII
	}
	return b, err
}

// Read implements io.Reader.
func (r *asciiReader) Read(p []byte) (int, error) {
	return readBytes(r, p)
}

// readBytes fills p from a ByteReader.
func readBytes(r io.ByteReader, p []byte) (int, error) {
	for i := range p {
		b, err := r.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = b
	}
	return len(p), nil
}

// sniffUnsupportedEncoding recognises, from the first bytes, the encodings
// encoding/xml would only call "invalid UTF-8" (UTF-16 and UTF-32 with or
// without a byte-order mark, and EBCDIC), so they can be answered -32701.
// It returns a short description, or "" when the start looks ASCII-based.
func sniffUnsupportedEncoding(body []byte) string {
	switch {
	case bytes.HasPrefix(body, []byte{0x00, 0x00, 0xFE, 0xFF}),
		bytes.HasPrefix(body, []byte{0x00, 0x00, 0x00, '<'}),
		bytes.HasPrefix(body, []byte{'<', 0x00, 0x00, 0x00}):
		return "UTF-32"
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}),
		bytes.HasPrefix(body, []byte{0xFF, 0xFE}),
		bytes.HasPrefix(body, []byte{0x00, '<'}),
		bytes.HasPrefix(body, []byte{'<', 0x00}):
		return "UTF-16"
	case bytes.HasPrefix(body, []byte{0x4C, 0x6F, 0xA7, 0x94}):
		return "EBCDIC"
	}
	return ""
}
