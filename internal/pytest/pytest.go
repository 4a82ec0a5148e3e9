// Package pytest runs Python scripts as the real third-party peers of the
// interop tests: xmlrpc.client callers and SimpleXMLRPCServer satellites.
// python3 is required: a test that needs it fails (never skips) without it,
// so CI can never pass with the interop tests silently off.
package pytest

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relayd/internal/syncbuf"
)

// Python returns the python3 executable, failing the test if there is none.
func Python(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is required for the interop tests: %v", err)
	}
	return p
}

// writeScript writes script into the test's temporary folder.
func writeScript(t testing.TB, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.py")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Run runs script with args to completion (at most a minute) and returns
// its standard output; a non-zero exit fails the test with its stderr.
func Run(t testing.TB, script string, args ...string) string {
	t.Helper()
	return RunFile(t, writeScript(t, script), args...)
}

// RunFile is Run for a script file (its folder is on Python's import path,
// so scripts in testdata can share modules).
func RunFile(t testing.TB, path string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Python(t), append([]string{path}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python script failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// Proc is a Python process running in the background.
type Proc struct {
	cmd    *exec.Cmd
	lines  *bufio.Scanner
	stderr *syncbuf.Buffer
}

// Start starts script with args. It is killed when the test ends.
func Start(t testing.TB, script string, args ...string) *Proc {
	t.Helper()
	return StartFile(t, writeScript(t, script), args...)
}

// StartFile is Start for a script file.
func StartFile(t testing.TB, path string, args ...string) *Proc {
	t.Helper()
	cmd := exec.Command(Python(t), append([]string{"-u", path}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &Proc{cmd: cmd, lines: bufio.NewScanner(out), stderr: &syncbuf.Buffer{}}
	p.lines.Buffer(make([]byte, 0, 64<<10), 16<<20)
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return p
}

// Line returns the next line the process printed, failing the test when
// the process ends first.
func (p *Proc) Line(t testing.TB) string {
	t.Helper()
	if !p.lines.Scan() {
		t.Fatalf("python process ended early: %v\nstderr:\n%s", p.lines.Err(), p.stderr.String())
	}
	return strings.TrimRight(p.lines.Text(), "\r\n")
}
