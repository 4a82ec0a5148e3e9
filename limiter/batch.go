package limiter

import (
	"context"
	"errors"
	"strconv"
)

// Batching: a target whose Deliver can carry several messages in one call
// (relayd sends them in one system.multicall) gets a batch size above 1 with
// SetBatch. Its pump then hands Deliver up to that many messages at once,
// taken from the outbox in the usual round-robin order, so the order per
// sender and the fairness between senders are what they are one by one; only
// the number of calls changes.

// ItemErrors is what Deliver returns when the target answered for each
// message of the batch separately and at least one failed: one entry per
// message, in batch order, nil for a message that was delivered. Each failed
// message counts in NotifyFails; the call counts toward SuspectAfter only if
// no message of it was delivered. An ItemErrors whose length is not the
// batch's fails the whole batch.
type ItemErrors []error

func (e ItemErrors) Error() string {
	failed := 0
	var first error
	for _, err := range e {
		if err != nil {
			if first == nil {
				first = err
			}
			failed++
		}
	}
	msg := strconv.Itoa(failed) + " of " + strconv.Itoa(len(e)) + " messages failed"
	if first != nil {
		msg += ", the first with: " + first.Error()
	}
	return msg
}

// OneByOne returns a Deliver for a caller that delivers one message per
// call: it calls deliver for each message of the batch in order, and reports
// a failure of one of several messages as ItemErrors, so each message counts
// for itself. With a batch size of 1 (the default) it is deliver itself.
func OneByOne(deliver func(ctx context.Context, target string, msg Message) error) Deliver {
	return func(ctx context.Context, target string, batch []Message) error {
		if len(batch) == 1 {
			return deliver(ctx, target, batch[0])
		}
		var errs ItemErrors
		for i, m := range batch {
			if err := deliver(ctx, target, m); err != nil {
				if errs == nil {
					errs = make(ItemErrors, len(batch))
				}
				errs[i] = err
			}
		}
		if errs == nil {
			return nil
		}
		return errs
	}
}

// SetBatch sets the most messages target's pump hands Deliver in one call;
// n below 1 counts as 1, which is the default and means no batching. It
// takes effect from the next call. Unknown ids are ignored; a target removed
// and added again starts at 1.
func (l *Limiter) SetBatch(id string, n int) {
	t := l.target(id)
	if t == nil {
		return
	}
	t.mu.Lock()
	t.batch = max(n, 1)
	t.mu.Unlock()
}

// outcome is what one Deliver call did, message by message.
type outcome struct {
	delivered, failed, lost int
	firstFailed             int   // index in the batch of the first failed message, -1 if none
	newestFailed            int   // index of the failed message Submit accepted last, -1 if none
	err                     error // the batch's error, or the first message's own
}

// judge sorts the messages of a Deliver call that returned err. stopped
// means the pump's context ended: a message that was not delivered is then
// lost (not the target's fault), not failed.
func judge(batch []Message, err error, stopped bool) outcome {
	o := outcome{firstFailed: -1, newestFailed: -1, err: err}
	if err == nil {
		o.delivered = len(batch)
		return o
	}
	var items ItemErrors
	perItem := errors.As(err, &items) && len(items) == len(batch)
	for i, m := range batch {
		var itemErr error = err
		if perItem {
			itemErr = items[i]
		}
		switch {
		case itemErr == nil:
			o.delivered++
		case stopped:
			o.lost++
		default:
			o.failed++
			if o.firstFailed < 0 {
				o.firstFailed, o.err = i, itemErr
			}
			if o.newestFailed < 0 || m.Seq > batch[o.newestFailed].Seq {
				o.newestFailed = i
			}
		}
	}
	return o
}
