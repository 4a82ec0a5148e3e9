package rpc

import (
	"testing"
	"time"
)

// The relay's hot paths: decoding relay.relay calls, encoding notify calls,
// and a satellite's side of both.

func codecRelayData() Value {
	return Struct(
		Member{"text", String("hello from satellite 7: the build is green & <fast>")},
		Member{"n", Int(42)},
		Member{"when", DateTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))},
		Member{"blob", Base64([]byte("0123456789abcdef0123456789abcdef0123456789abcdef"))},
	)
}

func codecRelayCallBody(b *testing.B) []byte {
	body, err := AppendCall(nil, "relay.relay", []Value{Struct(
		Member{"host_id", String("192.0.2.7:7000")},
		Member{"data", codecRelayData()},
	)})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func BenchmarkDecodeRelayCall(b *testing.B) {
	body := codecRelayCallBody(b)
	lim := DefaultLimits()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCall(body, lim); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeNotify(b *testing.B) {
	params := []Value{Struct(
		Member{"host_id", String("192.0.2.7:7000")},
		Member{"data", codecRelayData()},
		Member{"notify_pass", String("s3cret")},
	)}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendCall(buf[:0], "notify", params); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodeResponse(b *testing.B) {
	body, err := AppendResponse(nil, String("OK"))
	if err != nil {
		b.Fatal(err)
	}
	lim := DefaultLimits()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeResponse(body, lim); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResponse(b *testing.B) {
	v := codecRelayData()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendResponse(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
