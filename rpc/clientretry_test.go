package rpc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// scriptedPeer is an HTTP server on loopback that treats each call by its
// number (1, 2, ...) and its connection's number, to stage what a peer can
// do to a kept-alive connection.
type scriptedPeer struct {
	ln    net.Listener
	mu    sync.Mutex
	calls []string // "conn N" for each request read, in order
	ended chan int // the number of each connection as the peer stops reading it
	wg    sync.WaitGroup
}

// answer says what the peer does with a request.
type answer int

const (
	replyOK            answer = iota // a 200 with a Content-Length
	closeSilently                    // close without a byte
	closeMidReply                    // a status line, then close
	replyThenClose                   // a 200 with "Connection: close", then close
	replyHTTP10                      // an HTTP/1.0 200 without keep-alive; the connection stays open
	replyChunked                     // a 200 in chunks
	replyToEOF                       // a 200 with no length: the body ends when the peer closes
	replyContinueFirst               // a 100 Continue, then a 200
	replySwitching                   // a 101 Switching Protocols
	replyTwice                       // a 200 and an unasked second one, in one write
	replyNotFound                    // a 404 with a short body
	replyHuge                        // a 200 whose body is over the client's limit
	hang                             // read the call and never answer
)

func startScriptedPeer(t *testing.T, script func(call int) answer) *scriptedPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &scriptedPeer{ln: ln, ended: make(chan int, 100)}
	done := make(chan struct{}) // ends the hung answers
	t.Cleanup(func() { close(done); ln.Close(); p.wg.Wait() })
	reply, err := AppendResponse(nil, String("ok"))
	if err != nil {
		t.Fatal(err)
	}
	p.wg.Go(func() {
		for connNo := 1; ; connNo++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() {
				defer func() {
					conn.Close()
					select {
					case p.ended <- connNo:
					default:
					}
				}()
				br := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					req.Body.Close()
					p.mu.Lock()
					p.calls = append(p.calls, fmt.Sprintf("conn %d", connNo))
					call := len(p.calls)
					p.mu.Unlock()
					ok := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s", len(reply), reply)
					switch script(call) {
					case replyOK:
						io.WriteString(conn, ok)
					case closeSilently:
						return
					case closeMidReply:
						io.WriteString(conn, "HTTP/1.1 200 OK\r\n")
						return
					case replyThenClose:
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(reply), reply)
						return
					case replyHTTP10:
						fmt.Fprintf(conn, "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(reply), reply)
					case replyChunked:
						half := len(reply) / 2
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n", half, reply[:half], len(reply)-half, reply[half:])
					case replyToEOF:
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\n\r\n%s", reply)
						return
					case replyContinueFirst:
						io.WriteString(conn, "HTTP/1.1 100 Continue\r\n\r\n"+ok)
					case replySwitching:
						io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
					case replyTwice:
						io.WriteString(conn, ok+ok)
					case replyNotFound:
						io.WriteString(conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
					case replyHuge:
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", hugeReply, strings.Repeat(" ", hugeReply))
					case hang:
						<-done
						return
					}
				}
			})
		}
	})
	return p
}

// hugeReply is the body size of replyHuge, over the limit the tests set.
const hugeReply = 64 << 10

func (p *scriptedPeer) url() string { return "http://" + p.ln.Addr().String() + "/RPC2" }

func (p *scriptedPeer) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
}

func TestClientRetriesOnceOnAKeptAliveConnectionClosedUnread(t *testing.T) {
	tests := []struct {
		name     string
		warm     bool // a first call leaves a kept-alive connection in the pool
		script   func(call int) answer
		wantErr  bool
		wantSeen []string
	}{
		{"the pooled connection was closed: sent again on a new one", true,
			func(call int) answer {
				if call == 2 {
					return closeSilently
				}
				return replyOK
			},
			false, []string{"conn 1", "conn 1", "conn 2"}},
		{"a new connection closed: not sent again", false,
			func(call int) answer {
				if call == 1 {
					return closeSilently
				}
				return replyOK
			},
			true, []string{"conn 1"}},
		{"part of the reply arrived: not sent again", true,
			func(call int) answer {
				if call == 2 {
					return closeMidReply
				}
				return replyOK
			},
			true, []string{"conn 1", "conn 1"}},
		{"closed again on the new connection: one retry only", true,
			func(call int) answer {
				if call >= 2 {
					return closeSilently
				}
				return replyOK
			},
			true, []string{"conn 1", "conn 1", "conn 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer := startScriptedPeer(t, tt.script)
			c := NewClient(DefaultClientConfig())
			defer c.Close()
			if tt.warm {
				if v, err := c.Call(context.Background(), peer.url(), "ping"); err != nil || v.Str != "ok" {
					t.Fatalf("first call: %v, %v", v, err)
				}
			}
			_, err := c.Call(context.Background(), peer.url(), "ping")
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want an error: %v", err, tt.wantErr)
			}
			if got := peer.seen(); fmt.Sprint(got) != fmt.Sprint(tt.wantSeen) {
				t.Errorf("the peer read %v, want %v", got, tt.wantSeen)
			}
		})
	}
}
