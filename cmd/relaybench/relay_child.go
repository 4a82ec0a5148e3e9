package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childStartTimeout bounds how long a child relayd may take to say it
// listens.
const childStartTimeout = 15 * time.Second

// childLauncher runs a relayd binary as a child process per scenario.
type childLauncher struct {
	path  string   // the relayd binary
	lift  []string // flags that switch off the per-address limits it has
	extra []string // flags appended after relaybench's own
}

// newChildLauncher asks the binary for its flags, so that the per-address
// limits of a relayd that has them are switched off: all of the bench's
// load comes from 127.0.0.1, which a public relay would rightly throttle.
func newChildLauncher(path string, extra []string) childLauncher {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	help, _ := exec.CommandContext(ctx, path, "--help").CombinedOutput()
	return childLauncher{path: path, lift: liftFlags(string(help)), extra: extra}
}

// liftFlags are the flags, among those a relayd's --help lists, that turn
// its per-address rate limits off.
func liftFlags(help string) []string {
	var out []string
	for _, f := range []string{"--ip-rate", "--register-rate"} {
		if strings.Contains(help, f+" ") {
			out = append(out, f, "0")
		}
	}
	return out
}

func (l childLauncher) Scope() string {
	s := "the relayd child process alone (/proc/PID/stat and status)"
	if len(l.lift) > 0 {
		s += "; its per-address limits are off (" + strings.Join(l.lift, " ") + ")"
	}
	return s
}

func (l childLauncher) Launch(ctx context.Context, opt relayOptions, statePath string) (relayInstance, error) {
	extra := append(slices.Clone(l.lift), l.extra...)
	c := &childRelay{path: l.path, extra: extra, opt: opt, state: statePath, listen: "127.0.0.1:0"}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// childRelay is one relayd process, restartable on the address it got
// first. The goroutine that reads its stderr owns the process: it calls
// Wait when the stderr pipe closes and then closes exited.
type childRelay struct {
	path  string
	extra []string
	opt   relayOptions
	state string
	// listen is "127.0.0.1:0" before the first start and the address the
	// relay said it listens on afterwards, so that restarts keep it.
	listen string

	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process has been waited for
	waitErr error         // the process's exit, valid after exited
	tail    *logTail
}

// args are the child's command line.
func (c *childRelay) args() []string {
	a := []string{
		"--listen", c.listen,
		"--state", c.state,
		"--max-sats", strconv.Itoa(c.opt.MaxSats),
		"--notify-timeout", c.opt.NotifyTimeout.String(),
		"--drain-timeout", c.opt.DrainTimeout.String(),
		"--ping-interval", c.opt.PingInterval.String(),
		"--ping-timeout", c.opt.PingTimeout.String(),
		"--evict-after", strconv.Itoa(c.opt.EvictAfter),
		"--log-format", "text",
		"--log-level", "info", // the "relayd listening" line is at info
	}
	return append(a, c.extra...)
}

// start runs the process and waits until it logs that it listens.
func (c *childRelay) start(ctx context.Context) error {
	cmd := exec.Command(c.path, c.args()...)
	dieWithParent(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start relayd %s: %w", c.path, err)
	}
	c.cmd, c.exited, c.tail = cmd, make(chan struct{}), &logTail{}
	listening := make(chan string, 1)
	go c.readLog(stderr, listening)

	timeout := time.NewTimer(childStartTimeout)
	defer timeout.Stop()
	select {
	case addr := <-listening:
		c.listen = addr
		return nil
	case <-c.exited:
		return fmt.Errorf("relayd exited before listening (%v); its last lines:\n%s", c.waitErr, c.tail)
	case <-timeout.C:
		c.Kill()
		return fmt.Errorf("relayd did not say it listens within %v; its last lines:\n%s", childStartTimeout, c.tail)
	case <-ctx.Done():
		c.Kill()
		return ctx.Err()
	}
}

// readLog keeps the child's last log lines, reports the listening address
// once, and reaps the process when its stderr closes.
func (c *childRelay) readLog(stderr io.Reader, listening chan<- string) {
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		c.tail.add(line)
		if addr, ok := parseListening(line); ok {
			select {
			case listening <- addr:
			default:
			}
		}
	}
	io.Copy(io.Discard, stderr) // after a line too long to scan, keep draining
	c.waitErr = c.cmd.Wait()
	close(c.exited)
}

var listeningRE = regexp.MustCompile(`msg="relayd listening" addr=(\S+)`)

// parseListening finds the address in relayd's "relayd listening" line
// (log/slog's text format).
func parseListening(line string) (string, bool) {
	m := listeningRE.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return strings.Trim(m[1], `"`), true
}

func (c *childRelay) URL() string             { return "http://" + c.listen + "/" }
func (c *childRelay) PID() int                { return c.cmd.Process.Pid }
func (c *childRelay) Goroutines() (int, bool) { return 0, false }

// Stop sends SIGTERM and waits for the relay to drain and exit; when ctx
// ends first it kills it.
func (c *childRelay) Stop(ctx context.Context) error {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-c.exited:
	case <-ctx.Done():
		c.Kill()
		return fmt.Errorf("relayd did not stop cleanly: %w", ctx.Err())
	}
	if c.waitErr != nil {
		return fmt.Errorf("relayd exited with %v; its last lines:\n%s", c.waitErr, c.tail)
	}
	return nil
}

// Kill sends SIGKILL and waits for the process to be reaped.
func (c *childRelay) Kill() error {
	c.cmd.Process.Kill()
	<-c.exited
	return nil
}

// Restart starts the relay again on the same address and state file.
func (c *childRelay) Restart(ctx context.Context) error {
	select {
	case <-c.exited:
	default:
		return errors.New("relayd is still running; stop or kill it first")
	}
	return c.start(ctx)
}

// logTail keeps the last lines of a child's log for error messages.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

const logTailLines = 20

func (t *logTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == logTailLines {
		t.lines = t.lines[1:]
	}
	t.lines = append(t.lines, line)
}

func (t *logTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
