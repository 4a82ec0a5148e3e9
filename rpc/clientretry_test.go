package rpc

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
)

// scriptedPeer is an HTTP server on loopback that treats each call by its
// number (1, 2, ...) and its connection's number, to stage what a peer can
// do to a kept-alive connection.
type scriptedPeer struct {
	ln    net.Listener
	mu    sync.Mutex
	calls []string // "conn N call M" for each request read, in order
	wg    sync.WaitGroup
}

// answer says what the peer does with a request: reply in full, close
// without a byte, or send a status line only and close.
type answer int

const (
	replyOK answer = iota
	closeSilently
	closeMidReply
)

func startScriptedPeer(t *testing.T, script func(call int) answer) *scriptedPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &scriptedPeer{ln: ln}
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
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
				defer conn.Close()
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
					switch script(call) {
					case closeSilently:
						return
					case closeMidReply:
						conn.Write([]byte("HTTP/1.1 200 OK\r\n"))
						return
					}
					fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s", len(reply), reply)
				}
			})
		}
	})
	return p
}

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
