package mongodb

import (
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/stigscan/stigscan/collectors/host"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrAuth: the server refused the credentials.
	ErrAuth = errors.New("mongodb: authentication failed")
	// ErrUnsupported: the server does not know the command or pipeline
	// stage (an older server, or a MongoDB-compatible one such as FerretDB).
	ErrUnsupported = errors.New("mongodb: not supported by the server")
	// ErrPrivilege: the connected user may not run the command.
	ErrPrivilege = errors.New("mongodb: not authorized")
	// ErrTooLarge: a cursor returned more than MaxCursorDocuments.
	ErrTooLarge = errors.New("mongodb: too many documents")
	// ErrClosed: the Target was closed.
	ErrClosed = errors.New("mongodb: target closed")
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

// PrivilegeError says the connected user may not run a command. It matches
// ErrPrivilege and host.ErrNotCollected: a check that needs the reply
// reports "not collected" with this reason, never pass or fail.
type PrivilegeError struct {
	Command string
	Server  string
}

func (e *PrivilegeError) Error() string {
	return fmt.Sprintf("the scan's user may not run %s (%s)", e.Command, e.Server)
}

// Is matches ErrPrivilege and host.ErrNotCollected.
func (e *PrivilegeError) Is(target error) bool {
	return target == ErrPrivilege || target == host.ErrNotCollected
}

// commandErr classifies a driver error from running command what.
func commandErr(what string, err error) error {
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		switch ce.Code {
		case codeCommandNotFound, codeCommandNotSupported, codeNotImplemented, codeUnknownStage:
			return &UnsupportedError{Command: what, Server: ce.Message}
		case codeUnauthorized:
			return &PrivilegeError{Command: what, Server: ce.Message}
		}
	}
	return err
}
