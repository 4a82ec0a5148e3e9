package main

import (
	"slices"
	"testing"
	"time"

	"relayd/rpc"
)

// notifyParams is what relayd sends in one notify: {host_id, data, notify_pass}.
func notifyParams(sender string, data rpc.Value) []rpc.Value {
	return []rpc.Value{rpc.Struct(
		rpc.Member{Name: "host_id", Value: rpc.String(sender)},
		rpc.Member{Name: "data", Value: data},
		rpc.Member{Name: "notify_pass", Value: rpc.String("pass")},
	)}
}

func mustCall(t *testing.T, method string, params ...rpc.Value) []byte {
	t.Helper()
	b, err := rpc.AppendCall(nil, method, params)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestScanCall(t *testing.T) {
	m1 := message{Seq: 7, Sent: 3 * time.Second, Inst: 2}  // sent fits an <int>
	m2 := message{Seq: 8, Sent: 90 * time.Second, Inst: 2} // sent needs an <i8>
	batch := rpc.Array(
		rpc.Struct(rpc.Member{Name: "methodName", Value: rpc.String("notify")}, rpc.Member{Name: "params", Value: rpc.Array(notifyParams("127.0.0.1:1", m1.data("pad"))...)}),
		rpc.Struct(rpc.Member{Name: "methodName", Value: rpc.String("notify")}, rpc.Member{Name: "params", Value: rpc.Array(notifyParams("127.0.0.1:2", m2.data(""))...)}),
	)
	tests := []struct {
		name   string
		body   []byte
		method string
		want   []scanned
		ok     bool
	}{
		{"one notify", mustCall(t, "notify", notifyParams("127.0.0.1:1", m1.data("xx"))...), "notify", []scanned{{"127.0.0.1:1", m1, true}}, true},
		{"a batch", mustCall(t, "system.multicall", batch), "system.multicall", []scanned{{"127.0.0.1:1", m1, true}, {"127.0.0.1:2", m2, true}}, true},
		{"data's members in another order", mustCall(t, "notify", notifyParams("127.0.0.1:1", rpc.Struct(
			rpc.Member{Name: "inst", Value: rpc.Int(2)}, rpc.Member{Name: "seq", Value: rpc.Int(7)}, rpc.Member{Name: "sent", Value: rpc.Int(int64(3 * time.Second))}))...),
			"notify", []scanned{{"127.0.0.1:1", m1, true}}, true},
		{"data not ours", mustCall(t, "notify", notifyParams("127.0.0.1:1", rpc.String("hi"))...), "notify", []scanned{{Sender: "127.0.0.1:1"}}, true},
		{"ping is left to the decoder", mustCall(t, "ping", rpc.Struct()), "ping", nil, false},
		{"notify without host_id", mustCall(t, "notify", rpc.Struct()), "notify", nil, false},
		{"not XML-RPC", []byte("hello"), "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, got, ok := scanCall(tt.body)
			if method != tt.method || ok != tt.ok || !slices.Equal(got, tt.want) {
				t.Errorf("scanCall = %q, %+v, %v; want %q, %+v, %v", method, got, ok, tt.method, tt.want, tt.ok)
			}
		})
	}
}
