package mysql

import (
	"errors"
	"fmt"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// Sentinel errors; match them with errors.Is. All but ErrSessionNotPinned
// are the ones every database target shares (mysql.ErrAuth is
// postgres.ErrAuth), so a caller handling every kind tests once.
var (
	// ErrPasswordInTarget: "mysql://user:secret@host" is refused so that
	// passwords never sit in shell history, process lists or logs.
	ErrPasswordInTarget = dbtarget.ErrPasswordInTarget
	// ErrAuth: the server refused the credentials.
	ErrAuth = dbtarget.ErrAuth
	// ErrPrivilege: the connected account may not read what was asked.
	ErrPrivilege = dbtarget.ErrPrivilege
	// ErrTooManyRows: a query returned more than Config.MaxRows rows.
	ErrTooManyRows = dbtarget.ErrTooManyRows
	// ErrResultTooLarge: a value or a result was larger than
	// Config.MaxValueBytes or Config.MaxResultBytes.
	ErrResultTooLarge = dbtarget.ErrResultTooLarge
	// ErrClosed: the Target was closed.
	ErrClosed = dbtarget.ErrClosed
	// ErrSessionNotPinned: a new connection's session was not as the scan
	// pinned it (read-only, sql_mode, character set, timeouts); the
	// connection is refused.
	ErrSessionNotPinned = errors.New("mysql: session not as pinned")
)

// errorf is an error of this package.
func errorf(format string, args ...any) error { return fmt.Errorf("mysql: "+format, args...) }
