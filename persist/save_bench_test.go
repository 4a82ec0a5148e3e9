package persist

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkSave10k is one write of the state file of 10,000 satellites
// (encode, temporary file, fsync, rename, fsync of the folder): the cost
// the Writer spaces its writes by.
func BenchmarkSave10k(b *testing.B) {
	recs := make([]Record, 10000)
	for i := range recs {
		recs[i] = Record{
			HostID: fmt.Sprintf("192.0.2.%d:%d", i%250, 20000+i), IP: fmt.Sprintf("192.0.2.%d", i%250), Port: 20000 + i,
			Nick: fmt.Sprintf("satellite %d", i), Plugins: []string{"chat", "files"}, NotifyPass: "s3cret",
			CTime: time.Date(2026, 11, 22, 3, 0, 0, i, time.UTC),
		}
	}
	path := filepath.Join(b.TempDir(), "relayd-state.xml")
	b.ReportAllocs()
	for b.Loop() {
		if err := Save(path, recs); err != nil {
			b.Fatal(err)
		}
	}
}
