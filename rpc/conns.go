package rpc

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// connPool sends calls to plain-http peers over HTTP/1.1 keep-alive
// connections, each call on its caller's goroutine: one write for the
// request, then reads for the reply.
//
// Why not net/http's Transport: it runs a reader and a writer goroutine per
// connection and hands every call to them and back. At ten thousand
// notifications a second that hand-off was a third of the relay's CPU and,
// on two cores, most of its latency tail (README, Performance). net/http
// still carries https and every URL this pool does not understand exactly
// (see endpointFor).
//
// Limits follow net/http's Transport: maxPerPeer calls at once to one URL
// (0: no limit; a call waits for a slot until its context ends),
// maxIdlePerPeer idle connections per URL (0: 2), maxIdle idle in all (0:
// no limit; a connection over it is closed instead of kept), and an idle
// connection is closed after idleTimeout unused (0: never). The pool runs
// no goroutine: an idle connection's timer closes it.
type connPool struct {
	dial           func(ctx context.Context, network, addr string) (net.Conn, error)
	userAgent      string
	maxPerPeer     int
	maxIdlePerPeer int
	maxIdle        int
	idleTimeout    time.Duration

	mu    sync.Mutex
	peers map[string]*peer // by URL; a peer with no caller and no idle connection is removed
	idle  int              // idle connections of all peers
}

// peer is what the pool holds for one URL.
type peer struct {
	rawURL string
	ep     *endpoint
	idle   []*pconn      // most recently used last
	users  int           // callers holding or waiting for a slot
	slots  chan struct{} // a token per call under way, when maxPerPeer > 0
}

// endpoint is a URL as the pool sends to it.
type endpoint struct {
	addr     string // host:port to dial
	head     []byte // request line and headers, up to Content-Length's value
	redacted string // the URL for errors, without its password
}

// pconn is a pooled connection. Its fields other than Conn belong to the
// pool's mutex while it is idle and to its caller while it is in use.
type pconn struct {
	net.Conn
	read  int64 // bytes read during the current call
	idle  bool  // in its peer's idle list
	timer *time.Timer
}

func (c *pconn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read += int64(n)
	return n, err
}

func newConnPool(cfg ClientConfig, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *connPool {
	return &connPool{
		dial:           dial,
		userAgent:      cfg.UserAgent,
		maxPerPeer:     cfg.MaxConnsPerHost,
		maxIdlePerPeer: cmpOr(cfg.MaxIdleConnsPerHost, http.DefaultMaxIdleConnsPerHost),
		maxIdle:        cfg.MaxIdleConns,
		idleTimeout:    cfg.IdleConnTimeout,
		peers:          make(map[string]*peer),
	}
}

func cmpOr(v, fallback int) int {
	if v > 0 {
		return v
	}
	return fallback
}

// endpointFor parses rawURL for the pool. It declines (false) every URL
// that is not plain http with an ASCII host and no zone, and a user agent
// that is not a valid header value, so that net/http treats those (and
// reports their errors) as it always has.
func endpointFor(rawURL, userAgent string) (*endpoint, bool) {
	if !strings.HasPrefix(rawURL, "http://") || strings.ContainsAny(userAgent, "\r\n\x00") {
		return nil, false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Opaque != "" || u.Host == "" {
		return nil, false
	}
	for i := 0; i < len(u.Host); i++ {
		if b := u.Host[i]; b >= 0x80 || b == '%' || b <= ' ' {
			return nil, false // IDNA and IPv6 zones: net/http's business
		}
	}
	host := strings.TrimSuffix(u.Host, ":") // net/http drops an empty port too
	port := u.Port()
	if port == "" {
		port = "80"
	}
	head := make([]byte, 0, 128+len(rawURL)+len(userAgent))
	head = append(head, "POST "...)
	head = append(head, u.RequestURI()...)
	head = append(head, " HTTP/1.1\r\nHost: "...)
	head = append(head, host...)
	head = append(head, "\r\nUser-Agent: "...)
	head = append(head, userAgent...)
	if u.User != nil {
		pass, _ := u.User.Password()
		head = append(head, "\r\nAuthorization: Basic "...)
		head = base64.StdEncoding.AppendEncode(head, []byte(u.User.Username()+":"+pass))
	}
	head = append(head, "\r\nContent-Type: text/xml\r\nContent-Length: "...)
	return &endpoint{addr: net.JoinHostPort(u.Hostname(), port), head: head, redacted: u.Redacted()}, true
}

// roundTrip posts body to the peer at rawURL and returns the response,
// whose Body the caller must close: closing it gives the connection back
// to the pool when the reply was read to its end. A call that meets a
// kept-alive connection closed by the peer, with nothing of the reply read,
// is sent once more on a new connection (clientretry.go). It returns
// handled false, having done nothing, for a URL the pool declines.
func (p *connPool) roundTrip(ctx context.Context, rawURL string, body []byte) (resp *http.Response, handled bool, err error) {
	pr, handled, err := p.acquire(ctx, rawURL)
	if !handled {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, &url.Error{Op: "Post", URL: pr.ep.redacted, Err: err}
	}
	for attempt := 1; ; attempt++ {
		pc, reused, err := p.conn(ctx, pr, attempt == 1)
		if err == nil {
			if resp, err = p.exchange(ctx, pr, pc, body); err == nil {
				return resp, true, nil
			}
			pc.Close()
			if attempt == 1 && ctx.Err() == nil && closedUnread(reused, pc.read > 0, err) {
				continue
			}
		}
		p.release(pr, nil)
		return nil, true, &url.Error{Op: "Post", URL: pr.ep.redacted, Err: contextError(ctx, err)}
	}
}

// contextError returns the context's error for a call that failed because
// the context ended (the connection's deadline may fire a moment before
// the context's own timer), and err otherwise.
func contextError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return err
}

// acquire finds or makes the peer for rawURL and takes one of its slots.
// It returns ok false for a URL the pool declines. On an error (the context
// ended while waiting) it still returns the peer, for its redacted URL.
func (p *connPool) acquire(ctx context.Context, rawURL string) (pr *peer, ok bool, err error) {
	p.mu.Lock()
	pr = p.peers[rawURL]
	if pr == nil {
		p.mu.Unlock()
		ep, ok := endpointFor(rawURL, p.userAgent) // parsed once per peer, outside the lock
		if !ok {
			return nil, false, nil
		}
		p.mu.Lock()
		if pr = p.peers[rawURL]; pr == nil {
			pr = &peer{rawURL: rawURL, ep: ep}
			if p.maxPerPeer > 0 {
				pr.slots = make(chan struct{}, p.maxPerPeer)
			}
			p.peers[rawURL] = pr
		}
	}
	pr.users++
	p.mu.Unlock()
	if pr.slots == nil {
		return pr, true, nil
	}
	select {
	case pr.slots <- struct{}{}:
		return pr, true, nil
	case <-ctx.Done():
		p.mu.Lock()
		pr.users--
		p.forgetIfUnused(pr)
		p.mu.Unlock()
		return pr, true, ctx.Err()
	}
}

// conn returns the peer's most recently used idle connection that is
// still quiet, when mayReuse, or a new one.
func (p *connPool) conn(ctx context.Context, pr *peer, mayReuse bool) (pc *pconn, reused bool, err error) {
	for mayReuse {
		p.mu.Lock()
		n := len(pr.idle)
		if n == 0 {
			p.mu.Unlock()
			break
		}
		pc = pr.idle[n-1]
		pr.idle[n-1] = nil
		pr.idle = pr.idle[:n-1]
		pc.idle = false
		p.idle--
		p.mu.Unlock()
		if pc.timer != nil {
			pc.timer.Stop() // a timer that fired already finds pc in use and leaves it
		}
		if quiet(pc.Conn) {
			return pc, true, nil
		}
		pc.Close()
	}
	conn, err := p.dial(ctx, "tcp", pr.ep.addr)
	if err != nil {
		return nil, false, err
	}
	return &pconn{Conn: conn}, false, nil
}

// exchange sends the request on pc and reads the reply's head. The body it
// returns owns pc and the peer's slot until closed.
func (p *connPool) exchange(ctx context.Context, pr *peer, pc *pconn, body []byte) (*http.Response, error) {
	if d, ok := ctx.Deadline(); ok {
		pc.SetDeadline(d)
	} else {
		pc.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { pc.SetDeadline(longAgo) })
	req := getBuffer()
	req.b = append(req.b, pr.ep.head...)
	req.b = strconv.AppendInt(req.b, int64(len(body)), 10)
	req.b = append(req.b, "\r\n\r\n"...)
	req.b = append(req.b, body...)
	pc.read = 0
	_, err := pc.Write(req.b)
	putBuffer(req)
	if err != nil {
		stop()
		return nil, err
	}
	br := getReader(pc)
	if h, ok := readReplyHead(br); ok {
		br.Discard(h.size)
		r := &pooledReply{}
		r.body = pooledBody{fixed: fixedBody{br: br, n: h.length}, pool: p, peer: pr, pc: pc, br: br, stop: stop, ctx: ctx, keepAlive: !h.closeConn}
		r.body.body = &r.body.fixed
		r.resp = http.Response{StatusCode: h.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			ContentLength: h.length, Close: h.closeConn, Body: &r.body}
		return &r.resp, nil
	}
	for informational := 0; ; informational++ {
		resp, err := http.ReadResponse(br, nil)
		switch {
		case err != nil:
		case resp.StatusCode == http.StatusSwitchingProtocols:
			err = errSwitchingProtocols
		case resp.StatusCode < 200 && informational < maxInformational:
			continue // 100 Continue and its kind come before the reply
		case resp.StatusCode < 200:
			err = errTooManyInformational
		default:
			resp.Body = &pooledBody{body: resp.Body, pool: p, peer: pr, pc: pc, br: br, stop: stop, ctx: ctx, keepAlive: !resp.Close}
			return resp, nil
		}
		stop()
		putReader(br)
		return nil, err
	}
}

// pooledReply is a reply read by readReplyHead: its response and body in
// one allocation.
type pooledReply struct {
	resp http.Response
	body pooledBody
}

// maxInformational is how many 1xx replies a call skips, as net/http does.
const maxInformational = 5

var (
	errSwitchingProtocols   = httpProtocolError("peer switched protocols (101) in reply to a POST")
	errTooManyInformational = httpProtocolError("peer sent too many 1xx replies")
	longAgo                 = time.Unix(1, 0)
)

type httpProtocolError string

func (e httpProtocolError) Error() string { return string(e) }

// release gives back pr's slot, and keeps pc idle when there is room for
// it (closing it otherwise). A nil pc is a call that has no connection to
// give back.
func (p *connPool) release(pr *peer, pc *pconn) {
	if pr.slots != nil {
		<-pr.slots
	}
	p.mu.Lock()
	pr.users--
	keep := pc != nil && len(pr.idle) < p.maxIdlePerPeer && (p.maxIdle <= 0 || p.idle < p.maxIdle)
	if keep {
		pr.idle = append(pr.idle, pc)
		pc.idle = true
		p.idle++
		if p.idleTimeout > 0 {
			if pc.timer == nil {
				pc.timer = time.AfterFunc(p.idleTimeout, func() { p.expire(pr, pc) })
			} else {
				pc.timer.Reset(p.idleTimeout)
			}
		}
	}
	p.forgetIfUnused(pr)
	p.mu.Unlock()
	if pc != nil && !keep {
		pc.Close()
	}
}

// expire closes pc if it is still idle when its timer fires.
func (p *connPool) expire(pr *peer, pc *pconn) {
	p.mu.Lock()
	if !pc.idle {
		p.mu.Unlock()
		return
	}
	for i, c := range pr.idle {
		if c == pc {
			pr.idle = append(pr.idle[:i], pr.idle[i+1:]...)
			break
		}
	}
	pc.idle = false
	p.idle--
	p.forgetIfUnused(pr)
	p.mu.Unlock()
	pc.Close()
}

// forgetIfUnused drops pr from the pool when nothing uses or waits on it.
// The caller holds p.mu.
func (p *connPool) forgetIfUnused(pr *peer) {
	if pr.users == 0 && len(pr.idle) == 0 && p.peers[pr.rawURL] == pr {
		delete(p.peers, pr.rawURL)
	}
}

// closeIdle closes every idle connection. Calls under way keep theirs.
func (p *connPool) closeIdle() {
	var conns []*pconn
	p.mu.Lock()
	for _, pr := range p.peers {
		for _, pc := range pr.idle {
			pc.idle = false
			conns = append(conns, pc)
		}
		pr.idle = nil
		p.forgetIfUnused(pr)
	}
	p.idle = 0
	p.mu.Unlock()
	for _, pc := range conns {
		if pc.timer != nil {
			pc.timer.Stop()
		}
		pc.Close()
	}
}

// pooledBody is a reply's body. Closing it gives the connection back to
// the pool if the reply was read to its end, the peer keeps the connection
// alive, and nothing follows the reply; otherwise the connection is closed
// (never drained: a peer may send without end).
type pooledBody struct {
	body      io.ReadCloser // fixed, for a head of the common kind
	fixed     fixedBody
	pool      *connPool
	peer      *peer
	pc        *pconn
	br        *bufio.Reader
	stop      func() bool
	ctx       context.Context
	keepAlive bool
	eof       bool
	closed    bool
}

func (b *pooledBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil:
		err = contextError(b.ctx, err)
	}
	return n, err
}

func (b *pooledBody) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	canceled := !b.stop()
	reuse := b.eof && b.keepAlive && !canceled && b.br.Buffered() == 0
	putReader(b.br)
	if reuse {
		b.pool.release(b.peer, b.pc)
		return nil
	}
	b.pc.Close()
	b.pool.release(b.peer, nil)
	return nil
}

// readers are the bufio.Readers calls read replies through: a connection
// holds one only during a call, so ten thousand idle connections hold none.
var readers sync.Pool

func getReader(r io.Reader) *bufio.Reader {
	if br, ok := readers.Get().(*bufio.Reader); ok {
		br.Reset(r)
		return br
	}
	return bufio.NewReaderSize(r, 4<<10)
}

func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}
