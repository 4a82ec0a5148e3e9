// Command relayd is the co2 relay: satellites register with it over
// XML-RPC, and whatever one satellite relays, relayd passes to every other
// satellite's notify method. Run it with no flags to listen on
// 127.0.0.1:2003 and keep the registry in ./relayd-state.xml.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alexflint/go-arg"

	"relayd/guard"
	"relayd/relayd"
)

// args are the command line; every flag also reads a RELAYD_* variable.
type args struct {
	Listen          string        `arg:"--listen,env:RELAYD_LISTEN" help:"address to serve XML-RPC and the pages on" placeholder:"ADDR"`
	State           string        `arg:"--state,env:RELAYD_STATE" help:"the registry's XML state file (\"\" keeps it in memory only)" placeholder:"FILE"`
	MaxSats         int           `arg:"--max-sats,env:RELAYD_MAX_SATS" help:"most satellites registered at once" placeholder:"N"`
	Rate            float64       `arg:"--rate,env:RELAYD_RATE" help:"messages per second fanned out by the whole relay (0 = unlimited)" placeholder:"R"`
	Burst           int           `arg:"--burst,env:RELAYD_BURST" help:"burst allowed above --rate" placeholder:"N"`
	SenderRate      float64       `arg:"--sender-rate,env:RELAYD_SENDER_RATE" help:"messages per second fanned out per sender (0 = unlimited)" placeholder:"R"`
	SenderBurst     int           `arg:"--sender-burst,env:RELAYD_SENDER_BURST" help:"burst allowed above --sender-rate" placeholder:"N"`
	Intake          int           `arg:"--intake,env:RELAYD_INTAKE" help:"messages accepted but not yet fanned out before relay.relay faults (retry)" placeholder:"N"`
	Outbox          int           `arg:"--outbox,env:RELAYD_OUTBOX" help:"notifications queued per satellite before the oldest is dropped" placeholder:"N"`
	NotifyTimeout   time.Duration `arg:"--notify-timeout,env:RELAYD_NOTIFY_TIMEOUT" help:"deadline of one notify call" placeholder:"DUR"`
	Batch           int           `arg:"--batch,env:RELAYD_BATCH" help:"most notifications per system.multicall to a satellite that lists it (1 = no batching)" placeholder:"N"`
	DrainTimeout    time.Duration `arg:"--drain-timeout,env:RELAYD_DRAIN_TIMEOUT" help:"how long shutdown waits for queued notifications" placeholder:"DUR"`
	PingInterval    time.Duration `arg:"--ping-interval,env:RELAYD_PING_INTERVAL" help:"how often each satellite is pinged" placeholder:"DUR"`
	PingTimeout     time.Duration `arg:"--ping-timeout,env:RELAYD_PING_TIMEOUT" help:"deadline of one ping" placeholder:"DUR"`
	EvictAfter      int           `arg:"--evict-after,env:RELAYD_EVICT_AFTER" help:"failed pings in a row before a satellite is evicted (0 = never)" placeholder:"N"`
	Maintainer      string        `arg:"--maintainer,env:RELAYD_MAINTAINER" help:"maintainer shown in system.get_properties" placeholder:"NAME"`
	MaintainerEmail string        `arg:"--maintainer-email,env:RELAYD_MAINTAINER_EMAIL" help:"maintainer's e-mail shown in system.get_properties" placeholder:"ADDR"`
	LogFormat       string        `arg:"--log-format,env:RELAYD_LOG_FORMAT" help:"text or json" placeholder:"FORMAT"`
	LogLevel        string        `arg:"--log-level,env:RELAYD_LOG_LEVEL" help:"debug, info, warn or error" placeholder:"LEVEL"`

	Allow             guard.AllowList `arg:"--allow,env:RELAYD_ALLOW" help:"CIDR blocks (comma-separated) that may register, relay and deregister (empty = everyone)" placeholder:"CIDRS"`
	AllowRead         guard.AllowList `arg:"--allow-read,env:RELAYD_ALLOW_READ" help:"CIDR blocks that may read the pages and read methods, besides --allow's (empty = everyone)" placeholder:"CIDRS"`
	AdminUser         string          `arg:"--admin-user,env:RELAYD_ADMIN_USER" help:"user of the HTTP basic auth the pages and read methods then need (callers in --allow excepted)" placeholder:"NAME"`
	AdminPasswordFile string          `arg:"--admin-password-file,env:RELAYD_ADMIN_PASSWORD_FILE" help:"file holding --admin-user's password" placeholder:"FILE"`
	AdminPassword     secret          `arg:"--,env:RELAYD_ADMIN_PASSWORD" help:"--admin-user's password; environment only, so that ps never shows it"`
	MaxConns          int             `arg:"--max-conns,env:RELAYD_MAX_CONNS" help:"most connections open at once; beyond, new ones are closed (0 = unlimited)" placeholder:"N"`
	IPRate            float64         `arg:"--ip-rate,env:RELAYD_IP_RATE" help:"HTTP requests and XML-RPC calls per second per client address, beyond: HTTP 429 (0 = unlimited)" placeholder:"R"`
	IPBurst           int             `arg:"--ip-burst,env:RELAYD_IP_BURST" help:"burst allowed above --ip-rate" placeholder:"N"`
	RegisterRate      float64         `arg:"--register-rate,env:RELAYD_REGISTER_RATE" help:"registrations per second per client address, beyond: a fault (0 = unlimited)" placeholder:"R"`
	RegisterBurst     int             `arg:"--register-burst,env:RELAYD_REGISTER_BURST" help:"burst allowed above --register-rate" placeholder:"N"`
}

// secret is a string that never prints (the admin password).
type secret string

func (secret) String() string { return "***" }

func (args) Description() string {
	return "relayd: the co2 XML-RPC relay. Satellites register; what one relays, every other is notified of."
}

func (args) Version() string { return "relayd " + relayd.Version }

func defaultArgs() args {
	d := relayd.DeploymentConfig()
	return args{
		Listen:        "127.0.0.1:2003",
		State:         d.StatePath,
		MaxSats:       d.MaxSats,
		Rate:          d.Rate,
		Burst:         d.Burst,
		SenderRate:    d.SenderRate,
		SenderBurst:   d.SenderBurst,
		Intake:        d.Intake,
		Outbox:        d.Outbox,
		NotifyTimeout: d.NotifyTimeout,
		Batch:         d.Batch,
		DrainTimeout:  d.DrainTimeout,
		PingInterval:  d.PingInterval,
		PingTimeout:   d.PingTimeout,
		EvictAfter:    d.EvictAfter,
		LogFormat:     "text",
		LogLevel:      "info",
		MaxConns:      d.MaxConns,
		IPRate:        d.IPRate,
		IPBurst:       d.IPBurst,
		RegisterRate:  d.RegisterRate,
		RegisterBurst: d.RegisterBurst,
	}
}

func main() {
	a := defaultArgs()
	arg.MustParse(&a)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, a, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "relayd:", err)
		os.Exit(1)
	}
}

// run builds the relay from a, listens and serves until ctx ends.
func run(ctx context.Context, a args, logOut io.Writer) error {
	logger, err := newLogger(a.LogFormat, a.LogLevel, logOut)
	if err != nil {
		return err
	}
	cfg := relayd.DefaultConfig()
	cfg.StatePath = a.State
	cfg.MaxSats = a.MaxSats
	cfg.Rate, cfg.Burst = a.Rate, a.Burst
	cfg.SenderRate, cfg.SenderBurst = a.SenderRate, a.SenderBurst
	cfg.Intake = a.Intake
	cfg.Outbox = a.Outbox
	cfg.NotifyTimeout = a.NotifyTimeout
	cfg.Batch = a.Batch
	cfg.DrainTimeout = a.DrainTimeout
	cfg.PingInterval = a.PingInterval
	cfg.PingTimeout = a.PingTimeout
	cfg.EvictAfter = a.EvictAfter
	cfg.Maintainer, cfg.MaintainerEmail = a.Maintainer, a.MaintainerEmail
	cfg.Allow, cfg.AllowRead = a.Allow, a.AllowRead
	cfg.MaxConns = a.MaxConns
	cfg.IPRate, cfg.IPBurst = a.IPRate, a.IPBurst
	cfg.RegisterRate, cfg.RegisterBurst = a.RegisterRate, a.RegisterBurst
	cfg.Logger = logger
	if err := checkArgs(a); err != nil {
		return err
	}
	if cfg.Admin, err = adminCredentials(a); err != nil {
		return err
	}

	relay, err := relayd.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Listen)
	if err != nil {
		relay.Close()
		return fmt.Errorf("listen on %s: %w", a.Listen, err)
	}
	return relay.Run(ctx, ln)
}

// checkArgs refuses values that would make the relay misbehave quietly.
func checkArgs(a args) error {
	switch {
	case a.MaxSats < 1:
		return fmt.Errorf("--max-sats must be at least 1")
	case a.Rate < 0 || a.SenderRate < 0:
		return fmt.Errorf("--rate and --sender-rate must not be negative")
	case a.Intake < 1 || a.Outbox < 1:
		return fmt.Errorf("--intake and --outbox must be at least 1")
	case a.Batch < 1:
		return fmt.Errorf("--batch must be at least 1 (1 = no batching)")
	case a.NotifyTimeout <= 0 || a.PingTimeout <= 0 || a.PingInterval <= 0:
		return fmt.Errorf("--notify-timeout, --ping-timeout and --ping-interval must be positive")
	case a.DrainTimeout < 0 || a.EvictAfter < 0:
		return fmt.Errorf("--drain-timeout and --evict-after must not be negative")
	case a.MaxConns < 0:
		return fmt.Errorf("--max-conns must not be negative (0 = unlimited)")
	case a.IPRate < 0 || a.RegisterRate < 0:
		return fmt.Errorf("--ip-rate and --register-rate must not be negative")
	case a.IPBurst < 1 || a.RegisterBurst < 1:
		return fmt.Errorf("--ip-burst and --register-burst must be at least 1")
	}
	return nil
}

// adminCredentials are --admin-user and its password, read from
// --admin-password-file or RELAYD_ADMIN_PASSWORD, never from a flag value,
// which ps would show. A user without a password, a password without a
// user, both sources at once or an empty file are errors.
func adminCredentials(a args) (guard.Credentials, error) {
	password := string(a.AdminPassword)
	if a.AdminPasswordFile != "" {
		if password != "" {
			return guard.Credentials{}, fmt.Errorf("give the admin password in --admin-password-file or RELAYD_ADMIN_PASSWORD, not both")
		}
		b, err := os.ReadFile(a.AdminPasswordFile)
		if err != nil {
			return guard.Credentials{}, fmt.Errorf("--admin-password-file: %w", err)
		}
		if password = strings.TrimRight(string(b), "\r\n"); password == "" {
			return guard.Credentials{}, fmt.Errorf("--admin-password-file %s is empty", a.AdminPasswordFile)
		}
	}
	switch {
	case a.AdminUser != "" && password == "":
		return guard.Credentials{}, fmt.Errorf("--admin-user needs a password: --admin-password-file FILE or RELAYD_ADMIN_PASSWORD")
	case a.AdminUser == "" && password != "":
		return guard.Credentials{}, fmt.Errorf("an admin password is set but --admin-user is not")
	}
	return guard.Credentials{User: a.AdminUser, Password: password}, nil
}

func newLogger(format, level string, out io.Writer) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(out, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(out, opts)), nil
	default:
		return nil, fmt.Errorf("--log-format %q: use text or json", format)
	}
}
