package postgres

import (
	"errors"
	"fmt"

	"github.com/stigscan/stigscan/collectors/host"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrPasswordInTarget: "postgres://user:secret@host" is refused so that
	// passwords never sit in shell history, process lists or logs.
	ErrPasswordInTarget = errors.New("postgres: a password in the target is refused; use Config.Password")
	// ErrAuth: the server refused the credentials.
	ErrAuth = errors.New("postgres: authentication failed")
	// ErrPrivilege: the connected role may not read what was asked.
	ErrPrivilege = errors.New("postgres: insufficient privilege")
	// ErrTooManyRows: a query returned more than Config.MaxRows rows.
	ErrTooManyRows = errors.New("postgres: too many rows")
	// ErrResultTooLarge: a value or a result was larger than
	// Config.MaxValueBytes or Config.MaxResultBytes.
	ErrResultTooLarge = errors.New("postgres: result too large")
	// ErrSessionNotPinned: a new connection's session was not as the scan
	// pinned it (search_path, client_encoding, read-only); the connection
	// is refused.
	ErrSessionNotPinned = errors.New("postgres: session not as pinned")
	// ErrClosed: the Target was closed.
	ErrClosed = errors.New("postgres: target closed")
)

// PrivilegeError says what the connected role lacks to read something. It
// matches ErrPrivilege and host.ErrNotCollected: a check that needs the
// data reports "not collected" with this reason, never pass or fail.
type PrivilegeError struct {
	Target string // Describe() of the target
	What   string // what was being read, e.g. "sessions (pg_stat_activity)"
	Need   string // the missing privilege, e.g. "membership in pg_read_all_stats"
}

func (e *PrivilegeError) Error() string {
	return fmt.Sprintf("postgres: %s: reading %s needs %s", e.Target, e.What, e.Need)
}

// Is matches ErrPrivilege and host.ErrNotCollected.
func (e *PrivilegeError) Is(target error) bool {
	return target == ErrPrivilege || target == host.ErrNotCollected
}
