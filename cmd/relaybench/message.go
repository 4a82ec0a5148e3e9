package main

import (
	"strings"
	"time"

	"relayd/rpc"
)

// message is what a sender puts in relay.relay's data and a receiver reads
// back from notify: {seq: int, sent: int, inst: int, pad: string}.
type message struct {
	Seq  int64         // the sender's sequence number, from 1
	Sent time.Duration // when it was sent, since the run's epoch
	Inst int64         // the relay instance it was sent to (the soak's restarts)
}

// data is m as relay.relay's data, with size bytes of padding.
func (m message) data(pad string) rpc.Value {
	return rpc.Struct(
		rpc.Member{Name: "seq", Value: rpc.Int(m.Seq)},
		rpc.Member{Name: "sent", Value: rpc.Int(int64(m.Sent))},
		rpc.Member{Name: "inst", Value: rpc.Int(m.Inst)},
		rpc.Member{Name: "pad", Value: rpc.String(pad)},
	)
}

// readMessage reads a message back from notify's data; false when data is
// not one of ours.
func readMessage(data rpc.Value) (message, bool) {
	seq, _, err1 := rpc.IntMember(data, "seq", true)
	sent, _, err2 := rpc.IntMember(data, "sent", true)
	inst, _, err3 := rpc.IntMember(data, "inst", false)
	if data.Kind != rpc.KindStruct || err1 != nil || err2 != nil || err3 != nil {
		return message{}, false
	}
	return message{Seq: seq, Sent: time.Duration(sent), Inst: inst}, true
}

// padding is size bytes of text for a message's pad member.
func padding(size int) string { return strings.Repeat("x", max(size, 0)) }
