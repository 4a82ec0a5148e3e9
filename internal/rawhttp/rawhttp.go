// Package rawhttp writes HTTP/1.1 requests byte by byte, for tests and fuzz
// seeds that need framings a client library would never send (a lying
// Content-Length, chunked gzip, odd methods).
package rawhttp

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
)

// Request writes a raw request for target with headers ("Name: value")
// and body. A Content-Length that matches body is added unless headers
// already frame the body (Content-Length or Transfer-Encoding).
func Request(method, target string, headers []string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8002\r\n")
	framed := false
	for _, h := range headers {
		lower := strings.ToLower(h)
		if strings.HasPrefix(lower, "content-length:") || strings.HasPrefix(lower, "transfer-encoding:") {
			framed = true
		}
		b.WriteString(h + "\r\n")
	}
	if !framed && (len(body) > 0 || method == http.MethodPost) {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// Gzip returns body gzipped.
func Gzip(body []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	return buf.Bytes()
}

// Chunked encodes body in chunks of at most n bytes, for Transfer-Encoding:
// chunked.
func Chunked(body []byte, n int) []byte {
	var b bytes.Buffer
	for len(body) > 0 {
		c := body[:min(n, len(body))]
		body = body[len(c):]
		b.WriteString(strconv.FormatInt(int64(len(c)), 16) + "\r\n")
		b.Write(c)
		b.WriteString("\r\n")
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}
