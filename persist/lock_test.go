package persist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestLockIsExclusiveUntilReleased(t *testing.T) {
	path := statePath(t)
	first, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode() != 0o600 {
		t.Errorf("lock file mode %v, want -rw-------", info.Mode())
	}

	_, err = Acquire(path)
	requireLocked(t, err, path, os.Getpid())

	// Another state file is another lock.
	other, err := Acquire(statePath(t))
	if err != nil {
		t.Fatalf("Acquire of another file: %v", err)
	}
	if err := other.Release(); err != nil {
		t.Fatal(err)
	}

	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := first.Release(); err != nil {
		t.Errorf("second Release = %v, want nil", err)
	}
	again, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if err := again.Release(); err != nil {
		t.Fatal(err)
	}
}

// TestLockHeldByAnotherProcess runs this test binary as a second process
// that holds the lock, as a second relayd would, and checks that the lock
// goes when that process does.
func TestLockHeldByAnotherProcess(t *testing.T) {
	path := statePath(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper said %q, %v; want \"locked\"", line, err)
	}

	_, err = Acquire(path)
	requireLocked(t, err, path, cmd.Process.Pid)

	_ = stdin.Close() // the helper exits without releasing
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	lock, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after the holder exited: %v", err)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
}

const helperEnv = "PERSIST_TEST_LOCK_HELPER"

// TestLockHelperProcess is the second process of TestLockHeldByAnotherProcess:
// it holds the lock until its stdin closes, then exits without Release.
func TestLockHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("runs only as the helper of TestLockHeldByAnotherProcess")
	}
	if _, err := Acquire(path); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

func requireLocked(t *testing.T, err error, path string, holder int) {
	t.Helper()
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Acquire = %v, want ErrLocked", err)
	}
	for _, want := range []string{"state file " + path, path + ".lock", fmt.Sprintf("by process %d", holder)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
