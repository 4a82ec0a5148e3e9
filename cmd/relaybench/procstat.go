package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat. It
// is 100 on every Linux architecture Go supports; the standard library has
// no sysconf to ask.
const clockTicks = 100

// ErrNoProc is wrapped when a process's figures cannot be read (no /proc,
// or the process is gone).
var ErrNoProc = errors.New("process figures unavailable")

// procSample is what /proc says of one process at one moment.
type procSample struct {
	CPU     time.Duration // user + system time used so far
	RSS     int64         // resident set size now, bytes (VmRSS)
	HWM     int64         // peak resident set size, bytes (VmHWM)
	Threads int           // OS threads (not goroutines)
	FDs     int           // open file descriptors
}

// readProc samples process pid.
func readProc(pid int) (procSample, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return procSample{}, fmt.Errorf("%w: %v", ErrNoProc, err)
	}
	status, err := os.ReadFile(dir + "/status")
	if err != nil {
		return procSample{}, fmt.Errorf("%w: %v", ErrNoProc, err)
	}
	var s procSample
	if s.CPU, err = parseStatCPU(string(stat)); err != nil {
		return procSample{}, err
	}
	if s.RSS, s.HWM, s.Threads, err = parseStatus(string(status)); err != nil {
		return procSample{}, err
	}
	fds, err := os.ReadDir(dir + "/fd")
	if err != nil {
		return procSample{}, fmt.Errorf("%w: %v", ErrNoProc, err)
	}
	s.FDs = len(fds)
	return s, nil
}

// parseStatCPU reads utime + stime from the text of /proc/PID/stat. The
// command name (field 2) may hold spaces and parentheses, so fields are
// counted from the last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("%w: /proc stat without a command name", ErrNoProc)
	}
	// After ")": field 3 (state) is index 0, so utime (14) and stime (15)
	// are indexes 11 and 12.
	fields := strings.Fields(stat[end+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("%w: /proc stat has %d fields after the name", ErrNoProc, len(fields))
	}
	var ticks uint64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: /proc stat: %v", ErrNoProc, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// parseStatus reads VmRSS, VmHWM (in kB in the file) and Threads from the
// text of /proc/PID/status.
func parseStatus(status string) (rss, hwm int64, threads int, err error) {
	var found int
	for line := range strings.Lines(status) {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		n, perr := strconv.ParseInt(fields[0], 10, 64)
		switch key {
		case "VmRSS":
			rss, found = n*1024, found|1
		case "VmHWM":
			hwm, found = n*1024, found|2
		case "Threads":
			threads, found = int(n), found|4
		default:
			continue
		}
		if perr != nil {
			return 0, 0, 0, fmt.Errorf("%w: /proc status %s: %v", ErrNoProc, key, perr)
		}
	}
	if found != 7 {
		return 0, 0, 0, fmt.Errorf("%w: /proc status lacks VmRSS, VmHWM or Threads", ErrNoProc)
	}
	return rss, hwm, threads, nil
}

// cpuCores is the CPU a process used between two samples, in cores (1.0 is
// one core busy all the time).
func cpuCores(before, after procSample, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return float64(after.CPU-before.CPU) / float64(wall)
}
