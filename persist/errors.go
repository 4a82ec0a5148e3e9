package persist

import "errors"

// Sentinel errors. Returned errors wrap them with the file's name and a
// plain-words detail (fmt.Errorf("state file %s: %w: ...", path, ErrCorrupt));
// test with errors.Is. Operating-system errors (fs.ErrPermission, ENOSPC) are
// wrapped too, so errors.Is finds them as well.
var (
	// ErrCorrupt: the state file exists but is not a valid state file (empty,
	// truncated, not XML, a wrong root, a missing or invalid version, a bad
	// field, a duplicate host_id). relayd must stop and leave the file alone.
	ErrCorrupt = errors.New("corrupt state file")
	// ErrFutureVersion: the state file was written by a newer relayd, in a
	// format version above FormatVersion.
	ErrFutureVersion = errors.New("state file format is newer than this relayd reads")
	// ErrLocked: another process (another relayd) holds the state file's lock.
	ErrLocked = errors.New("state file is locked by another process")
	// ErrInvalidRecord: Save was handed a record the file cannot store so that
	// Load reads it back (empty or duplicate host_id, a bad IP or port, a ctime
	// outside years 0-9999, a host_id that is not plain UTF-8 text). Nothing
	// is written.
	ErrInvalidRecord = errors.New("record cannot be saved")
)
