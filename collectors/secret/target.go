package secret

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/stigscan/stigscan/internal/clip"
)

// Target is a target string (a URL such as ssh://user@host, or a path
// form such as an offline root's) with its secrets removed: the password of the user part, the
// values of query parameters that are not known to be harmless, and any
// fragment. It is what summaries, progress lines, logs, errors and reports
// write in place of the string a user typed; every way of printing it
// (String, fmt verbs, JSON, text, slog) gives the redacted form. The zero
// Target is the empty string.
//
// Redaction keeps by allow-list: a query parameter's value is kept only
// when the parameter is public (isPublicParam), its name only when it is
// that or a known secret parameter (isSecretParam); anything else becomes
// "[redacted]", as a mistyped name may itself be a secret.
type Target struct{ s string }

// MaxTargetLen bounds a redacted target: longer input is cut, so an
// unbounded inventory line never reaches a log whole.
const MaxTargetLen = 256

// isPublicParam reports the query parameters whose values are written as
// given (name in lower case): connection modes, names and file paths,
// never a secret. A switch, not a map, so that no code can add to the list
// at run time.
func isPublicParam(name string) bool {
	switch name {
	case // PostgreSQL
		"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout",
		"application_name", "target_session_attrs",
		// MongoDB
		"authsource", "authmechanism", "replicaset", "tls", "ssl",
		"tlscafile", "tlscertificatekeyfile", "tlsinsecure", "tlsallowinvalidcertificates",
		"tlsallowinvalidhostnames", "directconnection", "readpreference", "appname",
		"connecttimeoutms", "serverselectiontimeoutms", "sockettimeoutms", "retrywrites",
		"retryreads", "w", "loadbalanced", "compressors", "maxpoolsize",
		// Oracle
		"service_name", "sid":
		return true
	}
	return false
}

// isSecretParam reports query parameters known to carry a secret: their
// name is kept and their value redacted, so the reader sees what was
// refused.
func isSecretParam(name string) bool {
	switch name {
	case "password", "pwd", "passwd", "pass", "sslpassword", "passfile",
		"passphrase", "secret", "token", "wallet_password",
		"tlscertificatekeyfilepassword", "sslpemkeypassword", "sslclientcertificatekeypassword",
		"authmechanismproperties":
		return true
	}
	return false
}

// RedactTarget removes the secrets from a target string. It is idempotent:
// a redacted form redacts to itself.
func RedactTarget(s string) Target { return Target{s: redactTarget(s)} }

func redactTarget(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, s)
	if pathForm(s) {
		// "scheme:/path" has no authority, so no user part: the
		// grammar has no place for a secret in it (an offline root's
		// folder may hold '@', ':' or '?').
		return bound(s)
	}
	prefix, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, rest = s[:i+3], s[i+3:]
	}
	// A password may hold any character, '/', '?', '#' and '@' included:
	// a ':' anywhere before the last '@' starts one, and everything up to
	// that '@' goes. This redacts too much in odd cases (an '@' in a query
	// value), never too little.
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
			if strings.ContainsAny(rest[:at], "?#") {
				// The last '@' may stand in a query value or a
				// fragment (?password=a@b), so what follows it may be
				// part of a secret: nothing after the scheme is kept.
				return bound(prefix + redacted)
			}
			rest = rest[:c] + ":" + redacted + rest[at:]
		}
	}
	fragment := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, fragment = rest[:i], "#"+redacted
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i] + "?" + redactQuery(rest[i+1:])
	}
	return bound(prefix + rest + fragment)
}

// pathForm reports whether s is "scheme:/path": a URI scheme (a letter,
// then letters, digits, '+', '-' or '.') and an absolute path with no
// authority ("//"). A user part, where a password goes, belongs to an
// authority only.
func pathForm(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || !strings.HasPrefix(s[i+1:], "/") || strings.HasPrefix(s[i+1:], "//") {
		return false
	}
	for j, r := range s[:i] {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

func redactQuery(q string) string {
	var b strings.Builder
	start := 0
	for i := 0; i <= len(q); i++ {
		if i < len(q) && q[i] != '&' && q[i] != ';' {
			continue
		}
		pair := q[start:i]
		k, _, hasValue := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		name = strings.ToLower(name)
		switch {
		case pair == "" || pair == redacted || cutMark(pair):
			b.WriteString(pair)
		case err != nil:
			b.WriteString(redacted)
		case isPublicParam(name):
			b.WriteString(pair)
		case isSecretParam(name) && hasValue:
			b.WriteString(k + "=" + redacted)
		default:
			b.WriteString(redacted)
		}
		if i < len(q) {
			b.WriteByte(q[i])
		}
		start = i + 1
	}
	return b.String()
}

// cutMark reports whether pair is where bound cut a redacted form
// ("[reda…", "password=[re…"): it holds no secret, and is kept so that
// redacting a redacted form changes nothing.
func cutMark(pair string) bool {
	v, ok := strings.CutSuffix(pair, "…")
	if !ok {
		return false
	}
	if _, val, hasValue := strings.Cut(v, "="); hasValue {
		v = val
	}
	return strings.HasPrefix(redacted, v)
}

func bound(s string) string {
	if len(s) <= MaxTargetLen {
		return s
	}
	return clip.Cut(s, MaxTargetLen-len("…"), "…") // the mark counts: the form is at most MaxTargetLen
}

// String is the redacted target.
func (t Target) String() string { return t.s }

// GoString implements fmt.GoStringer with the redacted form.
func (t Target) GoString() string { return fmt.Sprintf("%q", t.s) }

// Format implements fmt.Formatter: every verb prints the redacted form (%q
// quoted).
func (t Target) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = fmt.Fprintf(f, "%q", t.s)
		return
	}
	_, _ = io.WriteString(f, t.s)
}

// MarshalJSON implements json.Marshaler.
func (t Target) MarshalJSON() ([]byte, error) { return json.Marshal(t.s) }

// UnmarshalJSON implements json.Unmarshaler; what is read is redacted
// again, so a file written by hand cannot bring a secret back.
func (t *Target) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = RedactTarget(s)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (t Target) MarshalText() ([]byte, error) { return []byte(t.s), nil }

// LogValue implements slog.LogValuer.
func (t Target) LogValue() slog.Value { return slog.StringValue(t.s) }
