package rpc

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
)

// The client's buffers: every call encodes its request into a buffer and
// reads its reply into another, and both go back to a pool, so a relay that
// makes thousands of calls a second does not make garbage of them.

// buffer is a reusable byte slice. borrowed marks one the caller of Do owns,
// which never enters the pool.
type buffer struct {
	b        []byte
	borrowed bool
}

var buffers = sync.Pool{New: func() any { return &buffer{b: make([]byte, 0, 1024)} }}

// maxPooledBuffer is the largest buffer kept for reuse: one huge call must
// not pin its memory in the pool.
const maxPooledBuffer = 64 << 10

func getBuffer() *buffer { return buffers.Get().(*buffer) }

func putBuffer(buf *buffer) {
	if buf.borrowed || cap(buf.b) > maxPooledBuffer {
		return
	}
	buf.b = buf.b[:0]
	buffers.Put(buf)
}

// requestBody is a call's body on its way out. The transport may still be
// writing it after Do returned (a peer can answer before it has read the
// whole request) and closes it when it is done, also on errors; while Do
// runs, http.Client may read it again through reopen (a retry on a fresh
// connection, or a redirect it is about to refuse). So the buffer goes back
// to the pool only when Do has returned (done) and every reader of it has
// been closed. A reader is never reused, so a second Close of it cannot
// release the buffer twice.
type requestBody struct {
	bytes.Reader
	root   *requestBody // the call's first reader, which holds the count
	closed atomic.Bool

	// On the root only:
	buf  *buffer
	open atomic.Int32 // readers not closed yet, plus one until done
}

func newRequestBody(buf *buffer) *requestBody {
	rb := &requestBody{buf: buf}
	rb.root = rb
	rb.open.Store(2) // this reader, and the call until done
	rb.Reset(buf.b)
	return rb
}

// reopen is the request's GetBody: the same bytes from the start. It is
// only called while Do runs, so the buffer is still held.
func (rb *requestBody) reopen() (io.ReadCloser, error) {
	root := rb.root
	root.open.Add(1)
	again := &requestBody{root: root}
	again.Reset(root.buf.b)
	return again, nil
}

// Close releases the buffer if it is the last holder.
func (rb *requestBody) Close() error {
	if rb.closed.CompareAndSwap(false, true) {
		rb.root.release()
	}
	return nil
}

// done tells the body that Do has returned: reopen cannot run any more.
func (rb *requestBody) done() { rb.root.release() }

func (rb *requestBody) release() {
	if rb.open.Add(-1) == 0 {
		putBuffer(rb.buf)
	}
}
