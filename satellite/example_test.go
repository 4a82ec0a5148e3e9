package satellite_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"time"

	"relayd/relayd"
	"relayd/rpc"
	"relayd/satellite"
)

// exampleRelay starts an in-memory relayd on a free loopback port and
// returns its URL and a function that stops it.
func exampleRelay() (string, func()) {
	cfg := relayd.DefaultConfig()
	cfg.StatePath = ""
	cfg.Logger = slog.New(slog.DiscardHandler)
	r, err := relayd.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, ln) }()
	return "http://" + ln.Addr().String() + "/", func() { cancel(); <-done }
}

// Two satellites chat through a relay: what alice relays, bob's handler
// is given, with alice's host_id as the sender.
func Example() {
	relayURL, stopRelay := exampleRelay()
	defer stopRelay()
	ctx := context.Background()

	heard := make(chan satellite.Notification, 1)
	bob, err := satellite.New(satellite.Config{
		Relay:   relayURL,
		Nick:    "bob",
		Handler: func(_ context.Context, n satellite.Notification) { heard <- n },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer bob.Close()
	alice, err := satellite.New(satellite.Config{Relay: relayURL, Nick: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	defer alice.Close()
	for _, s := range []*satellite.Satellite{bob, alice} {
		if _, err := s.Register(ctx); err != nil {
			log.Fatal(err)
		}
	}

	msg := rpc.Struct(rpc.Member{Name: "text", Value: rpc.String("hello, bob")})
	if err := alice.Relay(ctx, msg); err != nil {
		log.Fatal(err)
	}
	select {
	case n := <-heard:
		text, _ := n.Data.Get("text")
		fmt.Println("from alice:", n.Sender == alice.HostID())
		fmt.Println("text:", text.Str)
	case <-time.After(10 * time.Second):
		fmt.Println("nothing heard")
	}
	// Output:
	// from alice: true
	// text: hello, bob
}

// A satellite with a notify_pass refuses a notify that lacks it, so only
// its relay (which sends the pass back) can notify it.
func ExampleConfig_notifyPass() {
	s, err := satellite.New(satellite.Config{
		Relay:      "http://127.0.0.1:2003/", // not contacted: the satellite never registers
		NotifyPass: "s3cret",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	client := rpc.NewClient(rpc.DefaultClientConfig())
	forged := rpc.Struct(
		rpc.Member{Name: "host_id", Value: rpc.String("127.0.0.1:6666")},
		rpc.Member{Name: "data", Value: rpc.String("spam")},
	)
	_, err = client.Call(context.Background(), "http://"+s.Addr()+"/", "notify", forged)
	fmt.Println(err)
	fmt.Println("refused:", s.Stats().Refused)
	// Output:
	// xml-rpc fault 1: PermissionError: notify refused: notify_pass is missing or wrong
	// refused: 1
}
