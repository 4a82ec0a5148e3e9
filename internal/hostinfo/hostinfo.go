// Package hostinfo describes the machine for the co2 system.get_properties
// keys (kernel, operating_system, hardware, processor), read once from
// /proc and /etc/os-release where they exist, with what the Go runtime
// knows as the fallback.
package hostinfo

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Info is what get_properties says of the machine.
type Info struct {
	Kernel    string // e.g. "Linux 6.1.0"
	OS        string // e.g. "Debian GNU/Linux 12 (bookworm)"
	Hardware  string // e.g. "amd64, 2 CPUs"
	Processor string // the CPU model
}

// Read describes this machine.
func Read() Info {
	h := Info{
		Kernel:    runtime.GOOS,
		OS:        runtime.GOOS,
		Hardware:  runtime.GOARCH + ", " + strconv.Itoa(runtime.NumCPU()) + " CPUs",
		Processor: runtime.GOARCH,
	}
	if b, err := os.ReadFile("/proc/sys/kernel/ostype"); err == nil {
		h.Kernel = strings.TrimSpace(string(b))
		if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
			h.Kernel += " " + strings.TrimSpace(string(rel))
		}
	}
	if v := fileField("/etc/os-release", "PRETTY_NAME", "="); v != "" {
		h.OS = strings.Trim(v, `"`)
	}
	if v := fileField("/proc/cpuinfo", "model name", ":"); v != "" {
		h.Processor = v
	}
	return h
}

// fileField returns the value of the first "key SEP value" line of path.
func fileField(path, key, sep string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
