// Package limiter is the relay's fan-out: it takes the messages that satellites
// relay, paces them, and hands each one to every other registered satellite
// through a Deliver function, one goroutine ("pump") per satellite.
//
// The way a message travels:
//
//	Submit -> intake (one FIFO per sender) -> dispatcher (round-robin over
//	senders, paced by golang.org/x/time/rate) -> the outbox of every target
//	except the sender (one FIFO per sender inside, served round-robin) ->
//	that target's pump -> Deliver(ctx with a deadline, target, batch of 1..N)
//
// The Limiter owns the intake, the outboxes and every goroutine it starts. It
// does not know what a satellite is: the caller registers targets by id
// (AddTarget, RemoveTarget), reports liveness (MarkUp), says how many
// messages a target takes per call (SetBatch) and supplies Deliver. It
// imports no other package of the relay.
//
// # Contract for the caller
//
//  1. Build the Config from DefaultConfig and change what you need. New does
//     not fill in zero fields; it panics on a Config that Validate rejects
//     (check flags with Config.Validate first to report a friendly error).
//  2. Call Run exactly once, in a goroutine you own. Run returns only after
//     every goroutine the Limiter started has exited.
//  3. Deliver must return soon after its ctx is done, must not modify a
//     message's Payload (one payload is shared by every target) nor keep the
//     batch slice (the pump reuses it), and may block for as long as the
//     satellite takes: calls for one target never overlap, calls for
//     different targets run concurrently. OneByOne adapts a function that
//     delivers one message per call.
//  4. To shut down, call Drain with a deadline, then cancel Run's context.
//
// # Guarantees
//
// Submit never blocks. It fails with an error wrapping ErrQueueFull when the
// sender's intake queue (SenderQueue) or the whole intake (IntakeSize) is full;
// the caller may retry. It fails with ErrClosed once Drain has begun or Run
// has returned. Each accepted message gets the next sequence number (Seq).
//
// Ordering: each target receives the messages of one sender in the order
// Submit accepted them. Drops leave gaps, they never reorder. There is no
// order between different senders, and no sender receives its own messages.
//
// Fairness: the dispatcher takes one message per sender per turn, and each
// pump takes one message per sender per turn. So at each stage a message
// waits for at most one message of every other sender with messages queued
// (plus, at the pump, the delivery already in flight), however many that
// sender has queued: a flooding sender cannot starve a quiet one. A batch is
// the next messages in that same order, so batching changes neither order
// nor fairness. Rate (whole relay) and SenderRate (each sender) pace the
// dispatcher; a sender over its rate is skipped, never waited for, while
// others have messages.
//
// Isolation: enqueueing into an outbox never blocks, so a slow or dead
// satellite only fills its own outbox.
//
// # Batching
//
// A target's batch size is 1 until SetBatch raises it. Its pump then takes
// up to that many messages per Deliver call, with one deadline
// (DeliverTimeout) for the call. Deliver answers for the whole batch (nil:
// all delivered; an error: all failed, as when the target cannot be
// reached) or for each message (ItemErrors). Statistics count messages:
// Delivered, NotifyFails and Dropped grow by one per message, whatever the
// batch. ConsecutiveFails counts calls: a call in which no message was
// delivered counts once toward SuspectAfter, however many it held, and a
// call that delivered any message resets the count.
//
// # Drop policy
//
// Delivery is at most once: a message whose delivery failed is counted
// (NotifyFails) and not retried, except for the suspect retry below. Every message a target loses is
// counted in its Dropped:
//   - Outbox overflow: a full outbox drops the oldest message of the sender
//     that has the most messages queued there, so a flooding sender loses its
//     own messages and not a quiet sender's.
//   - Suspect targets: see below.
//   - A delivery cut short because the target was removed or Run stopped.
//
// Drops are logged at Warn at most once per second per target.
//
// # Suspect policy
//
// After SuspectAfter consecutive failed Deliver calls a target becomes suspect:
// its outbox is emptied (counted as dropped) except the newest message, which
// is kept aside, and the pump stops calling Deliver for it. While it is
// suspect, each message dispatched to it replaces the one kept aside (the
// replaced one is dropped), and every SuspectRetry the pump delivers the kept
// message once, alone; on success the target is up again. A failed retry keeps the
// message for the next retry unless a newer one has arrived. MarkUp (a ping
// succeeded) makes a suspect target up at once and queues the kept message.
// MarkUp does nothing to a target that is up: a ping does not prove that
// notify works.
package limiter
