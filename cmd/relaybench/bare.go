package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// bareServerEnv, set to "1", makes relaybench (or its test binary) serve
// the ceiling's bare handler and nothing else: the ceiling's server in a
// process of its own, as a child relayd is, so that both pay the same for
// crossing between processes on a busy machine.
const bareServerEnv = "RELAYBENCH_BARE_SERVER"

// bareListeningPrefix starts the line a bare server process prints with
// its address.
const bareListeningPrefix = "relaybench bare server listening on "

// bareServer is where the ceiling's calls go.
type bareServer interface {
	URL() string
	Close()
}

// startBare starts the bare server: in this process when the relay runs
// here too, else in a child process.
func startBare(ctx context.Context, cfg Config) (bareServer, error) {
	if cfg.mode() == "inprocess" {
		return startBareHere()
	}
	return startBareChild(ctx)
}

// bareHere serves the bare handler from this process.
type bareHere struct {
	url    string
	srv    *http.Server
	served chan struct{}
}

func startBareHere() (*bareHere, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &bareHere{url: "http://" + ln.Addr().String() + "/", served: make(chan struct{})}
	b.srv = &http.Server{Handler: http.HandlerFunc(bareHandler), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(b.served)
		b.srv.Serve(ln)
	}()
	return b, nil
}

func (b *bareHere) URL() string { return b.url }

func (b *bareHere) Close() {
	b.srv.Close()
	<-b.served
}

// bareChild is a bare server process: this executable run with
// bareServerEnv. It serves until its stdin closes.
type bareChild struct {
	url   string
	cmd   *exec.Cmd
	stdin io.Closer
}

func startBareChild(ctx context.Context) (*bareChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), bareServerEnv+"=1")
	dieWithParent(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the bare server: %w", err)
	}
	b := &bareChild{cmd: cmd, stdin: stdin}
	line := make(chan string, 1)
	go func() { // owned by start: it ends when the first line is read or the pipe closes
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
	}()
	timeout := time.NewTimer(childStartTimeout)
	defer timeout.Stop()
	select {
	case l := <-line:
		addr, ok := strings.CutPrefix(strings.TrimSpace(l), bareListeningPrefix)
		if !ok {
			b.Close()
			return nil, fmt.Errorf("the bare server said %q instead of its address", l)
		}
		b.url = "http://" + addr + "/"
		return b, nil
	case <-timeout.C:
	case <-ctx.Done():
	}
	b.Close()
	return nil, errors.New("the bare server did not start")
}

func (b *bareChild) URL() string { return b.url }

// Close closes the child's stdin, which ends it, and waits for it.
func (b *bareChild) Close() {
	b.stdin.Close()
	done := make(chan struct{})
	go func() { // owned by Close: it ends when the child is reaped
		b.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
}

// serveBare is the bare server process: it prints its address and serves
// until its stdin closes (the parent closed it, or died).
func serveBare(stdin io.Reader, stdout io.Writer) error {
	b, err := startBareHere()
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Fprintln(stdout, bareListeningPrefix+strings.TrimSuffix(strings.TrimPrefix(b.url, "http://"), "/"))
	io.Copy(io.Discard, stdin)
	return nil
}
