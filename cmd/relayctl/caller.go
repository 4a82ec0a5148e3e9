package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/kolo/xmlrpc"
)

// maxReply caps a reply body: a relay's biggest answer (every method's
// help, a hundred satellites' props) is far smaller.
const maxReply = 16 << 20

// caller makes XML-RPC calls with kolo/xmlrpc's encoder and decoder over
// an HTTP client with deadlines (kolo's own Client has none, and turns
// faults into plain strings).
type caller struct {
	url     string
	timeout time.Duration
	http    *http.Client
}

func newCaller(url string, dialTimeout, timeout time.Duration) *caller {
	tr := &http.Transport{
		Proxy:                 nil, // an admin tool talks to the relay it is told, not a proxy
		DialContext:           (&net.Dialer{Timeout: dialTimeout}).DialContext,
		TLSHandshakeTimeout:   dialTimeout,
		ResponseHeaderTimeout: timeout,
		DisableCompression:    true,
	}
	return &caller{url: url, timeout: timeout, http: &http.Client{Transport: tr, Timeout: timeout}}
}

// call calls method with params and returns the reply decoded into Go
// values (struct: map[string]any, array: []any, dateTime: time.Time,
// base64: its text). A fault comes back as xmlrpc.FaultError.
func (c *caller) call(method string, params ...any) (any, error) {
	req, err := xmlrpc.NewRequest(c.url, method, params)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the call: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		return nil, c.unreachable(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	if err != nil {
		return nil, c.unreachable(err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the relay at %s answered HTTP %s", c.url, resp.Status)
	}
	if len(body) > maxReply {
		return nil, fmt.Errorf("the relay's reply is over %d bytes", maxReply)
	}
	if !bytes.Contains(body, []byte("<methodResponse")) {
		return nil, fmt.Errorf("the server at %s is not an XML-RPC relay (no methodResponse in its reply)", c.url)
	}
	reply := xmlrpc.Response(body)
	if err := reply.Err(); err != nil {
		var fault xmlrpc.FaultError
		if errors.As(err, &fault) {
			return nil, fault
		}
		return nil, fmt.Errorf("the relay's reply could not be read: %w", err)
	}
	var v any
	if err := reply.Unmarshal(&v); err != nil {
		return nil, fmt.Errorf("the relay's reply could not be read: %w", err)
	}
	return v, nil
}

// unreachable words a transport error plainly.
func (c *caller) unreachable(err error) error {
	var op *net.OpError
	var ne net.Error
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("cannot reach the relay at %s: %w", c.url, err)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("the relay at %s did not answer within %v", c.url, c.timeout)
	default:
		return fmt.Errorf("cannot reach the relay at %s: %w", c.url, err)
	}
}
