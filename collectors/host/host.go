// Package host defines how stigscan reads a system it audits: a small
// interface that the live local machine, an offline root folder and (later)
// an SSH connection all implement, plus fact gatherers (packages, accounts,
// kernel parameters, processes, mounts) written once on top of it.
//
// A Host is read-only by construction: nothing in this interface can change
// the system it reads.
package host

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/stigscan/stigscan/collectors/secret"
)

// ErrNotCollected reports that a host cannot provide a kind of data at all,
// for example the process table of an offline root or a command on a host that
// cannot run one. Callers turn it into a "not collected" result with the
// reason, never into pass or fail.
var ErrNotCollected = errors.New("host: not collected on this target")

// Host is a system being audited. Paths are absolute, as seen on the target
// (for an offline root, "/etc/passwd" means ROOT/etc/passwd). Implementations
// are safe for concurrent use.
type Host interface {
	// ReadFile returns the content of a regular file (symlinks followed).
	// A missing file gives an error matching fs.ErrNotExist.
	ReadFile(ctx context.Context, path string) ([]byte, error)
	// Stat describes each path, in order. A path that does not exist has
	// Err set (matching fs.ErrNotExist); the call itself fails only when
	// the host cannot be read at all. Symlinks are not followed (lstat);
	// Target holds the link text.
	Stat(ctx context.Context, paths ...string) ([]FileInfo, error)
	// ReadDir lists a directory, sorted by name, without following the
	// entries' symlinks.
	ReadDir(ctx context.Context, path string) ([]FileInfo, error)
	// Run executes a read-only command through the target's shell and
	// returns its standard output. Hosts that cannot run commands return
	// an error matching ErrNotCollected.
	Run(ctx context.Context, cmd string) ([]byte, error)
	// Describe names the target for results and logs; it never contains a
	// secret.
	Describe() string
}

// FileInfo describes one path on a host.
type FileInfo struct {
	Path   string      // absolute path on the target
	Mode   fs.FileMode // type bits and permission bits, including setuid/setgid/sticky
	UID    int64
	GID    int64
	Size   int64
	ATime  time.Time
	MTime  time.Time
	CTime  time.Time
	Target string // symlink text, for symlinks
	Err    error  // set by Stat when this one path could not be described
}

// Name returns the last element of Path.
func (f FileInfo) Name() string {
	for i := len(f.Path) - 1; i >= 0; i-- {
		if f.Path[i] == '/' {
			return f.Path[i+1:]
		}
	}
	return f.Path
}

// Facts are what results record about the target machine itself.
type Facts struct {
	Hostname string
	FQDN     string
	IPv4     []string
	IPv6     []string
	MACs     []string
	OS       string // e.g. "Debian GNU/Linux 11 (bullseye)", from os-release
}

// FactsProvider is an optional ability of a Host: describing the machine for
// ARF's computing-device element.
type FactsProvider interface {
	Facts(ctx context.Context) (Facts, error)
}

// Warner is an optional ability: a Host that knows something the report
// should say about how it was scanned (a database scan connected with
// more privilege than it needs) says so. The engine copies the warnings
// into the result.
type Warner interface {
	Warnings() []string
}

// Live is an optional ability: a Host that is a running system (as opposed to
// an offline image) says so, so probes of running state (processes, sysctl,
// systemd) know whether to try.
type Live interface {
	IsLive() bool
}

// IsLive reports whether h is a running system.
func IsLive(h Host) bool {
	l, ok := h.(Live)
	return ok && l.IsLive()
}

// FactsOf returns h's facts when it can describe itself, and empty facts
// when it cannot (no FactsProvider, or ErrNotCollected: an offline image or
// an unreachable machine). Other errors are returned.
func FactsOf(ctx context.Context, h Host) (Facts, error) {
	fp, ok := h.(FactsProvider)
	if !ok {
		return Facts{}, nil
	}
	f, err := fp.Facts(ctx)
	if errors.Is(err, ErrNotCollected) {
		return Facts{}, nil
	}
	return f, err
}

// Describe is h.Describe() redacted (secret.RedactTarget): what results,
// messages and logs name a host by. Describe implementations build their
// text from parsed targets that hold no password; this is the second
// fence, so that one that did could not reach a writer.
func Describe(h Host) string { return secret.RedactTarget(h.Describe()).String() }
