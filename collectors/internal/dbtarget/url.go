package dbtarget

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Syntax is one database's form of the target grammar
// scheme://user@host[:port][/path][?param=value]: a user is required, a
// password anywhere is refused, the path is one name, and a single query
// parameter is accepted. Every error starts with the first scheme, and
// none repeats the input, so a mistyped password does not reach a log.
type Syntax struct {
	// Schemes are the accepted schemes, lower case ("postgres",
	// "postgresql"). The first one prefixes errors and is what Format
	// writes.
	Schemes []string
	// DefaultPort and PathWord ("service", "database") fill the examples
	// in errors; PathWord+" name" is what an invalid path is called.
	DefaultPort int
	PathWord    string
	// HostChars are characters refused in a host besides white space,
	// brackets, '@' and ','.
	HostChars string
	// Param is the one query parameter accepted (lower case); its values
	// are handed back unchecked in URL.Params.
	Param string
	// SecretParams are query parameters that carry a password; they are
	// refused with ErrPasswordInTarget.
	SecretParams []string
}

// URL is a target read by Parse, its names unescaped.
type URL struct {
	User string
	Host string // name, IP address without brackets, or what HostChars lets through
	Port int    // 0 when the target names none
	Path string // "" when the target names none
	// Params are the values of Syntax.Param, in the order written.
	Params []string
}

func (syn Syntax) name() string { return syn.Schemes[0] }

// errorf is an error about the target, in this syntax's words.
func (syn Syntax) errorf(format string, args ...any) error {
	return fmt.Errorf(syn.name()+": target: "+format, args...)
}

// Parse reads s in this syntax.
func (syn Syntax) Parse(s string) (URL, error) {
	rest, ok := "", false
	for _, scheme := range syn.Schemes {
		prefix := scheme + "://"
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			rest, ok = s[len(prefix):], true
			break
		}
	}
	if !ok || rest == "" {
		return URL{}, fmt.Errorf("%s: target must look like %s://user@host[:port]/%s", syn.name(), syn.name(), syn.PathWord)
	}
	// A password may hold any character, '/', '?' and '@' included, so look
	// for one before splitting anything: a ':' before the last '@'.
	if at := strings.LastIndexByte(rest, '@'); at >= 0 && strings.Contains(rest[:at], ":") {
		return URL{}, fmt.Errorf("%s: %w (percent-encode '@' in names as %%40)", syn.name(), ErrPasswordInTarget)
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	if strings.Contains(rest, "#") || strings.Contains(query, "#") {
		return URL{}, syn.errorf("fragments are not accepted")
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i+1:]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return URL{}, syn.errorf("name the user, as %s://user@host/%s", syn.name(), syn.PathWord)
	}
	var u URL
	var err error
	if u.User, err = syn.unescape(authority[:at], "user name"); err != nil {
		return URL{}, err
	}
	if err := syn.hostPort(&u, authority[at+1:]); err != nil {
		return URL{}, err
	}
	if path != "" {
		if strings.Contains(path, "/") {
			return URL{}, syn.errorf("the path must be one %s name", syn.PathWord)
		}
		if u.Path, err = syn.unescape(path, syn.PathWord+" name"); err != nil {
			return URL{}, err
		}
	}
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			k = strings.ToLower(k)
			switch {
			case k == syn.Param:
				u.Params = append(u.Params, v)
			case slices.Contains(syn.SecretParams, k):
				return URL{}, fmt.Errorf("%s: %w", syn.name(), ErrPasswordInTarget)
			default:
				// The key is not repeated: it could be a stray secret.
				return URL{}, syn.errorf("only the %s parameter is accepted; set the rest in Config", syn.Param)
			}
		}
	}
	return u, nil
}

func (syn Syntax) hostPort(u *URL, hp string) error {
	host, port := hp, ""
	switch {
	case strings.HasPrefix(hp, "["):
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return syn.errorf("unclosed '[' in host")
		}
		host = hp[1:end]
		if after := hp[end+1:]; after != "" {
			if !strings.HasPrefix(after, ":") {
				return syn.errorf("unexpected text after ']'")
			}
			port = after[1:]
		}
		if net.ParseIP(host) == nil {
			return syn.errorf("the bracketed host is not an IP address")
		}
	case strings.Count(hp, ":") == 1:
		i := strings.IndexByte(hp, ':')
		host, port = hp[:i], hp[i+1:]
	case strings.Count(hp, ":") > 1:
		return syn.errorf("write IPv6 addresses in brackets, as %s://user@[::1]:%d/%s", syn.name(), syn.DefaultPort, syn.PathWord)
	}
	h, err := syn.unescape(host, "host")
	if err != nil {
		return err
	}
	if strings.ContainsAny(h, " \t\r\n[]@,"+syn.HostChars) {
		return syn.errorf("invalid host")
	}
	u.Host = h
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return syn.errorf("invalid port")
		}
		u.Port = n
	}
	return nil
}

func (syn Syntax) unescape(s, what string) (string, error) {
	v, err := url.PathUnescape(s)
	if err != nil || v == "" || hasControl(v) {
		return "", syn.errorf("invalid %s", what)
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

// Format writes a target back in this syntax, with the port always
// written, so that Parse reads it back: scheme://user@host:port/path. A
// host holding ':' is bracketed; one starting with '/' (a Unix socket
// directory) is percent-encoded. It never holds a secret.
func (syn Syntax) Format(user, host string, port int, path string) string {
	switch {
	case strings.HasPrefix(host, "/"):
		host = url.PathEscape(host)
	case strings.Contains(host, ":"):
		host = "[" + host + "]"
	}
	return fmt.Sprintf("%s://%s@%s:%d/%s", syn.name(), escapeName(user), host, port, escapeName(path))
}

// escapeName writes a name so that Parse reads it back: '@' and ':' too
// are escaped, as they delimit the user part.
func escapeName(s string) string {
	return strings.NewReplacer("@", "%40", ":", "%3A").Replace(url.PathEscape(s))
}
