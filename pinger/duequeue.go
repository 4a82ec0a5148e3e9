package pinger

import "container/heap"

// dueQueue is a min-heap of the schedule's entries by due time, then by
// target so that pings due at the same moment go out in a stable order. It
// holds every current entry, busy or not: a busy entry that comes due is
// moved to its next slot like any other (it skips the round), which keeps
// the earliest due ping at the top in O(1) and every move in O(log n).
type dueQueue []*entry

var _ heap.Interface = (*dueQueue)(nil)

func (q dueQueue) Len() int { return len(q) }

func (q dueQueue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].target < q[j].target
}

func (q dueQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}

// Push and Pop are for container/heap only; use heap.Push and heap.Pop.
func (q *dueQueue) Push(x any) {
	e := x.(*entry)
	e.index = len(*q)
	*q = append(*q, e)
}

func (q *dueQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.index = -1
	*q = old[:len(old)-1]
	return e
}

// earliest is the entry due first; the queue must not be empty.
func (q dueQueue) earliest() *entry { return q[0] }
