package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	if os.Getenv(bareServerEnv) == "1" {
		if err := serveBare(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "relaybench bare server:", err)
			os.Exit(1)
		}
		return
	}
	cfg, p, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "relaybench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile, err := startProfile(cfg.CPUProfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "relaybench:", err)
		os.Exit(1)
	}
	rep, err := run(ctx, cfg, p, os.Args)
	stopProfile()
	if werr := write(cfg, rep); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "relaybench:", err)
		os.Exit(1)
	}
	if !rep.passed() {
		os.Exit(1)
	}
}

// run carries out p and returns the report; an error means a run could
// not be completed (the report then holds what was measured before it).
func run(ctx context.Context, cfg Config, p plan, command []string) (Report, error) {
	launcher := newLauncher(cfg)
	rep := Report{Command: command, Machine: readMachine(), Mode: modeText(cfg), Scope: launcher.Scope()}
	switch {
	case p.Soak:
		fmt.Fprintf(cfg.Progress, "relaybench: soak for %v\n", cfg.Soak.Duration)
		soak, err := runSoak(ctx, cfg, launcher)
		rep.Soak = &soak
		return rep, err
	case p.Suite:
		results := map[string][]Result{}
		for _, name := range suiteOrder {
			res, err := runScenario(ctx, cfg, presets[name], launcher)
			if err != nil {
				fmt.Fprintf(cfg.Progress, "relaybench: scenario %s failed: %v\n", name, err)
				res.Err = err.Error()
			}
			results[name] = append(results[name], res)
			rep.Results = append(rep.Results, res)
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
		}
		rep.Checks = suiteChecks(results)
		return rep, nil
	default:
		res, err := runScenario(ctx, cfg, p.Scenario, launcher)
		rep.Results = append(rep.Results, res)
		return rep, err
	}
}

// modeText says where the relay ran.
func modeText(cfg Config) string {
	switch cfg.mode() {
	case "child":
		return "child process " + cfg.RelaydPath
	case "external":
		return "external " + cfg.RelayURL
	default:
		return "in process"
	}
}

// startProfile starts a CPU profile into path ("" for none) and returns
// what stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func write(cfg Config, rep Report) error {
	if cfg.JSON {
		return writeJSON(cfg.Out, rep)
	}
	return writeText(cfg.Out, rep)
}
