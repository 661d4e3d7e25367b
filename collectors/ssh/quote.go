package ssh

import (
	"errors"
	"strings"
)

// Quote returns s as one POSIX shell word: wrapped in single quotes, where
// each embedded single quote closes the quoted run, appears escaped as \'
// and opens a new run. Inside single quotes a POSIX shell
// gives no character a special meaning, so newlines, $(), backquotes and
// globs stay literal. A NUL byte cannot be passed to a shell at all; callers
// reject such paths first (see checkPath).
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var errBadPath = errors.New("path must be absolute and free of NUL bytes")

// checkPath accepts only what the Host contract allows: absolute paths. A
// path starting with "/" can never be mistaken for an option or for "-"
// (standard input) by the tools the scripts run.
func checkPath(p string) error {
	if !strings.HasPrefix(p, "/") || strings.IndexByte(p, 0) >= 0 {
		return errBadPath
	}
	return nil
}
