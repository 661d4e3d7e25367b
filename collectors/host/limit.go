package host

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxFileBytes is the per-file read cap a Host uses when it is given
// none: larger than any configuration file a check reads, small enough that
// a few reads at once cannot exhaust the scanner's memory.
const DefaultMaxFileBytes int64 = 64 << 20

// ErrTooLarge reports that a file is larger than the read cap of the host
// or the evaluation. Its content is never returned, in part or in full.
var ErrTooLarge = errors.New("host: file exceeds the read cap")

// TooLargeError names the file and the cap it exceeded. It matches
// ErrTooLarge.
type TooLargeError struct {
	Path  string // the path on the target
	Limit int64  // the cap, in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: file is larger than the read cap of %d bytes (set --max-file-bytes to raise it)", e.Path, e.Limit)
}

// Is makes a TooLargeError match ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// LimitedReader is an optional ability of a Host: reading a file with a cap
// smaller than the one the host was built with (an evaluation's own cap).
// Implementations read at most limit+1 bytes of the file and fail with an
// error matching ErrTooLarge past limit.
type LimitedReader interface {
	ReadFileLimit(ctx context.Context, path string, limit int64) ([]byte, error)
}

// ReadFileLimit reads path from h with at most limit bytes: through the
// host's LimitedReader when it has one, else through ReadFile (bounded by
// the host's own cap) with the result checked against limit. limit <= 0
// means the host's own cap.
func ReadFileLimit(ctx context.Context, h Host, path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		return h.ReadFile(ctx, path)
	}
	if lr, ok := h.(LimitedReader); ok {
		return lr.ReadFileLimit(ctx, path, limit)
	}
	data, err := h.ReadFile(ctx, path)
	if err == nil && int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return data, err
}

// EffectiveLimit returns limit, or DefaultMaxFileBytes when limit is not
// positive: what a Host constructor does with the cap it is given.
func EffectiveLimit(limit int64) int64 {
	if limit <= 0 {
		return DefaultMaxFileBytes
	}
	return limit
}

// ReadAllLimit reads r to its end, at most limit bytes. size is what the
// file's metadata said (0 when unknown: /proc files report 0), used both to
// refuse a file known to be too large before reading any of it and to size
// the buffer. Reading more than limit bytes fails with a TooLargeError for
// path, whatever size said: a file may grow, and a sparse or special file
// may report a size that is not what it yields.
func ReadAllLimit(r io.Reader, path string, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	initial := size + 1 // one more to see the end without growing
	if initial < 512 {
		initial = 512
	}
	if initial > limit+1 {
		initial = limit + 1
	}
	buf := make([]byte, 0, initial)
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			// Grow by doubling, never past limit+1: the buffer is
			// what bounds the memory of a read.
			grown := min(2*int64(cap(buf)), limit+1)
			nb := make([]byte, len(buf), grown)
			copy(nb, buf)
			buf = nb
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &TooLargeError{Path: path, Limit: limit}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
