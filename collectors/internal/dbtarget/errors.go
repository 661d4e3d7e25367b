package dbtarget

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// Sentinels shared by the database targets. Each database package exports
// them under its own name (postgres.ErrAuth is ErrAuth), so that
// errors.Is(err, postgres.ErrAuth) and errors.Is(err, oracle.ErrAuth) ask
// the same question and a caller handling every database needs one test.
//
// Their text has no package prefix, unlike other sentinels here: every
// error that wraps one starts with the database's name (Kind.Errorf),
// "postgres: authentication failed: postgres://u@h:5432/db: ...".
var (
	// ErrPasswordInTarget: "scheme://user:secret@host" is refused so that
	// passwords never sit in shell history, process lists or logs.
	ErrPasswordInTarget = errors.New("a password in the target is refused; use Config.Password")
	// ErrAuth: the server refused the credentials.
	ErrAuth = errors.New("authentication failed")
	// ErrPrivilege: the connected account may not read or run what was
	// asked.
	ErrPrivilege = errors.New("insufficient privilege")
	// ErrTooManyRows: a query returned more rows than the Config allows.
	ErrTooManyRows = errors.New("too many rows")
	// ErrResultTooLarge: a value or a result was larger than its byte cap.
	ErrResultTooLarge = errors.New("result too large")
	// ErrClosed: the target was closed.
	ErrClosed = errors.New("target closed")
)

// Errorf is an error of the class sentinel, in the database's words:
// "postgres: authentication failed: " followed by format.
func (k Kind) Errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%s: %w: "+format, append([]any{k.Name, sentinel}, args...)...)
}

// PrivilegeError says what the connected account may not read or run. It
// matches ErrPrivilege and host.ErrNotCollected: a check that needs the
// data reports "not collected" with this reason, never pass or fail.
type PrivilegeError struct {
	Kind   string // the database's package name, "mongodb"; "" when the error is wrapped by one that names it
	Target string // Describe() of the target; "" as Kind
	What   string // what was asked: a command ("usersInfo") or what was read ("sessions (pg_stat_activity)")
	Need   string // the missing privilege, when known
	Server string // the server's own word: its message or error code, when it said one
}

func (e *PrivilegeError) Error() string {
	var b strings.Builder
	for _, s := range []string{e.Kind, e.Target} {
		if s != "" {
			b.WriteString(s + ": ")
		}
	}
	b.WriteString("the scan's account may not use " + e.What)
	if e.Need != "" {
		b.WriteString("; that needs " + e.Need)
	}
	if e.Server != "" {
		b.WriteString(" (" + e.Server + ")")
	}
	return b.String()
}

// Is matches ErrPrivilege and host.ErrNotCollected.
func (e *PrivilegeError) Is(target error) bool {
	return target == ErrPrivilege || target == host.ErrNotCollected
}
