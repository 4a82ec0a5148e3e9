//go:build unix

package rpc

import (
	"net"
	"syscall"
	"testing"
	"time"
)

// An idle connection keeps the deadline of its last call, long past when
// it is next taken; that must not make it look closed. And a connection the
// peer closed, or one with bytes waiting, is not quiet.
func TestQuiet(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	c.SetDeadline(longAgo)
	if !quiet(c) {
		t.Error("an open connection past its last deadline is not quiet")
	}
	peer.Write([]byte("x"))
	waitReadable(t, c)
	if quiet(c) {
		t.Error("a connection with a byte waiting is quiet")
	}
	var b [1]byte
	c.Read(b[:])
	peer.Close()
	waitReadable(t, c)
	if quiet(c) {
		t.Error("a connection its peer closed is quiet")
	}
}

// waitReadable waits until c has a byte or an end of stream to read, and
// leaves it with a deadline in the past again.
func waitReadable(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, errno := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return errno != syscall.EAGAIN
	})
	if err != nil {
		t.Fatalf("nothing to read: %v", err)
	}
	c.SetDeadline(longAgo)
}
