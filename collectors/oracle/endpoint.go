package oracle

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPort is the Oracle listener's port.
const DefaultPort = 1521

// Endpoint is a parsed target: where the listener is, which service to
// ask for, and whom to log in as.
type Endpoint struct {
	User    string
	Host    string // name or IP address (no brackets)
	Port    int    // 0 means DefaultPort
	Service string // service name (for example ORCLPDB1); "" asks the listener's default
	// SSL asks for TCPS (TLS) when the target says ?ssl=true; Config.SSL
	// also turns it on.
	SSL bool
}

// ParseTarget reads "oracle://user@host[:port][/service][?ssl=true]"
// ("[::1]" for IPv6). A password, in the user part or as a parameter, is
// refused with ErrPasswordInTarget. No error repeats the input, so a
// mistyped password does not reach a log.
func ParseTarget(s string) (Endpoint, error) {
	const scheme = "oracle://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return Endpoint{}, fmt.Errorf("oracle: target must look like oracle://user@host[:port]/service")
	}
	rest := s[len(scheme):]
	// A password may hold any character, so look for one before splitting:
	// a ':' before the last '@'.
	if at := strings.LastIndexByte(rest, '@'); at >= 0 && strings.Contains(rest[:at], ":") {
		return Endpoint{}, fmt.Errorf("%w (percent-encode '@' in names as %%40)", ErrPasswordInTarget)
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	if strings.Contains(rest, "#") || strings.Contains(query, "#") {
		return Endpoint{}, fmt.Errorf("oracle: target: fragments are not accepted")
	}
	authority, svc := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, svc = rest[:i], rest[i+1:]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return Endpoint{}, fmt.Errorf("oracle: target: name the user, as oracle://user@host/service")
	}
	var e Endpoint
	user, err := unescape(authority[:at], "user name")
	if err != nil {
		return Endpoint{}, err
	}
	e.User = user
	if err := e.parseHostPort(authority[at+1:]); err != nil {
		return Endpoint{}, err
	}
	if svc != "" {
		if strings.Contains(svc, "/") {
			return Endpoint{}, fmt.Errorf("oracle: target: the path must be one service name")
		}
		if e.Service, err = unescape(svc, "service name"); err != nil {
			return Endpoint{}, err
		}
		if strings.ContainsAny(e.Service, " \t()=,") {
			return Endpoint{}, fmt.Errorf("oracle: target: invalid service name")
		}
	}
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch strings.ToLower(k) {
			case "ssl":
				b, err := strconv.ParseBool(v)
				if err != nil {
					return Endpoint{}, fmt.Errorf("oracle: target: ssl must be true or false")
				}
				e.SSL = b
			case "password", "wallet_password", "wallet password":
				return Endpoint{}, fmt.Errorf("%w", ErrPasswordInTarget)
			default:
				// The key is not repeated: it could be a stray secret.
				return Endpoint{}, fmt.Errorf("oracle: target: only the ssl parameter is accepted; set the rest in Config")
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
			return fmt.Errorf("oracle: target: unclosed '[' in host")
		}
		host = hp[1:end]
		if after := hp[end+1:]; after != "" {
			if !strings.HasPrefix(after, ":") {
				return fmt.Errorf("oracle: target: unexpected text after ']'")
			}
			port = after[1:]
		}
		if net.ParseIP(host) == nil {
			return fmt.Errorf("oracle: target: the bracketed host is not an IP address")
		}
	case strings.Count(hp, ":") == 1:
		i := strings.IndexByte(hp, ':')
		host, port = hp[:i], hp[i+1:]
	case strings.Count(hp, ":") > 1:
		return fmt.Errorf("oracle: target: write IPv6 addresses in brackets, as oracle://user@[::1]:1521/service")
	}
	h, err := unescape(host, "host")
	if err != nil {
		return err
	}
	if strings.ContainsAny(h, " \t\r\n[]@,/()=") {
		return fmt.Errorf("oracle: target: invalid host")
	}
	e.Host = h
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("oracle: target: invalid port")
		}
		e.Port = n
	}
	return nil
}

func unescape(s, what string) (string, error) {
	v, err := url.PathUnescape(s)
	if err != nil || v == "" || hasControl(v) {
		return "", fmt.Errorf("oracle: target: invalid %s", what)
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

func (e Endpoint) port() int {
	if e.Port == 0 {
		return DefaultPort
	}
	return e.Port
}

// String gives the endpoint back as oracle://user@host:port/service, with
// the port always written. It never holds a secret.
func (e Endpoint) String() string {
	host := e.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	s := fmt.Sprintf("oracle://%s@%s:%d/%s", escapeName(e.User), host, e.port(), escapeName(e.Service))
	if e.SSL {
		s += "?ssl=true"
	}
	return s
}

// escapeName writes a name so that ParseTarget reads it back.
func escapeName(s string) string {
	return strings.NewReplacer("@", "%40", ":", "%3A").Replace(url.PathEscape(s))
}
