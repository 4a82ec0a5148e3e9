package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"relayd/rpc"
)

// maxNotifyBody caps what a fake satellite reads of one request.
const maxNotifyBody = 4 << 20

// Fixed replies, encoded once.
var (
	okReply   = mustResponse(rpc.String("OK"))
	pongReply = mustResponse(rpc.String("pong"))
)

func mustResponse(v rpc.Value) []byte {
	b, err := rpc.AppendResponse(nil, v)
	if err != nil {
		panic(err)
	}
	return b
}

// fakeSat is a satellite on 127.0.0.1 that answers notify with a fixed
// reply and counts and times what it receives. It decodes every call with
// rpc.DecodeCall, as a real Go satellite would. With multicall it lists
// system.multicall among its methods and answers it, so a batching relay
// may send it several notifications per request.
type fakeSat struct {
	delay     time.Duration    // waited per notification before answering (a slow satellite)
	multicall bool             // offer system.multicall
	lean      bool             // read notifications with scanCall, not rpc.DecodeCall (leanscan.go)
	meter     *meter           // the run's clock and phase
	lat       *latencyRecorder // nil: latency not recorded
	// onMessage, when set, sees every notification; it must not block.
	onMessage func(sender string, m message, ok bool)

	port   int    // fixed at the first start, kept across restarts
	hostID string // set by the caller once registered

	measured atomic.Uint64 // notifications received while measuring
	total    atomic.Uint64 // notifications received in all
	requests atomic.Uint64 // HTTP requests that carried notifications

	mu     sync.Mutex
	srv    *http.Server
	served chan struct{} // closed when the server's Serve returns
}

// start serves on 127.0.0.1 (a fresh port the first time, the same port
// afterwards). The Serve goroutine is owned by the fakeSat: stop ends it.
func (s *fakeSat) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(s.port))
	if err != nil {
		return err
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(ln)
	}()
	s.srv, s.served = srv, served
	return nil
}

// stop closes the listener and every connection, as a satellite process
// that dies would, and waits for the server to end.
func (s *fakeSat) stop() {
	s.mu.Lock()
	srv, served := s.srv, s.served
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
		<-served
	}
}

// ServeHTTP answers notify, system.multicall (when offered), ping and
// system.listMethods; anything else is fault -32601.
func (s *fakeSat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotifyBody))
	if err != nil {
		return
	}
	if s.lean && s.serveLean(r.Context(), w, body) {
		return
	}
	call, err := rpc.DecodeCall(body, rpc.DefaultLimits())
	if err != nil {
		s.reply(w, rpc.AppendFault(nil, asFault(err)))
		return
	}
	switch call.Method {
	case "notify":
		if err := s.notify(r.Context(), call.Params); err != nil {
			s.reply(w, rpc.AppendFault(nil, asFault(err)))
			return
		}
		s.requests.Add(1)
		s.reply(w, okReply)
	case "system.multicall":
		if !s.multicall {
			s.reply(w, rpc.AppendFault(nil, rpc.Faultf(rpc.CodeMethodNotFound, "no such method system.multicall")))
			return
		}
		s.requests.Add(1)
		s.reply(w, mustResponse(s.multicallNotify(r.Context(), call.Params)))
	case "ping":
		s.reply(w, pongReply)
	case "system.listMethods", "sys.listMethods", "co2.get_method_names":
		s.reply(w, mustResponse(rpc.Strings(s.methods())))
	default:
		s.reply(w, rpc.AppendFault(nil, rpc.Faultf(rpc.CodeMethodNotFound, "no such method %q", call.Method)))
	}
}

// serveLean answers a notify or system.multicall that scanCall
// understands; false leaves the request to the full decoder.
func (s *fakeSat) serveLean(ctx context.Context, w http.ResponseWriter, body []byte) bool {
	method, notes, ok := scanCall(body)
	if !ok || (method == "system.multicall" && !s.multicall) {
		return false
	}
	for _, n := range notes {
		if s.delay > 0 {
			wait(ctx, s.delay)
		}
		s.recordMessage(n.Sender, n.Msg, n.OK)
	}
	s.requests.Add(1)
	if method == "notify" {
		s.reply(w, okReply)
		return true
	}
	s.reply(w, multicallOKReply(len(notes)))
	return true
}

// multicallOKReplies holds the reply to a batch of n notifications, all
// OK, for the batch sizes relayd sends by default: a lean satellite should
// spend its CPU on nothing the relay does not cause.
var multicallOKReplies = func() (replies [33][]byte) {
	for n := range replies {
		replies[n] = buildMulticallOKReply(n)
	}
	return replies
}()

func multicallOKReply(n int) []byte {
	if n < len(multicallOKReplies) {
		return multicallOKReplies[n]
	}
	return buildMulticallOKReply(n)
}

func buildMulticallOKReply(n int) []byte {
	results := make([]rpc.Value, n)
	for i := range results {
		results[i] = rpc.Array(rpc.String("OK"))
	}
	return mustResponse(rpc.Array(results...))
}

// methods is what system.listMethods answers.
func (s *fakeSat) methods() []string {
	names := []string{"co2.get_method_names", "notify", "ping", "sys.listMethods", "system.listMethods"}
	if s.multicall {
		names = append(names, "system.multicall")
	}
	return names
}

func (s *fakeSat) reply(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// notify handles one notification: {host_id, data, notify_pass}.
func (s *fakeSat) notify(ctx context.Context, params []rpc.Value) error {
	st, err := rpc.StructParam(params)
	if err != nil {
		return err
	}
	sender, _, err := rpc.StringMember(st, "host_id", true)
	if err != nil {
		return err
	}
	data, _ := st.Get("data")
	if s.delay > 0 {
		wait(ctx, s.delay)
	}
	s.record(sender, data)
	return nil
}

// multicallNotify runs each {methodName, params} of a system.multicall;
// only notify is accepted inside.
func (s *fakeSat) multicallNotify(ctx context.Context, params []rpc.Value) rpc.Value {
	if len(params) != 1 || params[0].Kind != rpc.KindArray {
		return rpc.Array()
	}
	calls := params[0].Array
	results := make([]rpc.Value, len(calls))
	for i, c := range calls {
		name, _, _ := rpc.StringMember(c, "methodName", true)
		args, _ := c.Get("params")
		var err error = rpc.Faultf(rpc.CodeMethodNotFound, "only notify may be batched, not %q", name)
		if name == "notify" {
			err = s.notify(ctx, args.Array)
		}
		if err != nil {
			f := asFault(err)
			results[i] = rpc.Struct(
				rpc.Member{Name: "faultCode", Value: rpc.Int(int64(f.Code))},
				rpc.Member{Name: "faultString", Value: rpc.String(f.String)},
			)
			continue
		}
		results[i] = rpc.Array(rpc.String("OK"))
	}
	return rpc.Array(results...)
}

// record counts one notification and times it when it is one of ours.
func (s *fakeSat) record(sender string, data rpc.Value) {
	m, ok := readMessage(data)
	s.recordMessage(sender, m, ok)
}

// recordMessage counts one notification; ok says m was read from it.
func (s *fakeSat) recordMessage(sender string, m message, ok bool) {
	now := s.meter.since()
	s.total.Add(1)
	if s.meter.measuring() {
		s.measured.Add(1)
		if ok && s.lat != nil {
			s.lat.Add(now - m.Sent)
		}
	}
	if s.onMessage != nil {
		s.onMessage(sender, m, ok)
	}
}

// asFault is err as a fault to send back.
func asFault(err error) *rpc.Fault {
	if f, ok := err.(*rpc.Fault); ok {
		return f
	}
	return rpc.Faultf(rpc.CodeInternal, "%v", err)
}

// wait waits d or until ctx ends.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// register registers port with the relay and returns the host_id.
func register(ctx context.Context, c *rpc.Client, relayURL string, port int, nick string) (string, error) {
	v, err := c.Call(ctx, relayURL, "relay.register", rpc.Struct(
		rpc.Member{Name: "port", Value: rpc.Int(int64(port))},
		rpc.Member{Name: "nick", Value: rpc.String(nick)},
	))
	if err != nil {
		return "", fmt.Errorf("relay.register port %d: %w", port, err)
	}
	if v.Kind != rpc.KindString {
		return "", fmt.Errorf("relay.register port %d: the relay answered a %s, not a host_id", port, v.Kind)
	}
	return v.Str, nil
}

// deregister revokes a registration; a relay that forgot it is not an error.
func deregister(ctx context.Context, c *rpc.Client, relayURL, hostID string) error {
	_, err := c.Call(ctx, relayURL, "relay.deregister", rpc.Struct(rpc.Member{Name: "host_id", Value: rpc.String(hostID)}))
	if f, ok := err.(*rpc.Fault); ok && f.Code == 1 && strings.HasPrefix(f.String, "KeyError") {
		return nil
	}
	return err
}
