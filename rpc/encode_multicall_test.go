package rpc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestAppendMulticallMatchesAppendCall(t *testing.T) {
	type call struct {
		method string
		params []Value
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"no calls", nil},
		{"one notify", []call{{"notify", []Value{Struct(Member{"host_id", String("192.0.2.7:7000")}, Member{"data", codecRelayData()})}}}},
		{"several, with no params and with several", []call{
			{"ping", nil},
			{"notify", []Value{String("a & <b>")}},
			{"echo", []Value{Int(1), Array(Bool(true), Nil()), Double(0.5)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := make([]Value, len(tt.calls))
			got := AppendMulticallHead([]byte("prefix"))
			for i, c := range tt.calls {
				items[i] = Struct(Member{"methodName", String(c.method)}, Member{"params", Array(c.params...)})
				var err error
				if got, err = AppendMulticallItem(got, c.method, c.params); err != nil {
					t.Fatal(err)
				}
			}
			got = AppendMulticallTail(got)
			want, err := AppendCall([]byte("prefix"), "system.multicall", []Value{Array(items...)})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("multicall\n%s\nwant what AppendCall writes\n%s", got, want)
			}
			if _, err := DecodeCall(got[len("prefix"):], DefaultLimits()); err != nil {
				t.Errorf("the multicall does not decode: %v", err)
			}
		})
	}
}

func TestAppendMulticallItemRefuses(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		params   []Value
		wantText string
	}{
		{"bad method name", "no spaces", nil, "outside A-Z"},
		{"unencodable param", "notify", []Value{Struct(Member{"data", String("bell \a")})}, `notify params[0]["data"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := AppendMulticallHead(nil)
			got, err := AppendMulticallItem(dst, tt.method, tt.params)
			if !errors.Is(err, ErrUnencodable) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %v, want ErrUnencodable naming %s", err, tt.wantText)
			}
			if len(got) != len(dst) {
				t.Errorf("dst grew by %d bytes on error", len(got)-len(dst))
			}
		})
	}
}
