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
