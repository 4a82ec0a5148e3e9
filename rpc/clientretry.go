package rpc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"syscall"
)

// A pooled keep-alive connection can be closed by the peer at any moment
// while it is idle: a restart, an idle timeout. If the client picks it just
// then, its call fails with EOF, a reset or a broken pipe before any byte
// of a reply, and net/http retries that only for idempotent requests,
// which a POST is not. But a peer that closes an idle connection has not
// read what arrives after, so the call was not processed: send sends it
// once more on a new connection (as OkHttp does for a recycled
// connection). The one case where that repeats a processed call is a peer
// that read a call, crashed before answering, and is up again at once.

// send posts body to url and returns the response, retrying once as above:
// on the client's own pool for a plain-http URL (conns.go), through
// net/http for any other.
func (c *Client) send(ctx context.Context, url string, body []byte) (*http.Response, error) {
	if resp, handled, err := c.conns.roundTrip(ctx, url, body); handled {
		return resp, err
	}
	for attempt := 1; ; attempt++ {
		var conn connTrace
		// net/http writes headers and body in one packet only for a body
		// it knows to be in memory, like a *bytes.Reader (which also gives
		// it ContentLength and GetBody), and it may still be sending when
		// the reply is in, so the request gets its own copy: the caller's
		// is a pooled buffer.
		req, err := http.NewRequestWithContext(conn.with(ctx), http.MethodPost, url, bytes.NewReader(bytes.Clone(body)))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "text/xml")
		req.Header.Set("User-Agent", c.cfg.UserAgent)
		resp, err := c.hc.Do(req)
		if err == nil || attempt > 1 || ctx.Err() != nil || !conn.closedUnread(err) {
			return resp, err
		}
	}
}

// connTrace records what a call's connection did, from net/http's trace
// hooks (which may run on the transport's goroutines).
type connTrace struct {
	reused    atomic.Bool // the connection came from the idle pool
	replied   atomic.Bool // a byte of the response arrived
	traceHook httptrace.ClientTrace
}

func (t *connTrace) with(ctx context.Context) context.Context {
	t.traceHook = httptrace.ClientTrace{
		GotConn:              func(info httptrace.GotConnInfo) { t.reused.Store(info.Reused) },
		GotFirstResponseByte: func() { t.replied.Store(true) },
	}
	return httptrace.WithClientTrace(ctx, &t.traceHook)
}

// closedUnread reports whether err is a pooled connection found closed by
// the peer before any of the reply arrived.
func (t *connTrace) closedUnread(err error) bool {
	return closedUnread(t.reused.Load(), t.replied.Load(), err)
}

// closedUnread reports whether a call failed with err on a connection that
// was reused from the pool and found closed by the peer before any of the
// reply arrived.
func closedUnread(reused, replied bool, err error) bool {
	return reused && !replied &&
		(errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE))
}
