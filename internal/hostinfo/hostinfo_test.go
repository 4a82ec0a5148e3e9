package hostinfo

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadFillsEveryField(t *testing.T) {
	h := Read()
	if h.Kernel == "" || h.OS == "" || h.Hardware == "" || h.Processor == "" {
		t.Fatalf("empty field in %+v", h)
	}
}

func TestFileField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("processor\t: 0\nmodel name\t: Test CPU @ 1GHz\nmodel name\t: second\n"), 0o600)
	if got := fileField(path, "model name", ":"); got != "Test CPU @ 1GHz" {
		t.Fatalf("got %q", got)
	}
	if got := fileField(path, "absent", ":"); got != "" {
		t.Fatalf("absent key: %q", got)
	}
	if got := fileField(filepath.Join(t.TempDir(), "none"), "x", ":"); got != "" {
		t.Fatalf("missing file: %q", got)
	}
}
