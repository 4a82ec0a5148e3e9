package guard

import (
	"net"
	"sync"
	"sync/atomic"
)

// LimitListener is a net.Listener that holds at most Max connections open
// at once. A connection beyond is accepted and closed at once, and
// counted: the client learns right away (its read ends) instead of waiting
// in the kernel's backlog, and the server keeps accepting, so a slot that
// frees is used by the next caller. Max <= 0 means no limit (connections
// are still counted).
type LimitListener struct {
	net.Listener
	max     int64
	open    atomic.Int64
	refused atomic.Uint64
}

// NewLimitListener wraps ln so that at most max connections are open at once.
func NewLimitListener(ln net.Listener, max int) *LimitListener {
	return &LimitListener{Listener: ln, max: int64(max)}
}

// Accept returns the next connection within the limit, closing those
// beyond it as they come.
func (l *LimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if n := l.open.Add(1); l.max > 0 && n > l.max {
			l.open.Add(-1)
			l.refused.Add(1)
			c.Close()
			continue
		}
		return &countedConn{Conn: c, release: func() { l.open.Add(-1) }}, nil
	}
}

// Open is the number of connections open now.
func (l *LimitListener) Open() int { return int(l.open.Load()) }

// Refused counts the connections closed for being beyond the limit.
func (l *LimitListener) Refused() uint64 { return l.refused.Load() }

// countedConn gives its slot back when it is closed, once however often
// Close is called.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite half-closes a TCP connection, as net/http does before it
// closes a connection whose request it refused, so that the client reads
// the reply instead of a reset.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
