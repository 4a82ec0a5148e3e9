package rpc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// FuzzPoolReply answers a client's first call with whatever bytes, then
// every later call properly, on any connection. Whatever the bytes, the
// first call must end by its deadline without a panic, and the second must
// get its own reply: a connection the bytes left unclean (a reply cut
// short, one too many, one that never ends) is never used again.
func FuzzPoolReply(f *testing.F) {
	ok, err := AppendResponse(nil, String("ok"))
	if err != nil {
		f.Fatal(err)
	}
	okReply := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(ok), ok)
	for _, seed := range []string{
		okReply,
		okReply + okReply,
		"HTTP/1.1 100 Continue\r\n\r\n" + okReply,
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
		fmt.Sprintf("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: %d\r\n\r\n%s", len(ok), ok),
		fmt.Sprintf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(ok), ok),
		"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<methodResponse>",
		"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!",
		"HTTP/1.1 200 OK\r\n\r\n" + string(ok),
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		defer wg.Wait()
		defer ln.Close()
		var once sync.Once
		wg.Go(func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				wg.Go(func() {
					defer conn.Close()
					br := bufio.NewReader(conn)
					for {
						req, err := http.ReadRequest(br)
						if err != nil {
							return
						}
						io.Copy(io.Discard, req.Body)
						reply := []byte(okReply)
						once.Do(func() { reply = raw })
						if _, err := conn.Write(reply); err != nil {
							return
						}
					}
				})
			}
		})
		c := NewClient(DefaultClientConfig())
		defer c.Close()
		url := "http://" + ln.Addr().String() + "/RPC2"
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		c.Call(ctx, url, "ping") // any outcome
		v, err := c.Call(context.Background(), url, "ping")
		if err != nil || v.Str != "ok" {
			t.Fatalf("second call: %v, %v; want its own reply", v, err)
		}
	})
}
