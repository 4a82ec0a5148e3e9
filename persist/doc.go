// Package persist keeps the relay's registry in one XML file, the state file
// (PROTOCOL.md section 7), so relayd can register its satellites again after a
// restart.
//
// It owns the file's format, its atomic replacement, the lock that keeps a
// second relayd off the same file, and the one goroutine that writes changes.
// It knows nothing of the registry: relayd converts registry snapshots to
// Records and back. Statistics are not kept; they start afresh.
//
// # Contract
//
//   - Load reads the file. A missing file is a fresh start (found == false).
//     Anything else that keeps the file from being read in full (permissions,
//     a directory, a truncated, malformed or future-version file) is an error
//     that names the file and the problem; the caller must then stop and must
//     not write the file, so nothing is lost that a person could still repair.
//     Corrupt files wrap ErrCorrupt, newer formats wrap ErrFutureVersion.
//   - Save replaces the file atomically: a temporary file in the same folder
//     (mode 0600, because the file holds notify_pass values), written, fsynced,
//     closed, renamed over the state file, then the folder fsynced. If any step
//     before the rename fails, the old file is untouched and the temporary file
//     is removed. If only the folder fsync fails, the new file is already in
//     place and whole, but its durability is unknown, so Save still reports the
//     error (and the Writer retries). Save never writes a file that Load would
//     reject: records it cannot store faithfully fail with ErrInvalidRecord
//     before the disk is touched.
//   - Acquire takes an exclusive flock on path+".lock" (the state file itself is
//     replaced by rename, so it cannot carry the lock). Take it before Load and
//     hold it until the last write; a second holder gets ErrLocked.
//   - A Writer coalesces change notifications (Changed, which never blocks)
//     into at most one write per Delay, retries failed writes every
//     RetryInterval, reports them in Health, and writes once more when Run's
//     context ends. Nothing in this package logs a notify_pass.
//
// # The file
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<relayd-state version="1" saved="2026-11-22T10:00:00Z">
//	  <satellite host_id="127.0.0.1:7001" ip="127.0.0.1" port="7001" ctime="2026-11-22T09:59:58.123456789Z">
//	    <nick>alice</nick>
//	    <notify_pass>s3cret</notify_pass>
//	    <plugins>
//	      <plugin>chat</plugin>
//	      <plugin>news</plugin>
//	    </plugins>
//	  </satellite>
//	  <satellite host_id="[::1]:7002" ip="::1" port="7002" ctime="2026-11-22T09:59:59Z">
//	    <nick encoding="base64">/3dobw==</nick>
//	    <plugins/>
//	  </satellite>
//	</relayd-state>
//
// Rules (Load enforces every one; a file that breaks one is corrupt):
//
//   - The root is relayd-state with an integer version attribute: FormatVersion
//     (1) is read, a higher one is ErrFutureVersion. The saved attribute (UTC,
//     RFC 3339) is informational and not checked.
//   - Satellites appear in the order Save was given them (registration order)
//     and Load returns them in that order. host_id is non-empty and unique; ip
//     is an IP address as netip.Addr.String() writes it; port is a decimal
//     1-65535 without sign or leading zeros; ctime is RFC 3339 with nanoseconds,
//     in UTC.
//   - nick is required; notify_pass is omitted when empty; plugins may be
//     omitted or empty. Each appears at most once. No other elements or
//     attributes are allowed, so a typo cannot silently drop a field.
//   - Strings are element text, so every character survives: &, <, > and the
//     carriage return are written as character references (&amp; &lt; &gt;
//     &#xD;), and leading, trailing and inner spaces, tabs and newlines are kept
//     exactly. A string that is not valid UTF-8 or holds a character XML 1.0
//     cannot carry (NUL, most C0 controls, U+FFFE, U+FFFF) is written
//     base64-encoded with encoding="base64" instead. host_id and ip are
//     attributes and must be valid UTF-8 made of XML characters, or Save fails.
//   - Comments are ignored; CDATA sections are read as text.
package persist

// FormatVersion is the state file format this package writes and the newest it
// reads.
const FormatVersion = 1
