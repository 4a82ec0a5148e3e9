// Command relayctl is the relay's admin tool: it lists the methods and
// satellites of a relay, shows their properties, and calls any method.
//
//	relayctl methods
//	relayctl help relay.register
//	relayctl satellites
//	relayctl props 127.0.0.1:7000
//	relayctl properties
//	relayctl call relay.get_satellite_props '{"host_id": "127.0.0.1:7000"}'
//
// The relay is --relay URL, else $RELAYCTL_RELAY, else
// http://127.0.0.1:2003/. Replies print as indented JSON (dateTimes as
// RFC 3339 text). A fault prints its code and text on stderr and exits
// with status 1, as does a relay that cannot be reached or does not
// answer within --timeout; bad arguments exit with status 2.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alexflint/go-arg"
	"github.com/kolo/xmlrpc"
)

type methodsCmd struct{}

type helpCmd struct {
	Method string `arg:"positional,required" help:"the method's name" placeholder:"NAME"`
}

type satellitesCmd struct{}

type propsCmd struct {
	HostID string `arg:"positional,required" help:"the satellite's host_id, IP:PORT" placeholder:"HOST_ID"`
}

type propertiesCmd struct{}

type callCmd struct {
	Method string   `arg:"positional,required" help:"the method's name" placeholder:"METHOD"`
	Args   []string `arg:"positional" help:"parameters, each one JSON value: an object is a struct, an integer an int, a string must be quoted" placeholder:"JSON-ARG"`
}

// args are the command line.
type args struct {
	Relay       string        `arg:"--relay,env:RELAYCTL_RELAY" help:"the relay's XML-RPC URL" placeholder:"URL"`
	Timeout     time.Duration `arg:"--timeout,env:RELAYCTL_TIMEOUT" help:"how long to wait for each reply" placeholder:"DUR"`
	DialTimeout time.Duration `arg:"--dial-timeout,env:RELAYCTL_DIAL_TIMEOUT" help:"how long to wait to connect" placeholder:"DUR"`

	Methods    *methodsCmd    `arg:"subcommand:methods" help:"list every method name the relay answers to"`
	Help       *helpCmd       `arg:"subcommand:help" help:"show a method's description and signatures"`
	Satellites *satellitesCmd `arg:"subcommand:satellites" help:"table of the registered satellites and their counts"`
	Props      *propsCmd      `arg:"subcommand:props" help:"one satellite's properties, as JSON"`
	Properties *propertiesCmd `arg:"subcommand:properties" help:"the relay's properties, as JSON"`
	Call       *callCmd       `arg:"subcommand:call" help:"call any method and print the reply as JSON"`
}

func (args) Description() string {
	return "relayctl: look at and call a co2 relay (relayd) over XML-RPC."
}

func defaultArgs() args {
	return args{Relay: "http://127.0.0.1:2003/", Timeout: 10 * time.Second, DialTimeout: 3 * time.Second}
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // a fault, or the relay could not be reached
	exitUsage = 2 // bad arguments (go-arg uses 2 as well)
)

func main() {
	a := defaultArgs()
	p, err := arg.NewParser(arg.Config{Out: os.Stderr}, &a) // usage and errors on stderr, as Go's flag package does
	if err != nil {
		panic(err) // the args struct is wrong: a programming error
	}
	p.MustParse(os.Args[1:])
	if p.Subcommand() == nil {
		p.Fail("missing command: methods, help, satellites, props, properties or call")
	}
	os.Exit(run(a, os.Stdout, os.Stderr))
}

// run carries out the command in a and returns the exit status.
func run(a args, out, errOut io.Writer) int {
	if a.Timeout <= 0 || a.DialTimeout <= 0 {
		fmt.Fprintln(errOut, "relayctl: --timeout and --dial-timeout must be positive")
		return exitUsage
	}
	c := newCaller(a.Relay, a.DialTimeout, a.Timeout)
	var err error
	switch {
	case a.Methods != nil:
		err = listMethods(c, out)
	case a.Help != nil:
		err = showHelp(c, out, a.Help.Method)
	case a.Satellites != nil:
		err = satelliteTable(c, out)
	case a.Props != nil:
		err = printCall(c, out, "relay.get_satellite_props", map[string]any{"host_id": a.Props.HostID})
	case a.Properties != nil:
		err = printCall(c, out, "system.get_properties")
	case a.Call != nil:
		var params []any
		if params, err = jsonArgs(a.Call.Args); err != nil {
			fmt.Fprintln(errOut, "relayctl:", err)
			return exitUsage
		}
		err = printCall(c, out, a.Call.Method, params...)
	}
	var fault xmlrpc.FaultError
	switch {
	case errors.As(err, &fault):
		fmt.Fprintf(errOut, "relayctl: fault %d: %s\n", fault.Code, fault.String)
		return exitError
	case err != nil:
		fmt.Fprintln(errOut, "relayctl:", err)
		return exitError
	}
	return exitOK
}
