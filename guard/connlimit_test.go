package guard

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// holdServer accepts from ln and holds each connection open until its
// client closes it; it stops when the test ends.
func holdServer(t *testing.T, ln net.Listener) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				io.Copy(io.Discard, c) // until the client closes
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer reports whether the server closed c (its read ends with
// EOF or a reset rather than a timeout).
func closedByServer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
}

func TestLimitListenerClosesConnectionsBeyondTheMaximum(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewLimitListener(inner, 2)
	holdServer(t, ln)
	addr := inner.Addr().String()

	first, _ := dial(t, addr), dial(t, addr)
	eventually(t, "two connections open", func() bool { return ln.Open() == 2 })
	third := dial(t, addr)
	if !closedByServer(third) {
		t.Fatal("the third connection was not closed")
	}
	if ln.Refused() != 1 || ln.Open() != 2 {
		t.Fatalf("refused %d open %d, want 1 and 2", ln.Refused(), ln.Open())
	}

	first.Close() // frees a slot once the server side closes too
	eventually(t, "a slot to free", func() bool { return ln.Open() == 1 })
	dial(t, addr)
	eventually(t, "the new connection to be held", func() bool { return ln.Open() == 2 })
	if ln.Refused() != 1 {
		t.Fatalf("refused %d, want still 1", ln.Refused())
	}
}

func TestCountedConnReleasesOnce(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewLimitListener(inner, 0) // no limit, still counted
	defer ln.Close()
	dial(t, inner.Addr().String())
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if ln.Open() != 1 {
		t.Fatalf("open %d, want 1", ln.Open())
	}
	c.Close()
	c.Close()
	if ln.Open() != 0 {
		t.Fatalf("open %d after closing twice, want 0", ln.Open())
	}
}
