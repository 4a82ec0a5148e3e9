package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// TestMain lets the test binary stand in for relaybench as the ceiling's
// bare server process (bare.go), and removes the relayd it built.
func TestMain(m *testing.M) {
	if os.Getenv(bareServerEnv) == "1" {
		if err := serveBare(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// built is cmd/relayd, built once for every test that runs it.
var built struct {
	once      sync.Once
	dir, path string
	err       error
	out       []byte
}

// relaydBinary builds cmd/relayd (once) and returns its path.
func relaydBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds relayd")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "relaybench-test-"); built.err != nil {
			return
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		built.path = filepath.Join(built.dir, "relayd")
		built.out, built.err = exec.Command(goTool, "build", "-o", built.path, "../relayd").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build ../relayd: %v\n%s", built.err, built.out)
	}
	return built.path
}
