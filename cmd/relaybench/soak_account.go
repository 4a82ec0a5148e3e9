package main

import (
	"fmt"
	"sync"
)

// receipts is what one soak satellite received, by relay instance, and
// whether each sender's messages arrived in order.
type receipts struct {
	mu         sync.Mutex
	lastSeq    map[string]int64 // per sender, the last sequence number seen
	perInst    map[int64]int64  // notifications of ours received, by relay instance
	outOfOrder int64            // a sequence number not above the sender's last: a duplicate or a reordering
	foreign    int64            // notifications whose data was not one of ours
}

func newReceipts() *receipts {
	return &receipts{lastSeq: map[string]int64{}, perInst: map[int64]int64{}}
}

// add records one notification; it is a fakeSat's onMessage.
func (r *receipts) add(sender string, m message, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !ok {
		r.foreign++
		return
	}
	if m.Seq <= r.lastSeq[sender] {
		r.outOfOrder++
	} else {
		r.lastSeq[sender] = m.Seq
	}
	r.perInst[m.Inst]++
}

func (r *receipts) received(inst int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.perInst[inst]
}

// acceptedLog counts relay.relay calls accepted, by sender and relay
// instance.
type acceptedLog struct {
	mu sync.Mutex
	n  map[string]map[int64]int64
}

func newAcceptedLog() *acceptedLog { return &acceptedLog{n: map[string]map[int64]int64{}} }

func (a *acceptedLog) add(sender string, inst int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n[sender] == nil {
		a.n[sender] = map[int64]int64{}
	}
	a.n[sender][inst]++
}

// toward is how many messages instance inst accepted that receiver was
// owed: those of every sender but itself.
func (a *acceptedLog) toward(receiver string, inst int64) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	var n int64
	for sender, byInst := range a.n {
		if sender != receiver {
			n += byInst[inst]
		}
	}
	return n
}

// inInstance is every message instance inst accepted.
func (a *acceptedLog) inInstance(inst int64) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	var n int64
	for _, byInst := range a.n {
		n += byInst[inst]
	}
	return n
}

// satAccount is one stable satellite's books for one relay instance.
type satAccount struct {
	HostID      string `json:"host_id"`
	Owed        int64  `json:"owed"`         // messages of other senders the instance accepted
	Received    int64  `json:"received"`     // of them, notifications that arrived
	Dropped     int64  `json:"dropped"`      // the relay's count for it
	NotifyFails int64  `json:"notify_fails"` // the relay's count for it
	QueueDepth  int64  `json:"queue_depth"`  // queued for it when the snapshot was taken
	Lost        int64  `json:"lost"`         // owed - received - dropped - fails (a failed notify may have arrived: down to -fails is fine)
}

// inflightSlack is how many notifications to one satellite may be neither
// queued nor done when a relay is killed: one request in flight, which a
// batching relay may fill with up to 32.
const inflightSlack = 32

// checkAccount applies the delivery rule to one satellite's books. Lost
// is owed - received - dropped - failed, and a failed notify may still
// have arrived (the satellite got it; its answer came too late), so
// Lost is at least -NotifyFails when every notification is accounted
// for. After a clean stop nothing may be lost beyond that: Lost <= 0.
// After a kill, what was lost must have been queued when the relay died
// (its outbox, the intake, one request in flight). Lost below
// -NotifyFails is always wrong: a duplicate, or a message from nowhere.
func checkAccount(a satAccount, killed bool, intakeDepth int64) []string {
	switch {
	case a.Lost < -a.NotifyFails:
		return []string{fmt.Sprintf("%s received %d more notifications than it was owed less those dropped (failed ones counted as arrived)", a.HostID, -a.NotifyFails-a.Lost)}
	case !killed && a.Lost > 0:
		return []string{fmt.Sprintf("%s: %d of %d messages neither arrived nor were counted as dropped or failed", a.HostID, a.Lost, a.Owed)}
	case killed && a.Lost > a.QueueDepth+intakeDepth+inflightSlack:
		return []string{fmt.Sprintf("%s: %d messages lost in the kill, more than were queued (%d for it, %d in the intake, %d in flight)", a.HostID, a.Lost, a.QueueDepth, intakeDepth, inflightSlack)}
	}
	return nil
}
