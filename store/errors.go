package store

import (
	"errors"
	"fmt"
)

// Sentinel errors.
var (
	// ErrNotFound is returned when no alert (session, token, outbox row)
	// has that key.
	ErrNotFound = errors.New("not found")
	// ErrCleared is returned when an action needs a raised alert.
	ErrCleared = errors.New("alert is cleared")
	// ErrLocked is returned by Open when another process holds the file.
	ErrLocked = errors.New("database is in use by another mauve serve")
)

// lockedError says which file is locked; it matches ErrLocked.
type lockedError struct{ path string }

func (e *lockedError) Error() string {
	return fmt.Sprintf("database %s is in use by another mauve serve (stop it, or give this one another --db)", e.path)
}

func (e *lockedError) Is(target error) bool { return target == ErrLocked }

// CorruptError is returned when a record in the file cannot be decoded.
type CorruptError struct {
	Bucket string
	Key    string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt record %q in bucket %s: %v", e.Key, e.Bucket, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// skipCorrupt is nil for a record that cannot be decoded: work over many
// alerts (replace, postpone, redecide) passes over it (Check reports it,
// the next update from its source replaces it) rather than failing for all.
func skipCorrupt(err error) error {
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		return nil
	}
	return err
}
