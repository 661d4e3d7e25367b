package host

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// ShadowEntry is one line of /etc/shadow (shadow(5)). Day counts are days
// since 1970-01-01; a field left empty in the file is -1.
type ShadowEntry struct {
	Username   string
	Password   string
	LastChange int64 // chg_lst
	Min        int64 // chg_allow: minimum days between changes
	Max        int64 // chg_req: maximum days a password is valid
	Warn       int64 // exp_warn
	Inactive   int64 // exp_inact: grace days after expiry
	Expire     int64 // exp_date: account expiry day
	Flag       string
	// EncryptMethod names the hash scheme as OVAL's
	// EntityStateEncryptMethodType does: DES, BSDi, MD5, Blowfish,
	// Sun MD5, SHA-256, SHA-512, yescrypt, or "" when the field holds no
	// hash (empty, "*", "!") or one of another scheme.
	EncryptMethod string
}

// Shadow returns the entries of h's /etc/shadow, in file order. Reading it
// needs root on a live host; the error then matches fs.ErrPermission.
func Shadow(ctx context.Context, h Host) ([]ShadowEntry, error) {
	data, err := h.ReadFile(ctx, "/etc/shadow")
	if err != nil {
		return nil, fmt.Errorf("host: shadow: %w", err)
	}
	return ParseShadow(data), nil
}

// ParseShadow parses shadow(5) text. Like glibc, it accepts the full nine
// fields or the old two-field form (name:password, the rest unset); other
// lines, comments and NIS compat lines are skipped. A number field that is
// not a number is treated as empty.
func ParseShadow(data []byte) []ShadowEntry {
	var out []ShadowEntry
	for _, line := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSuffix(string(line), "\r")
		if skipDBLine(s) {
			continue
		}
		f := strings.Split(s, ":")
		switch {
		case len(f) == 2:
			f = append(f, "", "", "", "", "", "", "")
		case len(f) != 9:
			continue
		}
		if f[0] == "" {
			continue
		}
		out = append(out, ShadowEntry{
			Username:      f[0],
			Password:      f[1],
			LastChange:    shadowDays(f[2]),
			Min:           shadowDays(f[3]),
			Max:           shadowDays(f[4]),
			Warn:          shadowDays(f[5]),
			Inactive:      shadowDays(f[6]),
			Expire:        shadowDays(f[7]),
			Flag:          f[8],
			EncryptMethod: EncryptMethod(f[1]),
		})
	}
	return out
}

func shadowDays(s string) int64 {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return -1
	}
	return v
}

// EncryptMethod names the crypt(3) scheme of a shadow password field. A
// leading "!" (a locked account) is skipped: the hash behind it still has a
// scheme. Traditional DES is recognised only in its exact form, 13
// characters of the crypt alphabet, so "*" and "!!" are "" rather than DES.
func EncryptMethod(password string) string {
	p := strings.TrimLeft(password, "!")
	switch {
	case strings.HasPrefix(p, "$1$"):
		return "MD5"
	case strings.HasPrefix(p, "$2$"), strings.HasPrefix(p, "$2a$"), strings.HasPrefix(p, "$2b$"),
		strings.HasPrefix(p, "$2x$"), strings.HasPrefix(p, "$2y$"):
		return "Blowfish"
	case strings.HasPrefix(p, "$md5$"), strings.HasPrefix(p, "$md5,"):
		return "Sun MD5"
	case strings.HasPrefix(p, "$5$"):
		return "SHA-256"
	case strings.HasPrefix(p, "$6$"):
		return "SHA-512"
	case strings.HasPrefix(p, "$y$"):
		return "yescrypt"
	case len(p) == 20 && p[0] == '_' && cryptAlphabet(p[1:]):
		return "BSDi"
	case len(p) == 13 && cryptAlphabet(p):
		return "DES"
	}
	return ""
}

func cryptAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '/' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
