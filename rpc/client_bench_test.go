package rpc

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkClientCall is one notify call, as relayd makes it, to a server on
// loopback: encoding, HTTP, decoding the reply. Its allocations include the
// server's, which runs in the same process.
func BenchmarkClientCall(b *testing.B) {
	for _, bc := range []struct {
		name string
		data Value
	}{
		{"small", codecRelayData()},
		{"16KiB", String(strings.Repeat("relayed text & <markup> ", 16<<10/24))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := NewServer(DefaultServerConfig())
			if err := s.Register(Method{Names: []string{"notify"}, Handler: func(context.Context, []Value) (Value, error) {
				return String("OK"), nil
			}}); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c := NewClient(DefaultClientConfig())
			defer c.Close()
			param := Struct(
				Member{"host_id", String("192.0.2.7:7000")},
				Member{"data", bc.data},
				Member{"notify_pass", String("s3cret")},
			)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Call(ctx, srv.URL, "notify", param); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
