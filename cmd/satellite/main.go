// Command satellite is a co2 satellite for a terminal: it registers with a
// relay, relays each line typed on standard input to every other
// satellite, and prints each notification it receives as one line. Two of
// them in two terminals make a chat through relayd:
//
//	satellite --relay http://127.0.0.1:2003/ --nick alice
//	satellite --relay http://127.0.0.1:2003/ --nick bob
//
// A line is relayed as {text: LINE}; with --json each line must be a JSON
// object, relayed as a struct. A notification prints as "nick: text" (the
// sender's nick, looked up once from the relay, else its host_id), or with
// --json as a JSON object {from, host_id, data}. End of input, SIGINT or
// SIGTERM deregisters and exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alexflint/go-arg"

	"relayd/rpc"
	"relayd/satellite"
)

// args are the command line; every flag also reads a SATELLITE_*
// variable (the safer place for the notify pass: a flag shows in ps).
type args struct {
	Relay        string        `arg:"--relay,required,env:SATELLITE_RELAY" help:"the relay's XML-RPC URL, e.g. http://127.0.0.1:2003/" placeholder:"URL"`
	Listen       string        `arg:"--listen,env:SATELLITE_LISTEN" help:"address to serve notify and ping on; the relay must reach it" placeholder:"ADDR"`
	Nick         string        `arg:"--nick,env:SATELLITE_NICK" help:"name the others see (default: the host_id)" placeholder:"NAME"`
	NotifyPass   string        `arg:"--notify-pass,env:SATELLITE_NOTIFY_PASS" help:"secret the relay must send back with every notification" placeholder:"P"`
	JSON         bool          `arg:"--json,env:SATELLITE_JSON" help:"read JSON objects and print notifications as JSON lines"`
	PingInterval time.Duration `arg:"--ping-interval,env:SATELLITE_PING_INTERVAL" help:"the relay's ping interval; after three without a ping the satellite checks that the relay still knows it" placeholder:"DUR"`
	LogLevel     string        `arg:"--log-level,env:SATELLITE_LOG_LEVEL" help:"debug, info, warn or error (the log goes to stderr)" placeholder:"LEVEL"`
}

func (args) Description() string {
	return "satellite: relays what you type to every other co2 satellite, prints what they relay."
}

func defaultArgs() args {
	d := satellite.DefaultConfig()
	return args{Listen: d.Listen, PingInterval: d.PingInterval, LogLevel: "warn"}
}

func main() {
	a := defaultArgs()
	p, err := arg.NewParser(arg.Config{Out: os.Stderr}, &a) // usage and errors on stderr, as Go's flag package does
	if err != nil {
		panic(err) // the args struct is wrong: a programming error
	}
	p.MustParse(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, a, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "satellite:", err)
		os.Exit(1)
	}
}

// run registers, relays the lines of in and prints notifications to out
// until in ends or ctx does. Status lines and the log go to errOut.
func run(ctx context.Context, a args, in io.Reader, out, errOut io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.LogLevel)); err != nil {
		return fmt.Errorf("--log-level %q: use debug, info, warn or error", a.LogLevel)
	}
	logger := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: level}))

	client := rpc.NewClient(lookupClientConfig())
	defer client.Close()
	printer := &printer{out: out, json: a.JSON, nicks: newNickCache(client, a.Relay)}
	sat, err := satellite.New(satellite.Config{
		Relay:        a.Relay,
		Listen:       a.Listen,
		Nick:         a.Nick,
		NotifyPass:   a.NotifyPass,
		PingInterval: a.PingInterval,
		Logger:       logger,
		Handler:      printer.print,
		OnReregister: func(id string) {
			fmt.Fprintf(errOut, "satellite: the relay had forgotten us; registered again as %s\n", id)
		},
	})
	if err != nil {
		return err
	}
	defer func() {
		if err := sat.Close(); err != nil {
			fmt.Fprintln(errOut, "satellite:", err)
		}
	}()
	id, err := sat.Register(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(errOut, "satellite: registered with %s as %s; type lines to relay them\n", a.Relay, id)

	lines := readLines(in)
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if err := relayLine(ctx, sat, line, a.JSON); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				fmt.Fprintln(errOut, "satellite:", err)
			}
		}
	}
}

// relayLine relays one typed line, retrying a busy relay a few times.
func relayLine(ctx context.Context, sat *satellite.Satellite, line string, asJSON bool) error {
	data, err := parseLine(line, asJSON)
	if err != nil {
		return err
	}
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := sat.Relay(ctx, data)
		if !errors.Is(err, satellite.ErrRelayBusy) || attempt == 5 {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait *= 2
	}
}

// lookupClientConfig bounds the nick look-ups, which hold up printing.
func lookupClientConfig() rpc.ClientConfig {
	c := rpc.DefaultClientConfig()
	c.Timeout = 2 * time.Second
	c.DialTimeout = time.Second
	c.UserAgent = "relayd-satellite"
	return c
}
