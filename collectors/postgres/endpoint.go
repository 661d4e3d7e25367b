package postgres

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPort is PostgreSQL's port.
const DefaultPort = 5432

// sslModeList names the SSL modes, as libpq does.
const sslModeList = "disable, allow, prefer, require, verify-ca, verify-full"

func validSSLMode(m string) bool {
	switch m {
	case "disable", "allow", "prefer", "require", "verify-ca", "verify-full":
		return true
	}
	return false
}

// Endpoint is a parsed target: where the server is and whom to log in as.
type Endpoint struct {
	User     string
	Host     string // name, IP address (no brackets) or, when it starts with '/', a Unix socket directory
	Port     int    // 0 means DefaultPort
	Database string // "" means the same as User, as libpq does
	SSLMode  string // "" means Config.SSLMode, else "prefer"
}

// ParseTarget reads "postgres://user@host[:port][/db][?sslmode=mode]"
// ("postgresql://" too; "[::1]" for IPv6; a Unix socket directory
// percent-encoded as the host, "postgres://u@%2Fvar%2Frun%2Fpostgresql/db").
// A password, in the user part or as a parameter, is refused with
// ErrPasswordInTarget. No error repeats the input, so a mistyped
// password does not reach a log.
func ParseTarget(s string) (Endpoint, error) {
	var rest string
	for _, scheme := range []string{"postgres://", "postgresql://"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			rest = s[len(scheme):]
			break
		}
	}
	if rest == "" {
		return Endpoint{}, fmt.Errorf("postgres: target must look like postgres://user@host[:port]/database")
	}
	// A password may hold any character, '/', '?' and '@' included, so look
	// for one before splitting anything: a ':' before the last '@'.
	if at := strings.LastIndexByte(rest, '@'); at >= 0 && strings.Contains(rest[:at], ":") {
		return Endpoint{}, fmt.Errorf("%w (percent-encode '@' in names as %%40)", ErrPasswordInTarget)
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	if strings.ContainsAny(rest, "#") || strings.Contains(query, "#") {
		return Endpoint{}, fmt.Errorf("postgres: target: fragments are not accepted")
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i+1:]
	}
	var e Endpoint
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return Endpoint{}, fmt.Errorf("postgres: target: name the user, as postgres://user@host")
	}
	user, err := unescape(authority[:at], "user name")
	if err != nil {
		return Endpoint{}, err
	}
	e.User = user
	if err := e.parseHostPort(authority[at+1:]); err != nil {
		return Endpoint{}, err
	}
	if path != "" {
		if e.Database, err = unescape(path, "database name"); err != nil {
			return Endpoint{}, err
		}
		if strings.Contains(path, "/") {
			return Endpoint{}, fmt.Errorf("postgres: target: the path must be one database name")
		}
	}
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch strings.ToLower(k) {
			case "sslmode":
				if !validSSLMode(v) {
					return Endpoint{}, fmt.Errorf("postgres: target: sslmode must be one of %s", sslModeList)
				}
				e.SSLMode = v
			case "password", "passfile", "sslpassword":
				return Endpoint{}, fmt.Errorf("%w", ErrPasswordInTarget)
			default:
				// The key is not repeated: it could be a stray secret.
				return Endpoint{}, fmt.Errorf("postgres: target: only the sslmode parameter is accepted; set the rest in Config")
			}
		}
	}
	return e, nil
}

func (e *Endpoint) parseHostPort(hp string) error {
	host, port := hp, ""
	switch {
	case strings.HasPrefix(hp, "["):
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return fmt.Errorf("postgres: target: unclosed '[' in host")
		}
		host = hp[1:end]
		if after := hp[end+1:]; after != "" {
			if !strings.HasPrefix(after, ":") {
				return fmt.Errorf("postgres: target: unexpected text after ']'")
			}
			port = after[1:]
		}
		if net.ParseIP(host) == nil {
			return fmt.Errorf("postgres: target: the bracketed host is not an IP address")
		}
	case strings.Count(hp, ":") == 1:
		i := strings.IndexByte(hp, ':')
		host, port = hp[:i], hp[i+1:]
	case strings.Count(hp, ":") > 1:
		return fmt.Errorf("postgres: target: write IPv6 addresses in brackets, as postgres://user@[::1]:5432/db")
	}
	h, err := unescape(host, "host")
	if err != nil {
		return err
	}
	if h == "" || strings.ContainsAny(h, " \t\r\n[]@,") {
		return fmt.Errorf("postgres: target: invalid host")
	}
	e.Host = h
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("postgres: target: invalid port")
		}
		e.Port = n
	}
	return nil
}

func unescape(s, what string) (string, error) {
	v, err := url.PathUnescape(s)
	if err != nil || v == "" || hasControl(v) {
		return "", fmt.Errorf("postgres: target: invalid %s", what)
	}
	return v, nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// database is the database connected to: Database, else User.
func (e Endpoint) database() string {
	if e.Database != "" {
		return e.Database
	}
	return e.User
}

func (e Endpoint) port() int {
	if e.Port == 0 {
		return DefaultPort
	}
	return e.Port
}

// IsSocket reports whether Host is a Unix socket directory.
func (e Endpoint) IsSocket() bool { return strings.HasPrefix(e.Host, "/") }

// String gives the endpoint back as postgres://user@host:port/db, with the
// port and database always written and without sslmode. It never holds a
// secret.
func (e Endpoint) String() string {
	host := e.Host
	switch {
	case e.IsSocket():
		host = url.PathEscape(host)
	case strings.Contains(host, ":"):
		host = "[" + host + "]"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", escapeName(e.User), host, e.port(), escapeName(e.database()))
}

// escapeName writes a user or database name so that ParseTarget reads it
// back: '@' and ':' too are escaped, as they delimit the user part.
func escapeName(s string) string {
	return strings.NewReplacer("@", "%40", ":", "%3A").Replace(url.PathEscape(s))
}
