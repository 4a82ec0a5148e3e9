package main

import (
	"bytes"
	"strconv"
	"time"
)

// A lean satellite reads a notification without an XML decoder: on one
// 2-core machine, satellites that decode every notification with
// encoding/xml spend more CPU than the relay does to send it, and so they,
// not the relay, would cap what a batching relay delivers. The scan relies
// on relayd's own encoder (rpc.AppendCall and the multicall encoder write
// members in order, without whitespace); anything it does not recognise is
// decoded in full instead.

// scanned is one notification found by scanCall.
type scanned struct {
	Sender string
	Msg    message
	OK     bool // the data was one of ours
}

var (
	methodNameTag = []byte("<methodName>")
	hostIDKey     = []byte("<name>host_id</name>")
	stringTag     = []byte("<string>")
	stringEnd     = []byte("</string>")
)

// scanCall finds the method of body and, for notify or system.multicall,
// every notification in it. ok is false when body is not what the scan
// understands.
func scanCall(body []byte) (method string, notes []scanned, ok bool) {
	method, ok = between(body, methodNameTag, []byte("</methodName>"))
	if !ok || (method != "notify" && method != "system.multicall") {
		return method, nil, false
	}
	rest := body
	for {
		i := bytes.Index(rest, hostIDKey)
		if i < 0 {
			break
		}
		rest = rest[i+len(hostIDKey):]
		if n, after, ok := scanNote(rest); ok {
			notes = append(notes, n)
			rest = after
			continue
		}
		// This notification runs to the next host_id, or to the end.
		seg := rest
		if j := bytes.Index(rest, hostIDKey); j >= 0 {
			seg = rest[:j]
		}
		sender, found := between(seg, stringTag, stringEnd)
		if !found {
			return method, nil, false
		}
		n := scanned{Sender: sender}
		seq, ok1 := intMember(seg, "seq")
		sent, ok2 := intMember(seg, "sent")
		inst, _ := intMember(seg, "inst")
		if ok1 && ok2 {
			n.Msg, n.OK = message{Seq: seq, Sent: time.Duration(sent), Inst: inst}, true
		}
		notes = append(notes, n)
	}
	if len(notes) == 0 || (method == "notify" && len(notes) != 1) {
		return method, nil, false
	}
	return method, notes, true
}

// between is the text of b between the first open and the close after it.
func between(b, open, close []byte) (string, bool) {
	i := bytes.Index(b, open)
	if i < 0 {
		return "", false
	}
	b = b[i+len(open):]
	j := bytes.Index(b, close)
	if j < 0 {
		return "", false
	}
	return string(b[:j]), true
}

// intMember reads the integer of member name in seg: after
// <name>NAME</name><value><TYPE>, up to the next '<'.
func intMember(seg []byte, name string) (int64, bool) {
	key := []byte("<name>" + name + "</name><value><")
	i := bytes.Index(seg, key)
	if i < 0 {
		return 0, false
	}
	seg = seg[i+len(key):]
	gt := bytes.IndexByte(seg, '>')
	if gt < 0 {
		return 0, false
	}
	seg = seg[gt+1:]
	lt := bytes.IndexByte(seg, '<')
	if lt < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(seg[:lt]), 10, 64)
	return n, err == nil
}

// The layout relayd's encoder gives a notification of ours after its
// host_id key: scanNote reads it in one pass, where the search above
// reads each notification several times over.
const (
	senderHead = "<value><string>"
	dataHead   = "</string></value></member><member><name>data</name><value><struct>"
	memberEnd  = "</member>"
)

var (
	seqKey  = []byte("<member><name>seq</name><value><")
	sentKey = []byte("<member><name>sent</name><value><")
	instKey = []byte("<member><name>inst</name><value><")
)

// scanNote reads the notification at the start of rest (just after its
// host_id key) when it is laid out exactly as relayd's encoder writes one
// of ours: the sender, then data's seq, sent and inst in that order. It
// returns what follows inst; false means another layout, for the search.
func scanNote(rest []byte) (n scanned, after []byte, ok bool) {
	rest, ok = bytes.CutPrefix(rest, []byte(senderHead))
	if !ok {
		return n, nil, false
	}
	end := bytes.IndexByte(rest, '<')
	if end < 0 {
		return n, nil, false
	}
	sender := rest[:end]
	if rest, ok = bytes.CutPrefix(rest[end:], []byte(dataHead)); !ok {
		return n, nil, false
	}
	var seq, sent, inst int64
	if seq, rest, ok = intMemberAt(rest, seqKey); !ok {
		return n, nil, false
	}
	if sent, rest, ok = intMemberAt(rest, sentKey); !ok {
		return n, nil, false
	}
	if inst, rest, ok = intMemberAt(rest, instKey); !ok {
		return n, nil, false
	}
	return scanned{Sender: string(sender), Msg: message{Seq: seq, Sent: time.Duration(sent), Inst: inst}, OK: true}, rest, true
}

// intMemberAt reads the integer member that starts b with key (up to the
// value's type tag) and returns what follows the member.
func intMemberAt(b, key []byte) (int64, []byte, bool) {
	b, ok := bytes.CutPrefix(b, key)
	if !ok {
		return 0, nil, false
	}
	gt := bytes.IndexByte(b, '>')
	if gt < 0 {
		return 0, nil, false
	}
	b = b[gt+1:]
	lt := bytes.IndexByte(b, '<')
	if lt < 0 {
		return 0, nil, false
	}
	v, err := strconv.ParseInt(string(b[:lt]), 10, 64)
	end := bytes.Index(b[lt:], []byte(memberEnd))
	if err != nil || end < 0 {
		return 0, nil, false
	}
	return v, b[lt+end+len(memberEnd):], true
}
