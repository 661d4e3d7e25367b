package ssh

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall"

	"github.com/stigscan/stigscan/collectors/host"
)

// Reading one file on a remote host, and the errors a read gives.

// errIsDir is the error of reading a directory. It matches syscall.EISDIR,
// as the local host's error does, so that probes treat a directory named
// among files (a link to one in a directory of files) the same on both.
var errIsDir = &remoteError{text: "is a directory, not a regular file", kind: syscall.EISDIR}

// readFileBody cats exactly one regular file (symlinks followed); anything
// else exits 3 before cat could block on a FIFO or device.
func readFileBody(p string, limit int64) string {
	return "p=" + Quote(p) + `
if [ -f "$p" ]; then
	n=$(stat -L -c %s -- "$p" 2>/dev/null) || n=0
	if [ "$n" -gt ` + strconv.FormatInt(limit, 10) + ` ] 2>/dev/null; then echo 'stigscan: too large' >&2; exit 4; fi
	exec cat -- "$p"
fi
if [ -d "$p" ]; then echo 'stigscan: is a directory' >&2; exit 3; fi
if [ -e "$p" ]; then echo 'stigscan: not a regular file' >&2; exit 3; fi
exec cat -- "$p"
`
}

// tooLarge is the error of a read of path past the host's file cap.
func (h *Host) tooLarge(path string) error {
	return fmt.Errorf("ssh: %s: read %w", h.name, &host.TooLargeError{Path: path, Limit: h.maxFile})
}

// readFileRemote reads one regular file (symlinks followed) in its own
// session.
func (h *Host) readFileRemote(ctx context.Context, path string) ([]byte, error) {
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("ssh: %s: read %q: %w", h.name, path, err)
	}
	// The size is checked before cat starts; the output cap stops a file
	// that grows, or a pseudo-file that says size 0, one slack past the
	// cap.
	res, err := h.scriptMax(ctx, "read "+path, readFileBody(path, h.maxFile), h.maxFile+outputSlack)
	if errors.Is(err, errOutputCap) {
		return nil, h.tooLarge(path)
	}
	if err != nil {
		return nil, err
	}
	if res.status == 0 && int64(len(res.stdout)) > h.maxFile {
		return nil, h.tooLarge(path)
	}
	if res.status != 0 {
		var cause error
		switch {
		case res.status == 4 && strings.Contains(res.stderr, "stigscan: too large"):
			return nil, h.tooLarge(path)
		case res.status == 3 && strings.Contains(res.stderr, "stigscan: is a directory"):
			cause = errIsDir
		case res.status == 3 && strings.Contains(res.stderr, "stigscan: not a regular file"):
			cause = errors.New("not a regular file")
		default:
			cause = classify(res.stderr)
		}
		return nil, fmt.Errorf("ssh: %s: %w", h.name, &fs.PathError{Op: "read", Path: path, Err: cause})
	}
	return res.stdout, nil
}

// isPerFile tells a per-file failure from one that stops the whole host.
func isPerFile(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) || errors.Is(err, host.ErrTooLarge)
}
