package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// plan is what the command line asks relaybench to run.
type plan struct {
	Suite    bool     // every preset and the checks
	Scenario Scenario // otherwise this one (when Soak is 0)
	Soak     bool
}

// ErrUsage is wrapped by command-line errors.
var ErrUsage = errors.New("usage")

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, " ") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// parseFlags reads the command line. Scenario flags given explicitly
// change the preset that --scenario names (default "custom").
func parseFlags(args []string, stderr io.Writer) (Config, plan, error) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("relaybench", flag.ContinueOnError)
	fs.SetOutput(stderr)

	fs.StringVar(&cfg.RelaydPath, "relayd", "", "run this relayd binary as a child process per scenario (CPU and RSS are then the relay's own)")
	var relaydArgs stringList
	fs.Var(&relaydArgs, "relayd-arg", "pass this flag to the child relayd (repeat for more)")
	fs.BoolVar(&cfg.InProcess, "inprocess", false, "run the relay in this process (CPU and RSS then cover the whole bench); the default without --relayd or --relay")
	fs.StringVar(&cfg.RelayURL, "relay", "", "target this running relay (http://HOST:PORT/) instead of starting one")
	fs.IntVar(&cfg.RelayPID, "relay-pid", 0, "process id of --relay, for its CPU and RSS")

	name := fs.String("scenario", "custom", "preset to run: "+strings.Join(presetNames(), ", ")+"; the scenario flags given (--senders ... --register) change it")
	suite := fs.Bool("suite", false, "run every preset and print the targets with pass/fail")
	fs.DurationVar(&cfg.Soak.Duration, "soak", 0, "soak for this long: churn satellites, relay continuously, restart the relay, check for leaks and losses")

	var sc Scenario
	fs.IntVar(&sc.Senders, "senders", 0, "sending goroutines, one connection each")
	fs.IntVar(&sc.SenderSats, "sender-sats", 0, "satellites the senders relay as (0: one per sender)")
	fs.IntVar(&sc.Receivers, "receivers", 0, "receiving satellites")
	fs.IntVar(&sc.Size, "size", 0, "bytes of padding per message")
	fs.Float64Var(&sc.Rate, "rate", 0, "messages per second, all senders (0: as fast as the window allows)")
	fs.IntVar(&sc.Window, "window", 0, "messages per sender accepted but not yet at every receiver (0: open loop)")
	fs.BoolVar(&sc.Hung, "hung", false, "add a receiver that never answers")
	fs.DurationVar(&sc.Slow, "slow", 0, "add a receiver that takes this long per notification")
	fs.BoolVar(&sc.Multicall, "multicall", false, "receivers offer system.multicall (batching)")
	fs.BoolVar(&sc.Lean, "lean-sats", true, "satellites scan notifications; false decodes each with rpc.DecodeCall (costs the machine more CPU than the relay)")
	fs.IntVar(&sc.Register, "register", 0, "register this many satellites instead of relaying")

	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "measured time per scenario")
	fs.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "unmeasured time before each measurement")
	fs.DurationVar(&cfg.CeilingDuration, "ceiling-duration", cfg.CeilingDuration, "measured time per ceiling")
	fs.IntVar(&cfg.Slices, "slices", cfg.Slices, "alternate between the relay and its ceilings this many times")
	fs.DurationVar(&cfg.Settle, "settle", cfg.Settle, "longest wait for queued notifications after the senders stop")
	fs.BoolVar(&cfg.JSON, "json", false, "print JSON instead of tables")
	fs.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of relaybench (and of the relay, with --inprocess) to this file")

	so := &cfg.Soak
	fs.IntVar(&so.Senders, "soak-senders", so.Senders, "soak: stable satellites that relay")
	fs.IntVar(&so.Receivers, "soak-receivers", so.Receivers, "soak: stable satellites that only receive")
	fs.IntVar(&so.Churners, "soak-churners", so.Churners, "soak: satellites that come and go")
	fs.Float64Var(&so.Rate, "soak-rate", so.Rate, "soak: messages per second, all senders")
	fs.DurationVar(&so.KillEvery, "kill-every", so.KillEvery, "soak: restart the relay this often (in the first 40%)")
	fs.DurationVar(&so.ChurnEvery, "churn-every", so.ChurnEvery, "soak: one churn action this often")
	fs.DurationVar(&so.SampleEvery, "sample-every", so.SampleEvery, "soak: sample RSS and fds this often")
	fs.Uint64Var(&so.Seed, "seed", so.Seed, "soak: seed of the churn")

	if err := fs.Parse(args); err != nil {
		return cfg, plan{}, err
	}
	if fs.NArg() > 0 {
		return cfg, plan{}, fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	cfg.RelaydArgs = relaydArgs

	p := plan{Suite: *suite, Soak: cfg.Soak.Duration > 0}
	preset, ok := presets[*name]
	if !ok {
		return cfg, p, fmt.Errorf("%w: no scenario %q; the presets are %s", ErrUsage, *name, strings.Join(presetNames(), ", "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p.Scenario = overlay(preset, sc, set)
	return cfg, p, checkConfig(cfg, p, set)
}

// overlay is preset with the scenario flags that were set taken from sc.
func overlay(preset, sc Scenario, set map[string]bool) Scenario {
	out := preset
	fields := map[string]func(){
		"senders":     func() { out.Senders = sc.Senders },
		"sender-sats": func() { out.SenderSats = sc.SenderSats },
		"receivers":   func() { out.Receivers = sc.Receivers },
		"size":        func() { out.Size = sc.Size },
		"rate":        func() { out.Rate = sc.Rate },
		"window":      func() { out.Window = sc.Window },
		"hung":        func() { out.Hung = sc.Hung },
		"slow":        func() { out.Slow = sc.Slow },
		"multicall":   func() { out.Multicall = sc.Multicall },
		"lean-sats":   func() { out.Lean = sc.Lean },
		"register":    func() { out.Register = sc.Register },
	}
	for name, apply := range fields {
		if set[name] {
			apply()
		}
	}
	return out
}

// checkConfig refuses command lines that cannot run.
func checkConfig(cfg Config, p plan, set map[string]bool) error {
	modes := 0
	for _, on := range []bool{cfg.RelaydPath != "", cfg.InProcess, cfg.RelayURL != ""} {
		if on {
			modes++
		}
	}
	sc := p.Scenario
	switch {
	case modes > 1:
		return fmt.Errorf("%w: give one of --relayd, --inprocess and --relay", ErrUsage)
	case p.Suite && p.Soak:
		return fmt.Errorf("%w: --suite and --soak are separate runs", ErrUsage)
	case (p.Suite || p.Soak) && set["scenario"]:
		return fmt.Errorf("%w: --scenario does not go with --suite or --soak", ErrUsage)
	case p.Soak && cfg.RelayURL != "":
		return fmt.Errorf("%w: --soak restarts the relay: use --relayd PATH or --inprocess", ErrUsage)
	case cfg.Duration <= 0 || cfg.CeilingDuration <= 0 || cfg.Slices < 1 || cfg.Warmup < 0 || cfg.Settle < 0:
		return fmt.Errorf("%w: --duration, --ceiling-duration and --slices must be positive, --warmup and --settle not negative", ErrUsage)
	case sc.Senders < 1:
		return fmt.Errorf("%w: --senders must be at least 1", ErrUsage)
	case sc.Receivers < 0 || sc.Size < 0 || sc.Rate < 0 || sc.Window < 0 || sc.Slow < 0 || sc.Register < 0 || sc.SenderSats < 0:
		return fmt.Errorf("%w: scenario figures must not be negative", ErrUsage)
	case p.Soak && (cfg.Soak.Senders < 1 || cfg.Soak.Rate <= 0 || cfg.Soak.ChurnEvery <= 0 || cfg.Soak.SampleEvery <= 0 || cfg.Soak.Receivers < 0 || cfg.Soak.Churners < 0):
		return fmt.Errorf("%w: the soak needs a sender, a positive --soak-rate, --churn-every and --sample-every", ErrUsage)
	}
	if cfg.RelaydPath != "" {
		if _, err := os.Stat(cfg.RelaydPath); err != nil {
			return fmt.Errorf("%w: --relayd: %v (build one with: go build -o /tmp/relayd ./cmd/relayd)", ErrUsage, err)
		}
	}
	return nil
}
