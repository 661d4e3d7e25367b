package mongodb

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Schemes of a MongoDB target.
const (
	SchemeMongoDB = "mongodb"
	SchemeSRV     = "mongodb+srv"
)

// ErrPasswordInURI refuses "mongodb://user:secret@host": a password on a
// command line ends up in shell history, process lists and logs. The error
// never repeats the URI.
var ErrPasswordInURI = errors.New("mongodb: a password in the target URI is refused; give it with Config.Password (from a file or an environment variable)")

// secretOptions are URI options whose value is a secret; they are refused
// like a password.
var secretOptions = map[string]bool{
	"tlscertificatekeyfilepassword":   true,
	"sslpemkeypassword":               true,
	"sslclientcertificatekeypassword": true,
	"password":                        true,
}

// Endpoint is a parsed target URI: where the server is and who logs in,
// never a password.
type Endpoint struct {
	SRV      bool     // mongodb+srv: Hosts holds the one DNS name
	User     string   // unescaped user name; an x.509 subject for MONGODB-X509
	Hosts    []string // host[:port] as written
	Database string   // the path: default authentication database
	// Options are the URI options in the order written, names as written.
	Options []Option
}

// Option is one URI option.
type Option struct{ Name, Value string }

// ParseURI reads a mongodb:// or mongodb+srv:// target. A password (in the
// user information or in an option that carries one) is refused with
// ErrPasswordInURI; no error repeats the URI.
func ParseURI(s string) (Endpoint, error) {
	var e Endpoint
	rest, ok := strings.CutPrefix(s, SchemeSRV+"://")
	if ok {
		e.SRV = true
	} else if rest, ok = strings.CutPrefix(s, SchemeMongoDB+"://"); !ok {
		return Endpoint{}, errors.New("mongodb: the target must start with mongodb:// or mongodb+srv://")
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	// The user information ends at the last '@' before the options, even
	// when a careless password holds an unescaped '/'.
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		userinfo := rest[:i]
		rest = rest[i+1:]
		if strings.Contains(userinfo, ":") {
			return Endpoint{}, ErrPasswordInURI
		}
		u, err := url.PathUnescape(userinfo)
		if err != nil {
			return Endpoint{}, errors.New("mongodb: the user name in the target is not validly percent-encoded")
		}
		if u == "" {
			return Endpoint{}, errors.New("mongodb: the target has an empty user name before '@'")
		}
		e.User = u
	}
	hosts, path, _ := strings.Cut(rest, "/")
	if hosts == "" {
		return Endpoint{}, errors.New("mongodb: the target names no host")
	}
	for _, h := range strings.Split(hosts, ",") {
		if h == "" || strings.ContainsAny(h, " \t\r\n") {
			return Endpoint{}, fmt.Errorf("mongodb: the target has an invalid host list")
		}
		e.Hosts = append(e.Hosts, h)
	}
	if e.SRV && (len(e.Hosts) != 1 || strings.Contains(e.Hosts[0], ":")) {
		return Endpoint{}, errors.New("mongodb: a mongodb+srv target names exactly one host, without a port")
	}
	db, err := url.PathUnescape(path)
	if err != nil {
		return Endpoint{}, errors.New("mongodb: the database in the target is not validly percent-encoded")
	}
	e.Database = db
	if query != "" {
		for _, kv := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
			name, value, _ := strings.Cut(kv, "=")
			if secretOptions[strings.ToLower(name)] {
				return Endpoint{}, ErrPasswordInURI
			}
			v, err := url.QueryUnescape(value)
			if err != nil {
				return Endpoint{}, fmt.Errorf("mongodb: option %s of the target is not validly percent-encoded", name)
			}
			// AWS credentials ride in authMechanismProperties.
			if strings.EqualFold(name, "authMechanismProperties") && strings.Contains(strings.ToUpper(v), "AWS_SESSION_TOKEN") {
				return Endpoint{}, ErrPasswordInURI
			}
			e.Options = append(e.Options, Option{Name: name, Value: v})
		}
	}
	return e, nil
}

// Option returns the value of the named option (case-insensitive) and
// whether it is set.
func (e Endpoint) Option(name string) (string, bool) {
	for _, o := range e.Options {
		if strings.EqualFold(o.Name, name) {
			return o.Value, true
		}
	}
	return "", false
}

// String is the target for results and logs: scheme, user, hosts and
// database, without options (some carry file paths or tokens) and never a
// password.
func (e Endpoint) String() string {
	var b strings.Builder
	b.WriteString(e.scheme())
	b.WriteString("://")
	if e.User != "" {
		b.WriteString(escapeComponent(e.User))
		b.WriteByte('@')
	}
	b.WriteString(strings.Join(e.Hosts, ","))
	b.WriteByte('/')
	b.WriteString(escapeComponent(e.Database))
	return b.String()
}

// escapeComponent percent-encodes every byte of a user name or database
// but RFC 3986's unreserved ones and '=' (X.509 subjects read better with
// it, and ParseURI gives it no meaning there). url.PathEscape leaves ':' and '@' as
// they are, and ParseURI reads a ':' in the user information as a
// password and the last '@' as its end, so a name holding either would
// not parse back.
func escapeComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '=' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func (e Endpoint) scheme() string {
	if e.SRV {
		return SchemeSRV
	}
	return SchemeMongoDB
}

// driverURI is what the driver parses: no user information (credentials
// go through options.Credential), options re-encoded in a stable order.
func (e Endpoint) driverURI() string {
	var b strings.Builder
	b.WriteString(e.scheme())
	b.WriteString("://")
	b.WriteString(strings.Join(e.Hosts, ","))
	b.WriteByte('/')
	b.WriteString(escapeComponent(e.Database))
	if len(e.Options) > 0 {
		opts := append([]Option(nil), e.Options...)
		sort.SliceStable(opts, func(i, j int) bool { return strings.ToLower(opts[i].Name) < strings.ToLower(opts[j].Name) })
		b.WriteByte('?')
		for i, o := range opts {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(o.Name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(o.Value))
		}
	}
	return b.String()
}
