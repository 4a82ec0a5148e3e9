package rpc

import (
	"bufio"
	"strings"
	"testing"
)

func TestReadReplyHead(t *testing.T) {
	tests := []struct {
		head string
		want replyHead // zero: left to net/http
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", replyHead{status: 200, length: 5}},
		{"HTTP/1.1 200\r\ncontent-length:5\r\n\r\n", replyHead{status: 200, length: 5}},
		{"HTTP/1.1 404 Not Found\r\nServer: x\r\nContent-Length:  9 \r\nDate: Sun, 22 Nov 2026 05:00:00 GMT\r\n\r\n", replyHead{status: 404, length: 9}},
		{"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", replyHead{status: 200, closeConn: true}},
		{"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 100 Continue\r\n\r\n", replyHead{}},
		{"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n folded\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nBad Name: 1\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nX: a\x01b\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 2x0 OK\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200OK\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\nContent-Length: 5\n\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nX: " + strings.Repeat("y", maxFastHead) + "\r\nContent-Length: 5\r\n\r\n", replyHead{}},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", replyHead{}}, // the peer closed inside the head
	}
	for _, tt := range tests {
		br := bufio.NewReaderSize(strings.NewReader(tt.head+"hello"), 4<<10)
		h, ok := readReplyHead(br)
		if ok {
			h.size = 0
		}
		if ok != (tt.want.status != 0) || h != tt.want && ok {
			t.Errorf("%q: %+v, %v; want %+v", tt.head, h, ok, tt.want)
		}
		if br.Buffered() > 0 && !strings.HasPrefix(tt.head+"hello", peekAll(br)) {
			t.Errorf("%q: consumed part of the head", tt.head)
		}
	}
}

func peekAll(br *bufio.Reader) string {
	b, _ := br.Peek(br.Buffered())
	return string(b)
}
