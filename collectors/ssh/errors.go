package ssh

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrPasswordInTarget: "ssh://user:secret@host" is refused so that
	// passwords never sit in shell history or process lists.
	ErrPasswordInTarget = errors.New("ssh: a password in the target is refused")
	// ErrHostKeyUnknown: the server's key is not in known_hosts.
	ErrHostKeyUnknown = errors.New("ssh: host key unknown")
	// ErrHostKeyChanged: known_hosts holds a different key for the host.
	ErrHostKeyChanged = errors.New("ssh: host key changed")
	// ErrHostKeyRevoked: the server's key is marked @revoked.
	ErrHostKeyRevoked = errors.New("ssh: host key revoked")
	// ErrAuth: the server accepted none of the configured credentials.
	ErrAuth = errors.New("ssh: authentication failed")
	// ErrConnectTimeout: TCP connect, SSH handshake or authentication did
	// not finish within Config.ConnectTimeout.
	ErrConnectTimeout = errors.New("ssh: connect timeout")
	// ErrConnectionLost: the connection died (peer gone, keepalives
	// unanswered); every later call on the Host fails with it too.
	ErrConnectionLost = errors.New("ssh: connection lost")
	// ErrHostTimeout: Config.HostTimeout elapsed since Dial.
	ErrHostTimeout = errors.New("ssh: host timeout exceeded")
	// ErrCommandTimeout: one command ran longer than Config.CommandTimeout.
	ErrCommandTimeout = errors.New("ssh: command timeout")
	// ErrSudoRefused: Config.Sudo is set and "sudo -n" would not start the
	// shell: it wants a password (which is never sent), the user may not
	// run /bin/sh, or requiretty is set. The message gives sudo's reason
	// and the rule that would work.
	ErrSudoRefused = errors.New("ssh: sudo -n refused")
	// ErrClosed: the Host was closed by its owner.
	ErrClosed = errors.New("ssh: host closed")
)

// ExitError is a remote command that ran and exited non-zero.
type ExitError struct {
	Status int
	Stderr string // trimmed standard error, for the message
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("exit status %d", e.Status)
	if s := firstLine(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

// remoteError is an error reported by a tool on the target ("No such file
// or directory"), kept word for word and matched to the fs sentinel with the
// same meaning.
type remoteError struct {
	text string
	kind error // fs.ErrNotExist, fs.ErrPermission or nil
}

func (e *remoteError) Error() string { return e.text }
func (e *remoteError) Unwrap() error { return e.kind }

// errnoTexts maps the C-locale strerror texts that coreutils and busybox print
// to the fs sentinel they correspond to. ENOTDIR means a path component is
// not a directory, so the path does not exist.
var errnoTexts = []struct {
	text string
	kind error
}{
	{"No such file or directory", fs.ErrNotExist},
	{"Not a directory", fs.ErrNotExist},
	{"Permission denied", fs.ErrPermission},
	{"Operation not permitted", fs.ErrPermission},
}

// classify turns a tool's message ("stat: cannot statx '/x': No such file or
// directory") into a remoteError holding the errno text.
func classify(msg string) error {
	msg = strings.TrimSpace(firstLine(lastLine(msg)))
	for _, e := range errnoTexts {
		if strings.HasSuffix(msg, e.text) {
			return &remoteError{text: e.text, kind: e.kind}
		}
	}
	if msg == "" {
		msg = "unknown error"
	}
	// Keep the tool's message but drop "tool: " prefixes that repeat the path.
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	return &remoteError{text: msg}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
