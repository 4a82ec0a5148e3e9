package rpc

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// ClientConfig configures a Client. DefaultClientConfig documents the defaults.
type ClientConfig struct {
	// Timeout bounds a whole call (connect, send, wait, read) when the
	// caller's context has no earlier deadline.
	Timeout time.Duration
	// DialTimeout bounds connecting.
	DialTimeout time.Duration
	// MaxResponseBytes caps a reply body, after gunzip when a peer gzips
	// uninvited.
	MaxResponseBytes int64
	// Limits bounds what the reply decoder accepts (nesting, counts).
	Limits Limits
	// MaxConnsPerHost caps the calls under way to one peer (one URL for
	// plain http, one host through net/http), each on a connection of its
	// own; MaxIdleConnsPerHost and MaxIdleConns bound the keep-alive pool.
	// As in net/http's Transport, 0 means no cap for MaxConnsPerHost and
	// MaxIdleConns, and 2 for MaxIdleConnsPerHost.
	MaxConnsPerHost     int
	MaxIdleConnsPerHost int
	MaxIdleConns        int
	// IdleConnTimeout closes pooled connections left unused this long.
	IdleConnTimeout time.Duration
	// UserAgent is sent with every call.
	UserAgent string
}

// DefaultClientConfig returns the defaults: 15 s per call, 5 s to connect,
// 1 MiB replies decoded under DefaultLimits, at most 8 connections and 4
// idle ones per peer, 4096 idle in all, closed after 90 s unused.
func DefaultClientConfig() ClientConfig {
	return ClientConfig{
		Timeout:             15 * time.Second,
		DialTimeout:         5 * time.Second,
		MaxResponseBytes:    1 << 20,
		Limits:              DefaultLimits(),
		MaxConnsPerHost:     8,
		MaxIdleConnsPerHost: 4,
		MaxIdleConns:        4096,
		IdleConnTimeout:     90 * time.Second,
		UserAgent:           "relayd",
	}
}

// Client calls XML-RPC methods on any number of peers. It is safe for
// concurrent use, keeps connections alive (its own pool for plain http,
// conns.go; net/http for https), never follows a redirect and never asks
// for compression. A call that meets a kept-alive connection the peer has
// just closed is sent again on a new one (see clientretry.go).
type Client struct {
	cfg   ClientConfig
	conns *connPool    // plain http
	hc    *http.Client // https and the URLs conns declines
	dial  func(ctx context.Context, network, addr string) (net.Conn, error)
}

// HTTPError is a reply whose HTTP status was not 200.
type HTTPError struct {
	Status int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("xml-rpc peer answered HTTP %d %s", e.Status, http.StatusText(e.Status))
}

// ErrResponseTooLarge is returned for a reply over MaxResponseBytes.
var ErrResponseTooLarge = errors.New("xml-rpc reply too large")

// NewClient returns a client with its own connection pool.
func NewClient(cfg ClientConfig) *Client {
	c := &Client{cfg: cfg, dial: (&net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}).DialContext}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) { return c.dial(ctx, network, addr) }
	c.conns = newConnPool(cfg, dial)
	tr := &http.Transport{
		Proxy:                 nil, // a daemon must not pick up a proxy from the environment
		DialContext:           dial,
		MaxConnsPerHost:       cfg.MaxConnsPerHost,
		MaxIdleConnsPerHost:   cfg.MaxIdleConnsPerHost,
		MaxIdleConns:          cfg.MaxIdleConns,
		IdleConnTimeout:       cfg.IdleConnTimeout,
		DisableCompression:    true,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	c.hc = &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c
}

// Close closes the idle connections. The client stays usable.
func (c *Client) Close() {
	c.conns.closeIdle()
	c.hc.CloseIdleConnections()
}

// Call calls method on the XML-RPC server at url and returns its result.
// A fault comes back as a *Fault; a status other than 200 as an
// *HTTPError; a reply that cannot be decoded wraps ErrMalformedResponse.
func (c *Client) Call(ctx context.Context, url, method string, params ...Value) (Value, error) {
	return c.Post(ctx, url, func(dst []byte) ([]byte, error) {
		b, err := AppendCall(dst, method, params)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", method, err)
		}
		return b, nil
	})
}

// Do posts an already encoded methodCall body (see AppendCall) and decodes
// the reply like Call. It lets a caller encode once and send to many. The
// client is done with body when Do returns.
func (c *Client) Do(ctx context.Context, url string, body []byte) (Value, error) {
	return c.post(ctx, url, body)
}

// Post is Do for a body that encode appends to a scratch buffer lent by
// the client (AppendCall, or AppendMulticallHead, items and tail). An error
// from encode is returned as it is, and nothing is sent.
func (c *Client) Post(ctx context.Context, url string, encode func(dst []byte) ([]byte, error)) (Value, error) {
	scratch := getBuffer()
	defer putBuffer(scratch)
	body, err := encode(scratch.b[:0])
	if err != nil {
		return Value{}, err
	}
	scratch.b = body
	return c.post(ctx, url, body)
}

func (c *Client) post(ctx context.Context, url string, body []byte) (Value, error) {
	// A caller's earlier deadline (the limiter's, the pinger's) already
	// bounds the call: a second timer per notify would only cost.
	if d, ok := ctx.Deadline(); c.cfg.Timeout > 0 && (!ok || time.Until(d) > c.cfg.Timeout) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	resp, err := c.send(ctx, url, body)
	if err != nil {
		return Value{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return Value{}, &HTTPError{Status: resp.StatusCode}
	}
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(io.LimitReader(resp.Body, c.cfg.MaxResponseBytes+1))
		if err != nil {
			return Value{}, fmt.Errorf("%w: corrupt gzip reply", ErrMalformedResponse)
		}
		defer zr.Close()
		r = zr
	}
	reply := getBuffer()
	defer putBuffer(reply) // the decoded Value copies what it keeps
	reply.b, err = readAtMost(reply.b[:0], r, c.cfg.MaxResponseBytes+1)
	if err != nil {
		return Value{}, fmt.Errorf("read reply: %w", err)
	}
	if int64(len(reply.b)) > c.cfg.MaxResponseBytes {
		return Value{}, fmt.Errorf("%w: over %d bytes", ErrResponseTooLarge, c.cfg.MaxResponseBytes)
	}
	return DecodeResponse(reply.b, c.cfg.Limits)
}

// readAtMost appends what r yields to dst, up to max bytes, like io.ReadAll
// on an io.LimitReader but into a buffer the caller reuses.
func readAtMost(dst []byte, r io.Reader, max int64) ([]byte, error) {
	for int64(len(dst)) < max {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)] // let append pick the growth
		}
		room := min(int64(cap(dst)-len(dst)), max-int64(len(dst)))
		n, err := r.Read(dst[len(dst) : len(dst)+int(room)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
	return dst, nil
}
