package rpc

import "sync"

// The client's buffers: every call encodes its request in a scratch buffer
// and reads its reply into another, and both go back to a pool, so a relay
// that makes thousands of calls a second makes little garbage of them.

// buffer is a reusable byte slice.
type buffer struct {
	b []byte
}

var buffers = sync.Pool{New: func() any { return &buffer{b: make([]byte, 0, 1024)} }}

// maxPooledBuffer is the largest buffer kept for reuse: one huge call must
// not pin its memory in the pool.
const maxPooledBuffer = 64 << 10

func getBuffer() *buffer { return buffers.Get().(*buffer) }

func putBuffer(buf *buffer) {
	if cap(buf.b) > maxPooledBuffer {
		return
	}
	buf.b = buf.b[:0]
	buffers.Put(buf)
}
