package mongodb

import (
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// Sentinel errors; match them with errors.Is. ErrAuth, ErrPrivilege and
// ErrClosed are the ones every database target shares (postgres.ErrAuth is
// mongodb.ErrAuth), so a caller handling every kind tests once.
var (
	// ErrAuth: the server refused the credentials.
	ErrAuth = dbtarget.ErrAuth
	// ErrUnsupported: the server does not know the command or pipeline
	// stage (an older server, or a MongoDB-compatible one such as FerretDB).
	ErrUnsupported = errors.New("mongodb: not supported by the server")
	// ErrPrivilege: the connected user may not run the command.
	ErrPrivilege = dbtarget.ErrPrivilege
	// ErrTooLarge: a cursor returned more than MaxCursorDocuments.
	ErrTooLarge = errors.New("mongodb: too many documents")
	// ErrClosed: the Target was closed.
	ErrClosed = dbtarget.ErrClosed
)

// Server error codes the target tells apart.
const (
	codeUnauthorized         = 13
	codeAuthenticationFailed = 18
	codeCommandNotFound      = 59
	codeCommandNotSupported  = 115
	codeNotImplemented       = 238
	codeUnknownStage         = 40324
)

// UnsupportedError says the server does not support a command. It matches
// ErrUnsupported.
type UnsupportedError struct {
	Command string // command name, with the first pipeline stage for aggregate
	Server  string // the server's own message
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the server does not support %s (%s)", e.Command, e.Server)
}

// Is matches ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// PrivilegeError says the connected user may not run a command (What)
// and what the server said (Server). It matches ErrPrivilege and
// host.ErrNotCollected: a check that needs the reply reports "not
// collected" with this reason, never pass or fail. It is the one every
// database target shares.
type PrivilegeError = dbtarget.PrivilegeError

// commandErr classifies a driver error from running command what.
func commandErr(what string, err error) error {
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		switch ce.Code {
		case codeCommandNotFound, codeCommandNotSupported, codeNotImplemented, codeUnknownStage:
			return &UnsupportedError{Command: what, Server: ce.Message}
		case codeUnauthorized:
			return &PrivilegeError{What: what, Server: ce.Message}
		}
	}
	return err
}
