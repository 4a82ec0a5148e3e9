package persist

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// decode parses a state file. Errors wrap ErrCorrupt or ErrFutureVersion and
// say what is wrong and where; the caller adds the file's name.
func decode(data []byte) ([]Record, error) {
	doc := etree.NewDocument()
	// Keep duplicate attributes so they can be rejected rather than one of
	// them silently winning.
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, corrupt("not well-formed XML: %v", err)
	}
	root, err := rootElement(doc)
	if err != nil {
		return nil, err
	}
	// The version decides how to read everything else, so it comes first: a
	// newer file may well have attributes this version does not know.
	if err := checkVersion(root); err != nil {
		return nil, err
	}
	if _, err := attributes(root, attrVersion, attrSaved); err != nil {
		return nil, corrupt("<%s>: %v", tagRoot, err)
	}
	sats, err := childElements(root)
	if err != nil {
		return nil, corrupt("<%s>: %v", tagRoot, err)
	}
	recs := make([]Record, 0, len(sats))
	seen := make(map[string]bool, len(sats))
	for i, sat := range sats {
		if sat.Space != "" || sat.Tag != tagSatellite {
			return nil, corrupt("<%s> element %d: unexpected <%s>, want <%s>", tagRoot, i+1, sat.FullTag(), tagSatellite)
		}
		rec, err := decodeSatellite(sat)
		if err != nil {
			return nil, corrupt("satellite %d: %v", i+1, err)
		}
		if seen[rec.HostID] {
			return nil, corrupt("satellite %d: duplicate host_id %q", i+1, rec.HostID)
		}
		seen[rec.HostID] = true
		recs = append(recs, rec)
	}
	return recs, nil
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// rootElement returns the document's one root element, checking that nothing
// but the XML declaration, comments and whitespace surrounds it.
func rootElement(doc *etree.Document) (*etree.Element, error) {
	var root *etree.Element
	for _, tok := range doc.Child {
		switch tok := tok.(type) {
		case *etree.Element:
			if root != nil {
				return nil, corrupt("more than one root element")
			}
			root = tok
		case *etree.CharData:
			if !isXMLSpace(tok.Data) {
				return nil, corrupt("text outside the root element")
			}
		case *etree.ProcInst, *etree.Comment:
		default:
			return nil, corrupt("unexpected markup outside the root element")
		}
	}
	if root == nil {
		return nil, corrupt("no root element (empty file?)")
	}
	if root.Space != "" || root.Tag != tagRoot {
		return nil, corrupt("root element is <%s>, want <%s>", root.FullTag(), tagRoot)
	}
	return root, nil
}

func checkVersion(root *etree.Element) error {
	attr := root.SelectAttr(attrVersion)
	if attr == nil {
		return corrupt("<%s> has no %s attribute", tagRoot, attrVersion)
	}
	v, ok := parseDecimal(attr.Value)
	switch {
	case !ok || v < 1:
		return corrupt("invalid %s %q", attrVersion, attr.Value)
	case v > FormatVersion:
		return fmt.Errorf("%w: version %d, this relayd reads version %d and older", ErrFutureVersion, v, FormatVersion)
	}
	return nil
}

func decodeSatellite(sat *etree.Element) (Record, error) {
	attrs, err := attributes(sat, attrHostID, attrIP, attrPort, attrCTime)
	if err != nil {
		return Record{}, err
	}
	var rec Record
	rec.HostID = attrs[attrHostID]
	if rec.HostID == "" {
		return Record{}, fmt.Errorf("missing or empty %s", attrHostID)
	}
	// Kept as written (not re-rendered), so what Save was given comes back.
	rec.IP = attrs[attrIP]
	if _, err := netip.ParseAddr(rec.IP); err != nil {
		return Record{}, fmt.Errorf("host_id %q: bad %s %q", rec.HostID, attrIP, rec.IP)
	}
	port, ok := parseDecimal(attrs[attrPort])
	if !ok || port < 1 || port > 65535 {
		return Record{}, fmt.Errorf("host_id %q: bad %s %q (want 1-65535)", rec.HostID, attrPort, attrs[attrPort])
	}
	rec.Port = port
	ctime, err := time.Parse(time.RFC3339Nano, attrs[attrCTime])
	if err != nil {
		return Record{}, fmt.Errorf("host_id %q: bad %s %q (want RFC 3339)", rec.HostID, attrCTime, attrs[attrCTime])
	}
	rec.CTime = ctime.UTC()
	if err := decodeSatelliteChildren(sat, &rec); err != nil {
		return Record{}, fmt.Errorf("host_id %q: %v", rec.HostID, err)
	}
	return rec, nil
}

func decodeSatelliteChildren(sat *etree.Element, rec *Record) error {
	children, err := childElements(sat)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, 3)
	for _, child := range children {
		tag := child.FullTag()
		if seen[tag] {
			return fmt.Errorf("more than one <%s>", tag)
		}
		seen[tag] = true
		switch tag {
		case tagNick:
			rec.Nick, err = decodeString(child)
		case tagNotifyPass:
			rec.NotifyPass, err = decodeString(child)
		case tagPlugins:
			rec.Plugins, err = decodePlugins(child)
		default:
			return fmt.Errorf("unexpected element <%s>", tag)
		}
		if err != nil {
			return fmt.Errorf("<%s>: %v", tag, err)
		}
	}
	if !seen[tagNick] {
		return fmt.Errorf("missing <%s>", tagNick)
	}
	return nil
}

func decodePlugins(e *etree.Element) ([]string, error) {
	if _, err := attributes(e); err != nil {
		return nil, err
	}
	children, err := childElements(e)
	if err != nil {
		return nil, err
	}
	var plugins []string
	for i, child := range children {
		if child.FullTag() != tagPlugin {
			return nil, fmt.Errorf("unexpected element <%s>, want <%s>", child.FullTag(), tagPlugin)
		}
		p, err := decodeString(child)
		if err != nil {
			return nil, fmt.Errorf("plugin %d: %v", i+1, err)
		}
		plugins = append(plugins, p)
	}
	return plugins, nil
}

// decodeString reads the text of a string element (see encodeString).
func decodeString(e *etree.Element) (string, error) {
	attrs, err := attributes(e, attrEncoding)
	if err != nil {
		return "", err
	}
	var text strings.Builder
	for _, tok := range e.Child {
		switch tok := tok.(type) {
		case *etree.CharData:
			text.WriteString(tok.Data)
		case *etree.Comment:
		default:
			return "", fmt.Errorf("markup inside text")
		}
	}
	switch enc, ok := attrs[attrEncoding]; {
	case !ok:
		return text.String(), nil
	case enc == encodingBase64:
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text.String()))
		if err != nil {
			return "", fmt.Errorf("bad base64: %v", err)
		}
		return string(b), nil
	default:
		return "", fmt.Errorf("unknown %s %q", attrEncoding, enc)
	}
}

// attributes returns e's attributes by name, rejecting any not in allowed,
// any with a namespace, and any given twice.
func attributes(e *etree.Element, allowed ...string) (map[string]string, error) {
	attrs := make(map[string]string, len(e.Attr))
	for _, a := range e.Attr {
		name := a.FullKey()
		if a.Space != "" || !slices.Contains(allowed, name) {
			return nil, fmt.Errorf("unexpected attribute %s", name)
		}
		if _, dup := attrs[name]; dup {
			return nil, fmt.Errorf("attribute %s given twice", name)
		}
		attrs[name] = a.Value
	}
	return attrs, nil
}

// childElements returns e's child elements, allowing only whitespace and
// comments between them.
func childElements(e *etree.Element) ([]*etree.Element, error) {
	var children []*etree.Element
	for _, tok := range e.Child {
		switch tok := tok.(type) {
		case *etree.Element:
			children = append(children, tok)
		case *etree.CharData:
			if !isXMLSpace(tok.Data) {
				return nil, fmt.Errorf("unexpected text %q", abbreviate(strings.TrimSpace(tok.Data)))
			}
		case *etree.Comment:
		default:
			return nil, fmt.Errorf("unexpected markup")
		}
	}
	return children, nil
}

// parseDecimal accepts only the canonical decimal form of a non-negative int
// (no sign, no leading zeros), so every value has exactly one spelling.
func parseDecimal(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

func isXMLSpace(s string) bool {
	return strings.Trim(s, " \t\r\n") == ""
}

// abbreviate keeps error messages short when a file holds a large stray text.
func abbreviate(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
