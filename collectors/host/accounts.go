package host

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// PasswdEntry is one line of /etc/passwd (passwd(5)).
type PasswdEntry struct {
	Username string
	Password string // usually "x": the hash lives in /etc/shadow
	UID      int64
	GID      int64
	GCOS     string
	HomeDir  string
	Shell    string
}

// GroupEntry is one line of /etc/group (group(5)).
type GroupEntry struct {
	Name     string
	Password string
	GID      int64
	Members  []string
}

// Passwd returns the accounts in h's /etc/passwd, in file order: order
// matters when a name or UID appears twice, since the first one wins.
func Passwd(ctx context.Context, h Host) ([]PasswdEntry, error) {
	data, err := h.ReadFile(ctx, "/etc/passwd")
	if err != nil {
		return nil, fmt.Errorf("host: passwd: %w", err)
	}
	return ParsePasswd(data), nil
}

// Group returns the groups in h's /etc/group, in file order.
func Group(ctx context.Context, h Host) ([]GroupEntry, error) {
	data, err := h.ReadFile(ctx, "/etc/group")
	if err != nil {
		return nil, fmt.Errorf("host: group: %w", err)
	}
	return ParseGroup(data), nil
}

// ParsePasswd parses passwd(5) text. Blank lines, comments, NIS compat lines
// ("+" or "-") and malformed lines are skipped, as glibc's files backend
// skips them.
func ParsePasswd(data []byte) []PasswdEntry {
	var out []PasswdEntry
	for _, f := range colonLines(data, 7) {
		uid, err1 := parseID(f[2])
		gid, err2 := parseID(f[3])
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, PasswdEntry{
			Username: f[0], Password: f[1], UID: uid, GID: gid,
			GCOS: f[4], HomeDir: f[5], Shell: f[6],
		})
	}
	return out
}

// ParseGroup parses group(5) text, skipping lines as ParsePasswd does.
func ParseGroup(data []byte) []GroupEntry {
	var out []GroupEntry
	for _, f := range colonLines(data, 4) {
		gid, err := parseID(f[2])
		if err != nil {
			continue
		}
		var members []string
		for _, m := range strings.Split(f[3], ",") {
			if m = strings.TrimSpace(m); m != "" {
				members = append(members, m)
			}
		}
		out = append(out, GroupEntry{Name: f[0], Password: f[1], GID: gid, Members: members})
	}
	return out
}

// colonLines splits each meaningful line of a colon-separated database into
// exactly n fields, dropping lines that have another count.
func colonLines(data []byte, n int) [][]string {
	var out [][]string
	for _, line := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSuffix(string(line), "\r")
		if skipDBLine(s) {
			continue
		}
		f := strings.Split(s, ":")
		if len(f) != n || f[0] == "" {
			continue
		}
		out = append(out, f)
	}
	return out
}

func skipDBLine(s string) bool {
	t := strings.TrimSpace(s)
	return t == "" || t[0] == '#' || t[0] == '+' || t[0] == '-'
}

// parseID parses a user or group id. IDs are unsigned 32-bit on Linux.
func parseID(s string) (int64, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	return int64(v), err
}
