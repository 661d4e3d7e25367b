package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// OSRelease returns the fields of h's os-release(5) file: /etc/os-release,
// or /usr/lib/os-release when the former does not exist.
func OSRelease(ctx context.Context, h Host) (map[string]string, error) {
	data, err := h.ReadFile(ctx, "/etc/os-release")
	if errors.Is(err, fs.ErrNotExist) {
		data, err = h.ReadFile(ctx, "/usr/lib/os-release")
	}
	if err != nil {
		return nil, fmt.Errorf("host: os-release: %w", err)
	}
	return ParseOSRelease(data), nil
}

// ParseOSRelease parses os-release(5) text: KEY=value lines, values optionally
// quoted with shell quoting. Lines that are not assignments are skipped.
func ParseOSRelease(data []byte) map[string]string {
	out := make(map[string]string)
	for _, line := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			continue
		}
		out[k] = unquoteShell(v)
	}
	return out
}

// unquoteShell undoes the shell quoting os-release allows: single quotes
// (literal), double quotes (with \" \\ \$ \` escapes) and bare backslash
// escapes.
func unquoteShell(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\'':
			j := strings.IndexByte(v[i+1:], '\'')
			if j < 0 {
				b.WriteString(v[i+1:])
				return b.String()
			}
			b.WriteString(v[i+1 : i+1+j])
			i += j + 1
		case '"':
			for i++; i < len(v) && v[i] != '"'; i++ {
				if v[i] == '\\' && i+1 < len(v) && strings.IndexByte("\"\\$`", v[i+1]) >= 0 {
					i++
				}
				b.WriteByte(v[i])
			}
		case '\\':
			if i+1 < len(v) {
				i++
				b.WriteByte(v[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// PrettyOSName is the name Facts report: PRETTY_NAME, or NAME and VERSION.
func PrettyOSName(f map[string]string) string {
	if p := f["PRETTY_NAME"]; p != "" {
		return p
	}
	return strings.TrimSpace(f["NAME"] + " " + f["VERSION"])
}
