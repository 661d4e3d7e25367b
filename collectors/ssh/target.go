package ssh

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Target names one machine to scan.
type Target struct {
	User string // may be empty: Config.User is used
	Host string // name or IP address, without brackets
	Port int    // 0: Config.Port, else 22
}

// ParseTarget reads "ssh://user@host[:port]" ("ssh://user@[::1]:2222" for
// IPv6). A password in the target ("ssh://user:secret@host") is refused
// with ErrPasswordInTarget; the error never repeats the input, so the
// password does not reach a log. Paths, queries and fragments are refused.
func ParseTarget(s string) (Target, error) {
	const scheme = "ssh://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return Target{}, fmt.Errorf("ssh: target must look like ssh://user@host[:port]")
	}
	rest := strings.TrimSuffix(s[len(scheme):], "/")
	var t Target
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		userinfo := rest[:i]
		rest = rest[i+1:]
		if strings.Contains(userinfo, ":") {
			return Target{}, fmt.Errorf("%w: use Config.Password with SecretFromFile or SecretFromEnv, or the ssh-agent", ErrPasswordInTarget)
		}
		if userinfo == "" || strings.ContainsAny(userinfo, "/?#@ \t\r\n") || hasControl(userinfo) {
			return Target{}, fmt.Errorf("ssh: target: invalid user name")
		}
		t.User = userinfo
	}
	if strings.ContainsAny(rest, "/?#") {
		return Target{}, fmt.Errorf("ssh: target: only ssh://user@host[:port] is accepted (no path, query or fragment)")
	}
	host, port := rest, ""
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return Target{}, fmt.Errorf("ssh: target: unclosed '[' in host")
		}
		host = rest[1:end]
		after := rest[end+1:]
		if after != "" {
			if !strings.HasPrefix(after, ":") {
				return Target{}, fmt.Errorf("ssh: target: unexpected text after ']'")
			}
			port = after[1:]
		}
		if net.ParseIP(host) == nil {
			return Target{}, fmt.Errorf("ssh: target: %q in brackets is not an IP address", host)
		}
	case strings.Count(rest, ":") == 1:
		i := strings.IndexByte(rest, ':')
		host, port = rest[:i], rest[i+1:]
	case strings.Count(rest, ":") > 1:
		return Target{}, fmt.Errorf("ssh: target: write IPv6 addresses in brackets, as ssh://user@[::1]:22")
	}
	if host == "" || strings.ContainsAny(host, " \t\r\n[]@") || hasControl(host) {
		return Target{}, fmt.Errorf("ssh: target: invalid host")
	}
	t.Host = host
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("ssh: target: invalid port %q", port)
		}
		t.Port = n
	}
	return t, nil
}

// String gives the target back in ssh:// form.
func (t Target) String() string {
	s := "ssh://"
	if t.User != "" {
		s += t.User + "@"
	}
	if t.Port == 0 {
		if strings.Contains(t.Host, ":") {
			return s + "[" + t.Host + "]"
		}
		return s + t.Host
	}
	return s + net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
