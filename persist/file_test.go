package persist

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// faultyFS is the real file system with one step made to fail with err.
func faultyFS(step string, err error) fileSystem {
	fsys := osFS
	switch step {
	case "create":
		fsys.createTemp = func(string, string) (tempFile, error) { return nil, err }
	case "rename":
		fsys.rename = func(string, string) error { return err }
	case "syncdir":
		fsys.syncDir = func(string) error { return err }
	default: // a step of the temporary file itself
		fsys.createTemp = func(dir, pattern string) (tempFile, error) {
			f, createErr := osFS.createTemp(dir, pattern)
			if createErr != nil {
				return nil, createErr
			}
			return &faultyFile{tempFile: f, step: step, err: err}, nil
		}
	}
	return fsys
}

// faultyFile fails one step. A failed write still writes half the data, as a
// full disk does; a failed close still closes.
type faultyFile struct {
	tempFile
	step string
	err  error
}

func (f *faultyFile) Chmod(mode fs.FileMode) error {
	if f.step == "chmod" {
		return f.err
	}
	return f.tempFile.Chmod(mode)
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.step == "write" {
		n, _ := f.tempFile.Write(p[:len(p)/2])
		return n, f.err
	}
	return f.tempFile.Write(p)
}

func (f *faultyFile) Sync() error {
	if f.step == "fsync" {
		return f.err
	}
	return f.tempFile.Sync()
}

func (f *faultyFile) Close() error {
	err := f.tempFile.Close()
	if f.step == "close" {
		return f.err
	}
	return err
}

func TestSaveFailureAtEachStepKeepsTheOldFile(t *testing.T) {
	steps := []struct {
		step string
		err  error
	}{
		{"create", syscall.EACCES},
		{"chmod", syscall.EPERM},
		{"write", syscall.ENOSPC},
		{"fsync", syscall.EIO},
		{"close", syscall.EDQUOT},
		{"rename", syscall.EXDEV},
		{"syncdir", syscall.EIO},
	}
	oldRecs, newRecs := sampleRecords(), sampleRecords()[1:]
	newRecs[0].Nick = "the new nick"
	for _, tc := range steps {
		for _, hadFile := range []bool{true, false} {
			name := tc.step + "/over an old file"
			if !hadFile {
				name = tc.step + "/no old file"
			}
			t.Run(name, func(t *testing.T) {
				path := statePath(t)
				var oldData []byte
				if hadFile {
					if err := Save(path, oldRecs); err != nil {
						t.Fatal(err)
					}
					oldData = readFile(t, path)
				}

				err := save(path, newRecs, time.Unix(0, 0), faultyFS(tc.step, tc.err))
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), "state file "+path) {
					t.Fatalf("save = %v, want an error wrapping %v and naming %s", err, tc.err, path)
				}
				if names := dirNames(t, filepath.Dir(path)); tc.step == "syncdir" || hadFile {
					if len(names) != 1 || names[0] != "state.xml" {
						t.Errorf("folder holds %v, want only state.xml", names)
					}
				} else if len(names) != 0 {
					t.Errorf("folder holds %v, want nothing", names)
				}

				switch {
				case tc.step == "syncdir":
					// The rename is done: the new file is whole, only its
					// durability is unknown.
					got, _, err := Load(path)
					if err != nil {
						t.Fatal(err)
					}
					requireRecords(t, got, newRecs)
				case hadFile:
					if got := readFile(t, path); string(got) != string(oldData) {
						t.Errorf("the old file changed:\n%s\nwas:\n%s", got, oldData)
					}
				}
			})
		}
	}
}

func TestSaveReplacesTheFileWithMode0600(t *testing.T) {
	path := statePath(t)
	// A file someone made world-readable is tightened on the next Save.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // despite the umask
		t.Fatal(err)
	}
	for i := range 2 {
		if err := Save(path, sampleRecords()[i:]); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode(); mode != 0o600 {
			t.Errorf("save %d: mode %v, want -rw-------", i, mode)
		}
		got, found, err := Load(path)
		if err != nil || !found {
			t.Fatalf("Load: found %v, err %v", found, err)
		}
		requireRecords(t, got, sampleRecords()[i:])
		if names := dirNames(t, filepath.Dir(path)); len(names) != 1 {
			t.Errorf("folder holds %v, want only state.xml", names)
		}
	}
}

func TestSaveIntoAMissingFolderFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", "state.xml")
	if err := Save(path, sampleRecords()); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Save = %v, want ErrNotExist naming %s", err, path)
	}
}

func TestLoadMissingFileIsAFreshStart(t *testing.T) {
	for _, path := range []string{
		statePath(t),
		filepath.Join(t.TempDir(), "no-such-folder", "state.xml"),
	} {
		recs, found, err := Load(path)
		if recs != nil || found || err != nil {
			t.Errorf("Load(%s) = %v, %v, %v; want nil, false, nil", path, recs, found, err)
		}
	}
}

func TestLoadEmptyRegistryIsFound(t *testing.T) {
	path := statePath(t)
	if err := Save(path, nil); err != nil {
		t.Fatal(err)
	}
	recs, found, err := Load(path)
	if len(recs) != 0 || !found || err != nil {
		t.Fatalf("Load = %v, %v, %v; want no records, found", recs, found, err)
	}
}

func TestLoadUnreadableFileIsAnError(t *testing.T) {
	t.Run("a folder", func(t *testing.T) {
		path := statePath(t)
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		requireUnreadable(t, path, syscall.EISDIR)
	})
	t.Run("a file under a file", func(t *testing.T) {
		parent := statePath(t)
		if err := os.WriteFile(parent, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		requireUnreadable(t, filepath.Join(parent, "state.xml"), syscall.ENOTDIR)
	})
	t.Run("no read permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		path := statePath(t)
		if err := Save(path, sampleRecords()); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o200); err != nil {
			t.Fatal(err)
		}
		requireUnreadable(t, path, fs.ErrPermission)
	})
}

func requireUnreadable(t *testing.T, path string, want error) {
	t.Helper()
	_, found, err := Load(path)
	if !errors.Is(err, want) || !strings.Contains(err.Error(), path) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load = %v, want an error wrapping %v naming %s", err, want, path)
	}
	if !found {
		t.Errorf("found = false for a file that is there")
	}
}

func TestEmptyPathIsAnError(t *testing.T) {
	if _, _, err := Load(""); err == nil {
		t.Error("Load(\"\") succeeded")
	}
	if err := Save("", nil); err == nil {
		t.Error("Save(\"\") succeeded")
	}
	if _, err := Acquire(""); err == nil {
		t.Error("Acquire(\"\") succeeded")
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
