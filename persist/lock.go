package persist

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Lock is an exclusive lock on a state file, held from Acquire to Release.
// The kernel drops it when the process exits, however it exits.
type Lock struct {
	mu   sync.Mutex
	file *os.File // nil once released
}

// lockSuffix names the lock file beside the state file. The state file itself
// cannot carry the lock: Save replaces it by rename, and a lock on the old
// inode would not guard the new one.
const lockSuffix = ".lock"

// Acquire takes an exclusive, non-blocking flock on path+".lock" (created with
// mode 0600 if missing) and writes this process's id into it for the message a
// second relayd prints. If another process holds the lock, the error wraps
// ErrLocked and names the state file, the lock file and, when it can be read,
// the holder's process id. The lock file is never removed: removing it would
// let two processes lock two different files of the same name.
func Acquire(path string) (*Lock, error) {
	if path == "" {
		return nil, errEmptyPath
	}
	lockPath := path + lockSuffix
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("state file %s: open lock file: %w", path, err)
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := lockHolder(f)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("state file %s: %w: %s is held%s; is another relayd running on this file?",
				path, ErrLocked, lockPath, holder)
		}
		return nil, fmt.Errorf("state file %s: lock %s: %w", path, lockPath, err)
	}
	// Best effort: the pid only makes the other relayd's message clearer.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{file: f}, nil
}

// Release gives the lock up. Calling it again does nothing.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return nil
	}
	// Closing the only descriptor of this open file drops the flock.
	err := l.file.Close()
	l.file = nil
	if err != nil {
		return fmt.Errorf("release state file lock: %w", err)
	}
	return nil
}

// flock calls flock(2) on f, again if a signal interrupts it.
func flock(f *os.File, how int) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var lockErr error
	err = conn.Control(func(fd uintptr) {
		for {
			lockErr = syscall.Flock(int(fd), how)
			if lockErr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return lockErr
}

// lockHolder returns " by process N" from the lock file, or "" when it holds
// no process id.
func lockHolder(f *os.File) string {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || pid <= 0 {
		return ""
	}
	return fmt.Sprintf(" by process %d", pid)
}
