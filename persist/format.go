package persist

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// Record is one satellite as the state file keeps it.
type Record struct {
	HostID     string
	IP         string // as netip.Addr.String() gives it
	Port       int
	Nick       string
	Plugins    []string
	NotifyPass string    // "" = none
	CTime      time.Time // stored in UTC with nanoseconds (RFC3339Nano)
}

// Names of the file's elements and attributes (see doc.go).
const (
	tagRoot       = "relayd-state"
	tagSatellite  = "satellite"
	tagNick       = "nick"
	tagNotifyPass = "notify_pass"
	tagPlugins    = "plugins"
	tagPlugin     = "plugin"

	attrVersion  = "version"
	attrSaved    = "saved"
	attrHostID   = "host_id"
	attrIP       = "ip"
	attrPort     = "port"
	attrCTime    = "ctime"
	attrEncoding = "encoding"

	encodingBase64 = "base64"
)

// encode renders recs as a state file. savedAt goes into the informational
// saved attribute. It validates first, so it never produces a file that
// decode rejects.
func encode(recs []Record, savedAt time.Time) ([]byte, error) {
	if err := validateRecords(recs); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	// Canonical text escapes \r as &#xD; (a literal \r would be read back as
	// \n); canonical attributes also escape \t and \n, which a reader may
	// otherwise normalise to spaces.
	doc.WriteSettings = etree.WriteSettings{CanonicalText: true, CanonicalAttrVal: true}
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement(tagRoot)
	root.CreateAttr(attrVersion, strconv.Itoa(FormatVersion))
	root.CreateAttr(attrSaved, savedAt.UTC().Format(time.RFC3339Nano))
	for _, r := range recs {
		sat := root.CreateElement(tagSatellite)
		sat.CreateAttr(attrHostID, r.HostID)
		sat.CreateAttr(attrIP, r.IP)
		sat.CreateAttr(attrPort, strconv.Itoa(r.Port))
		sat.CreateAttr(attrCTime, r.CTime.UTC().Format(time.RFC3339Nano))
		encodeString(sat.CreateElement(tagNick), r.Nick)
		if r.NotifyPass != "" {
			encodeString(sat.CreateElement(tagNotifyPass), r.NotifyPass)
		}
		plugins := sat.CreateElement(tagPlugins)
		for _, p := range r.Plugins {
			encodeString(plugins.CreateElement(tagPlugin), p)
		}
	}
	// PreserveLeafWhitespace: a nick of only spaces is data, not indentation.
	doc.IndentWithSettings(&etree.IndentSettings{Spaces: 2, PreserveLeafWhitespace: true})
	return doc.WriteToBytes()
}

// encodeString stores s as e's text, or base64-encoded when XML text cannot
// carry it exactly.
func encodeString(e *etree.Element, s string) {
	if !isXMLText(s) {
		e.CreateAttr(attrEncoding, encodingBase64)
		s = base64.StdEncoding.EncodeToString([]byte(s))
	}
	if s != "" {
		e.CreateText(s)
	}
}

// isXMLText reports whether s is valid UTF-8 made only of characters XML 1.0
// allows (its Char production), so it survives as element text.
func isXMLText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !isXMLChar(r) {
			return false
		}
	}
	return true
}

func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= utf8.MaxRune)
}

// validateRecords applies the rules decode enforces to records about to be
// saved; errors wrap ErrInvalidRecord.
func validateRecords(recs []Record) error {
	seen := make(map[string]bool, len(recs))
	for i, r := range recs {
		if err := validateRecord(r); err != nil {
			return fmt.Errorf("%w: record %d (host_id %q): %v", ErrInvalidRecord, i+1, r.HostID, err)
		}
		if seen[r.HostID] {
			return fmt.Errorf("%w: record %d: duplicate host_id %q", ErrInvalidRecord, i+1, r.HostID)
		}
		seen[r.HostID] = true
	}
	return nil
}

func validateRecord(r Record) error {
	switch {
	case r.HostID == "":
		return fmt.Errorf("empty host_id")
	case !isXMLText(r.HostID):
		return fmt.Errorf("host_id is not valid UTF-8 XML text")
	case !isXMLText(r.IP):
		return fmt.Errorf("ip is not valid UTF-8 XML text")
	case r.Port < 1 || r.Port > 65535:
		return fmt.Errorf("port %d outside 1-65535", r.Port)
	}
	if _, err := netip.ParseAddr(r.IP); err != nil {
		return fmt.Errorf("bad ip: %v", err)
	}
	// RFC 3339 has four-digit years; time.Parse rejects what Format writes
	// outside them.
	if y := r.CTime.UTC().Year(); y < 0 || y > 9999 {
		return fmt.Errorf("ctime year %d outside 0-9999", y)
	}
	return nil
}
