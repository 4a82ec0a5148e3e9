//go:build !linux

package main

import "os/exec"

// dieWithParent has no kernel help outside Linux: a child relay is
// stopped by relaybench itself, and only a crash leaves it running.
func dieWithParent(*exec.Cmd) {}
