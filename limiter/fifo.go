package limiter

// fifo is an unbounded ring-buffer queue; the callers enforce the bounds. Its
// buffer grows by doubling and is released when the queue empties if it has
// grown past keptCapacity, so a burst does not pin memory for ever while a
// queue that a pump keeps near empty never allocates. Not safe for concurrent
// use.
type fifo[T any] struct {
	buf  []T // len(buf) is 0 or a power of two
	head int
	n    int
}

// keptCapacity is the largest buffer an empty fifo keeps.
const keptCapacity = 16

func (q *fifo[T]) len() int { return q.n }

func (q *fifo[T]) push(v T) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = v
	q.n++
}

// pop removes and returns the oldest element. The queue must not be empty.
func (q *fifo[T]) pop() T {
	var zero T
	v := q.buf[q.head]
	q.buf[q.head] = zero // let the garbage collector have the payload
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	if q.n == 0 {
		q.head = 0
		if len(q.buf) > keptCapacity {
			q.buf = nil
		}
	}
	return v
}

// back returns the newest element. The queue must not be empty.
func (q *fifo[T]) back() T {
	return q.buf[(q.head+q.n-1)&(len(q.buf)-1)]
}

// at returns the i-th oldest element, 0 <= i < len().
func (q *fifo[T]) at(i int) T {
	return q.buf[(q.head+i)&(len(q.buf)-1)]
}

// clear empties the queue and returns how many elements it held.
func (q *fifo[T]) clear() int {
	n := q.n
	for q.n > 0 {
		q.pop()
	}
	return n
}

func (q *fifo[T]) grow() {
	size := 2 * len(q.buf)
	if size == 0 {
		size = 4
	}
	buf := make([]T, size)
	for i := range q.n {
		buf[i] = q.at(i)
	}
	q.buf, q.head = buf, 0
}
