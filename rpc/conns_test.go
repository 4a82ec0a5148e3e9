package rpc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The pool keeps a connection for the next call only when the reply left
// it clean: read to its end, kept alive by the peer, nothing after it.
func TestPoolReusesOnlyAConnectionLeftClean(t *testing.T) {
	tests := []struct {
		first   answer
		wantErr error // nil: the first call succeeds
		reused  bool
	}{
		{replyOK, nil, true},
		{replyChunked, nil, true},
		{replyContinueFirst, nil, true},
		{replyNotFound, &HTTPError{Status: 404}, true},
		{replyThenClose, nil, false},
		{replyHTTP10, nil, false},
		{replyToEOF, nil, false},
		{replyTwice, nil, false},
		{replySwitching, errSwitchingProtocols, false},
		{replyHuge, ErrResponseTooLarge, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.first), func(t *testing.T) {
			peer := startScriptedPeer(t, func(call int) answer {
				if call == 1 {
					return tt.first
				}
				return replyOK
			})
			cfg := DefaultClientConfig()
			cfg.MaxResponseBytes = hugeReply / 2
			c := NewClient(cfg)
			defer c.Close()
			v, err := c.Call(context.Background(), peer.url(), "ping")
			switch {
			case tt.wantErr == nil && (err != nil || v.Str != "ok"):
				t.Fatalf("first call: %v, %v; want ok", v, err)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("first call: %v; want %v", v, tt.wantErr)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr) && err.Error() != tt.wantErr.Error():
				t.Fatalf("first call: %v; want %v", err, tt.wantErr)
			}
			// The second reply is the second call's own, whatever the first
			// left on its connection.
			if v, err := c.Call(context.Background(), peer.url(), "ping"); err != nil || v.Str != "ok" {
				t.Fatalf("second call: %v, %v", v, err)
			}
			want := []string{"conn 1", "conn 2"}
			if tt.reused {
				want = []string{"conn 1", "conn 1"}
			}
			if got := peer.seen(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("the peer read %v, want %v", got, want)
			}
		})
	}
}

func (a answer) String() string {
	return [...]string{"replyOK", "closeSilently", "closeMidReply", "replyThenClose", "replyHTTP10", "replyChunked",
		"replyToEOF", "replyContinueFirst", "replySwitching", "replyTwice", "replyNotFound", "replyHuge", "hang"}[a]
}

// startHangingFirstPeer starts a peer that never answers its first call
// (read is sent once it has read it) and answers every other.
func startHangingFirstPeer(t *testing.T) (peer *scriptedPeer, read <-chan struct{}) {
	first := make(chan struct{}, 1)
	peer = startScriptedPeer(t, func(call int) answer {
		if call == 1 {
			first <- struct{}{}
			return hang
		}
		return replyOK
	})
	return peer, first
}

// A call whose context is canceled while the peer holds it returns at once
// with the context's error, and its connection is not used again.
func TestPoolCancelsAHungCall(t *testing.T) {
	peer, read := startHangingFirstPeer(t)
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-read; cancel() }()
	if _, err := c.Call(ctx, peer.url(), "ping"); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled call: %v, want context.Canceled", err)
	}
	if v, err := c.Call(context.Background(), peer.url(), "ping"); err != nil || v.Str != "ok" {
		t.Fatalf("next call: %v, %v", v, err)
	}
	if got, want := peer.seen(), []string{"conn 1", "conn 2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the peer read %v, want %v", got, want)
	}
}

// MaxConnsPerHost bounds the calls under way to one peer: one more waits
// for a slot until its context ends, and sends nothing meanwhile.
func TestPoolWaitsForASlot(t *testing.T) {
	peer, read := startHangingFirstPeer(t)
	cfg := DefaultClientConfig()
	cfg.MaxConnsPerHost = 1
	c := NewClient(cfg)
	defer c.Close()
	holder, release := context.WithCancel(context.Background())
	held := make(chan error, 1)
	go func() {
		_, err := c.Call(holder, peer.url(), "ping")
		held <- err
	}()
	<-read
	waiter, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Call(waiter, peer.url(), "ping"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("call over the limit: %v, want context.DeadlineExceeded", err)
	}
	if got := len(peer.seen()); got != 1 {
		t.Fatalf("the peer read %d calls while the slot was held, want 1", got)
	}
	release()
	if err := <-held; !errors.Is(err, context.Canceled) {
		t.Fatalf("held call: %v", err)
	}
	if v, err := c.Call(context.Background(), peer.url(), "ping"); err != nil || v.Str != "ok" {
		t.Fatalf("call after the slot came back: %v, %v", v, err)
	}
}

// Idle connections are closed after IdleConnTimeout, and over
// MaxIdleConnsPerHost at once; the pool then forgets the peer.
func TestPoolClosesIdleConnections(t *testing.T) {
	const calls = 3
	var arrived sync.WaitGroup
	arrived.Add(calls)
	peer := startScriptedPeer(t, func(int) answer {
		arrived.Done()
		arrived.Wait() // answer once all three are under way, on three connections
		return replyOK
	})
	cfg := DefaultClientConfig()
	cfg.MaxIdleConnsPerHost = 1
	cfg.IdleConnTimeout = 20 * time.Millisecond
	c := NewClient(cfg)
	defer c.Close()
	errs := make(chan error, calls)
	for range calls {
		go func() {
			_, err := c.Call(context.Background(), peer.url(), "ping")
			errs <- err
		}()
	}
	for range calls {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	ended := map[int]bool{}
	for range calls { // two over the idle limit, then the kept one on its timer
		select {
		case n := <-peer.ended:
			ended[n] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("connections still open: %d of %d closed", len(ended), calls)
		}
	}
	if n := c.conns.peerCount(); n != 0 {
		t.Errorf("the pool still holds %d peers", n)
	}
}

func (p *connPool) peerCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.peers)
}

// A peer whose calls fail, or whose connections were all closed, leaves
// nothing behind in the pool: a relay that outlives many satellites does not
// grow.
func TestPoolForgetsPeers(t *testing.T) {
	s := httptest.NewServer(echoServer(t))
	defer s.Close()
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	for i := range 50 {
		if _, err := c.Call(context.Background(), fmt.Sprintf("%s/path%d", s.URL, i), "echo", Int(int64(i))); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.conns.peerCount(); n != 50 {
		t.Fatalf("pool holds %d peers after 50 URLs, want 50", n)
	}
	c.Close()
	if n := c.conns.peerCount(); n != 0 {
		t.Errorf("pool holds %d peers after Close", n)
	}
	closed := closedURL(t)
	if _, err := c.Call(context.Background(), closed, "ping"); err == nil {
		t.Fatal("call to a closed port succeeded")
	}
	if n := c.conns.peerCount(); n != 0 {
		t.Errorf("pool holds %d peers after a failed call", n)
	}
}

// closedURL is the URL of a loopback port nobody listens on.
func closedURL(t *testing.T) string {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL + "/RPC2"
	s.Close()
	return url
}

// A URL's user and password become Basic authorization, as Python's
// xmlrpc.client does, and the password never appears in an error.
func TestPoolSendsBasicAuthAndHidesThePassword(t *testing.T) {
	var got string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		got = user + ":" + pass
		w.Write([]byte(`<?xml version="1.0"?><methodResponse><params><param><value>ok</value></param></params></methodResponse>`))
	}))
	defer s.Close()
	c := NewClient(DefaultClientConfig())
	defer c.Close()
	withUser := strings.Replace(s.URL, "http://", "http://relay:s3cret@", 1)
	if _, err := c.Call(context.Background(), withUser, "ping"); err != nil || got != "relay:s3cret" {
		t.Fatalf("call: %v; the peer saw %q", err, got)
	}
	closed := strings.Replace(closedURL(t), "http://", "http://relay:s3cret@", 1)
	_, err := c.Call(context.Background(), closed, "ping")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v: want one without the password", err)
	}
}

func TestEndpointFor(t *testing.T) {
	const tail = "\r\nUser-Agent: ua\r\nContent-Type: text/xml\r\nContent-Length: "
	tests := []struct {
		url      string
		wantAddr string // "": declined, for net/http
		wantHead string
	}{
		{"http://127.0.0.1:7000/RPC2", "127.0.0.1:7000", "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1:7000" + tail},
		{"http://127.0.0.1", "127.0.0.1:80", "POST / HTTP/1.1\r\nHost: 127.0.0.1" + tail},
		{"http://127.0.0.1:/x?y=1#frag", "127.0.0.1:80", "POST /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1" + tail},
		{"http://localhost:8/a%20b", "localhost:8", "POST /a%20b HTTP/1.1\r\nHost: localhost:8" + tail},
		{"http://[::1]:8/", "[::1]:8", "POST / HTTP/1.1\r\nHost: [::1]:8" + tail},
		{"http://u:p@127.0.0.1:8/", "127.0.0.1:8",
			"POST / HTTP/1.1\r\nHost: 127.0.0.1:8\r\nUser-Agent: ua\r\nAuthorization: Basic dTpw\r\nContent-Type: text/xml\r\nContent-Length: "},
		{"https://127.0.0.1/", "", ""},
		{"HTTP://127.0.0.1/", "", ""},
		{"http://[fe80::1%25eth0]:8/", "", ""},
		{"http://bücher.example/", "", ""},
		{"http:///path", "", ""},
		{"http://127.0.0.1/\x7f", "", ""},
	}
	for _, tt := range tests {
		ep, ok := endpointFor(tt.url, "ua")
		switch {
		case tt.wantAddr == "" && ok:
			t.Errorf("%q: taken (%s), want declined", tt.url, ep.addr)
		case tt.wantAddr == "":
		case !ok:
			t.Errorf("%q: declined", tt.url)
		case ep.addr != tt.wantAddr || string(ep.head) != tt.wantHead:
			t.Errorf("%q: addr %q head %q, want %q %q", tt.url, ep.addr, ep.head, tt.wantAddr, tt.wantHead)
		}
	}
	if _, ok := endpointFor("http://127.0.0.1/", "bad\r\nHeader: x"); ok {
		t.Error("a user agent with CRLF was taken")
	}
}
