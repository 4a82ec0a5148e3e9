package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill cmd when relaybench dies, so that a
// relay never outlives a bench that crashes.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
