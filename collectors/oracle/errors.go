package oracle

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/sijms/go-ora/v2/network"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// Sentinel errors; match them with errors.Is. They are the ones every
// database target shares (postgres.ErrAuth is oracle.ErrAuth), so a caller
// handling every kind tests once.
var (
	// ErrPasswordInTarget: "oracle://user:secret@host" is refused so that
	// passwords never sit in shell history, process lists or logs.
	ErrPasswordInTarget = dbtarget.ErrPasswordInTarget
	// ErrAuth: the server refused the credentials (ORA-01017, ORA-28000,
	// ORA-01005).
	ErrAuth = dbtarget.ErrAuth
	// ErrPrivilege: the connected account may not read what was asked
	// (ORA-00942, ORA-01031, ORA-01039).
	ErrPrivilege = dbtarget.ErrPrivilege
	// ErrTooManyRows: a query returned more than Config.MaxRows rows.
	ErrTooManyRows = dbtarget.ErrTooManyRows
	// ErrResultTooLarge: a value or a result was larger than the byte caps
	// of every SQL target (dbtarget.DefaultMaxValueBytes and
	// DefaultMaxResultBytes).
	ErrResultTooLarge = dbtarget.ErrResultTooLarge
	// ErrClosed: the Target was closed.
	ErrClosed = dbtarget.ErrClosed
)

// errorCode returns the server's error code: "ORA-nnnnn" from Oracle, the
// SQLSTATE from a PostgreSQL stand-in (tests), or "".
func errorCode(err error) string {
	var oe *network.OracleError
	if errors.As(err, &oe) {
		return fmt.Sprintf("ORA-%05d", oe.ErrCode)
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		return st.SQLState()
	}
	return ""
}

// isAuth reports a login refused for the credentials.
func isAuth(code string) bool {
	switch code {
	case "ORA-01017", "ORA-28000", "ORA-01005", "28P01", "28000":
		return true
	}
	return false
}

// isPrivilege reports an object the account cannot see or use. Oracle
// answers ORA-00942 both for a missing view and for one it may not read.
func isPrivilege(code string) bool {
	switch code {
	case "ORA-00942", "ORA-01031", "ORA-01039", "42P01", "42501":
		return true
	}
	return false
}

// redactor removes the target's secrets from driver error text: go-ora
// puts the connection URL, which carries them, in some of its errors.
type redactor []string

func newRedactor(secrets ...string) redactor {
	var r redactor
	for _, s := range secrets {
		if s == "" {
			continue
		}
		r = append(r, s, url.PathEscape(s), url.QueryEscape(s))
	}
	return r
}

// urlPassword finds the password of a connection URL in any encoding.
var urlPassword = regexp.MustCompile(`(?i)(oracle://[^:@/\s"]*:)[^\s"]*@`)

func (r redactor) text(s string) string {
	for _, sec := range r {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return urlPassword.ReplaceAllString(s, "${1}[redacted]@")
}

// driverError is a driver's error with secrets removed from its text. It
// keeps the server's error code, context cancellation and ErrSessionSetup
// for errors.Is,
// but not the driver's error itself, whose text could hold a secret.
type driverError struct {
	msg  string
	code string
	ctx  error
}

func (e *driverError) Error() string { return e.msg }

func (e *driverError) Is(target error) bool {
	return e.ctx != nil && errors.Is(e.ctx, target)
}

// Code is the server's error code ("ORA-00942"), or "".
func (e *driverError) Code() string { return e.code }

func (r redactor) wrap(err error) error {
	if err == nil {
		return nil
	}
	de := &driverError{msg: r.text(err.Error()), code: errorCode(err)}
	for _, c := range []error{context.Canceled, context.DeadlineExceeded, ErrSessionSetup} {
		if errors.Is(err, c) {
			de.ctx = c
		}
	}
	if de.code == "" {
		var inner *driverError
		if errors.As(err, &inner) {
			de.code = inner.code
		}
	}
	return de
}

func codeOf(err error) string {
	var de *driverError
	if errors.As(err, &de) {
		return de.code
	}
	return errorCode(err)
}
