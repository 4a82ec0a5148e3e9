package limiter

// outbox holds the messages waiting for one target: one FIFO per sender,
// served round-robin, bounded in total. It is plain data; the target's mutex
// guards it.
//
// Round-robin service bounds how long a quiet sender waits behind a flooding
// one (one flooder message per turn), and the overflow rule makes the flooder
// pay for its own flood: a full outbox drops the oldest message of the sender
// with the most messages queued.
type outbox struct {
	capacity int
	depth    int                  // messages queued, all senders
	bySender map[string]*subQueue // only senders with queued messages
	turns    fifo[*subQueue]      // the same sub-queues, in serving order
	spare    []*subQueue          // emptied sub-queues kept for reuse
}

// subQueue is one sender's messages in an outbox, oldest first.
type subQueue struct {
	sender string
	msgs   fifo[Message]
}

// maxSpare bounds the emptied sub-queues an outbox keeps, so senders that
// come and go do not cost an allocation each time.
const maxSpare = 4

func newOutbox(capacity int) outbox {
	return outbox{capacity: capacity, bySender: make(map[string]*subQueue)}
}

// push queues m. When the outbox is full it first drops one message (see
// outbox) and reports dropped; the depth then stays the same.
func (o *outbox) push(m Message) (dropped bool) {
	if o.depth >= o.capacity {
		o.dropOldestOfLargest(m.Sender)
		dropped = true
	}
	q := o.bySender[m.Sender]
	if q == nil {
		q = o.newSubQueue(m.Sender)
		o.bySender[m.Sender] = q
		o.turns.push(q)
	}
	q.msgs.push(m)
	o.depth++
	return dropped
}

// pop takes the next message in round-robin order over senders.
func (o *outbox) pop() (Message, bool) {
	if o.turns.len() == 0 {
		return Message{}, false
	}
	q := o.turns.pop()
	m := q.msgs.pop()
	o.depth--
	if q.msgs.len() > 0 {
		o.turns.push(q) // back of the line: the other senders go first
	} else {
		o.retire(q)
	}
	return m, true
}

// newest returns the queued message that Submit accepted last.
func (o *outbox) newest() (Message, bool) {
	var newest Message
	found := false
	for _, q := range o.bySender {
		if m := q.msgs.back(); !found || m.Seq > newest.Seq {
			newest, found = m, true
		}
	}
	return newest, found
}

// clear drops every queued message and returns how many there were.
func (o *outbox) clear() int {
	n := o.depth
	for o.turns.len() > 0 {
		q := o.turns.pop()
		q.msgs.clear()
		o.retire(q)
	}
	o.depth = 0
	return n
}

// dropOldestOfLargest drops the oldest message of the sender with the most
// queued messages. On a tie it prefers incoming, the sender about to add one,
// and otherwise the sender next in line.
func (o *outbox) dropOldestOfLargest(incoming string) {
	var victim *subQueue
	for i := range o.turns.len() {
		q := o.turns.at(i)
		if victim == nil || q.msgs.len() > victim.msgs.len() ||
			(q.msgs.len() == victim.msgs.len() && q.sender == incoming) {
			victim = q
		}
	}
	victim.msgs.pop()
	o.depth--
	if victim.msgs.len() > 0 {
		return
	}
	// Every sender had one message; take the victim out of the rotation
	// without disturbing the others' order.
	for range o.turns.len() {
		if q := o.turns.pop(); q != victim {
			o.turns.push(q)
		}
	}
	o.retire(victim)
}

func (o *outbox) newSubQueue(sender string) *subQueue {
	if n := len(o.spare); n > 0 {
		q := o.spare[n-1]
		o.spare = o.spare[:n-1]
		q.sender = sender
		return q
	}
	return &subQueue{sender: sender}
}

// retire forgets an emptied sub-queue, keeping it for reuse.
func (o *outbox) retire(q *subQueue) {
	delete(o.bySender, q.sender)
	if len(o.spare) < maxSpare {
		q.sender = ""
		o.spare = append(o.spare, q)
	}
}
