package persist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// fileMode is the state file's mode: it holds notify_pass values.
const fileMode fs.FileMode = 0o600

// errEmptyPath guards against "" quietly meaning "no file, fresh start".
var errEmptyPath = errors.New("state file path is empty")

// Load reads the state file at path. A missing file is a fresh start: (nil,
// false, nil). Any other failure is an error naming the file and the problem:
// unreadable (wrapping the operating system's error), corrupt (ErrCorrupt) or
// written by a newer relayd (ErrFutureVersion); found is then true if a file
// is there. The records come back in the order Save was given them.
func Load(path string) (recs []Record, found bool, err error) {
	if path == "" {
		return nil, false, errEmptyPath
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("state file %s: cannot read: %w", path, err)
	}
	recs, err = decode(data)
	if err != nil {
		return nil, true, fmt.Errorf("state file %s: %w", path, err)
	}
	return recs, true, nil
}

// Save replaces the state file at path with recs, atomically and with mode
// 0600 (see the package doc for the steps and what a failure leaves behind).
// Records the file cannot hold faithfully fail with ErrInvalidRecord and
// nothing is written.
func Save(path string, recs []Record) error {
	return save(path, recs, time.Now(), osFS)
}

// save is Save with the clock and the file system passed in.
func save(path string, recs []Record, now time.Time, fsys fileSystem) error {
	if path == "" {
		return errEmptyPath
	}
	data, err := encode(recs, now)
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	if err := replaceFile(path, data, fsys); err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	return nil
}

// replaceFile puts data at path by way of a temporary file in the same folder
// (rename is atomic only within one file system) and a rename, so a reader
// sees the old file or the new one, never a mix. The temporary file is
// removed on any failure before the rename.
func replaceFile(path string, data []byte, fsys fileSystem) error {
	dir, base := filepath.Dir(path), filepath.Base(path)
	f, err := fsys.createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	if err := writeTemp(f, data); err != nil {
		return errors.Join(fmt.Errorf("temporary file %s: %w", tmp, err), removeTemp(fsys, tmp))
	}
	if err := fsys.rename(tmp, path); err != nil {
		return errors.Join(fmt.Errorf("rename: %w", err), removeTemp(fsys, tmp))
	}
	// Without this the rename itself may be lost in a crash.
	if err := fsys.syncDir(dir); err != nil {
		return fmt.Errorf("sync folder %s (the new file is in place, its durability unknown): %w", dir, err)
	}
	return nil
}

// writeTemp fills the temporary file and closes it, whatever happens. The
// mode is set before any secret is written.
func writeTemp(f tempFile, data []byte) error {
	steps := []struct {
		what string
		do   func() error
	}{
		{"chmod", func() error { return f.Chmod(fileMode) }},
		{"write", func() error { _, err := f.Write(data); return err }},
		{"fsync", f.Sync},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			_ = f.Close() // the step's error is the one worth reporting
			return fmt.Errorf("%s: %w", step.what, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

func removeTemp(fsys fileSystem, tmp string) error {
	if err := fsys.remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove temporary file: %w", err)
	}
	return nil
}

// fileSystem is the seam Save writes through, so tests can make each step
// fail in turn.
type fileSystem struct {
	createTemp func(dir, pattern string) (tempFile, error)
	rename     func(oldpath, newpath string) error
	remove     func(name string) error
	syncDir    func(dir string) error
}

// tempFile is the part of *os.File that Save uses.
type tempFile interface {
	Name() string
	Chmod(mode fs.FileMode) error
	Write(p []byte) (int, error)
	Sync() error
	Close() error
}

// osFS is the real file system.
var osFS = fileSystem{
	createTemp: func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err // not a typed-nil *os.File in an interface
		}
		return f, nil
	},
	rename:  os.Rename,
	remove:  os.Remove,
	syncDir: syncDir,
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
