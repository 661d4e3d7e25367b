package mysql

import (
	"strings"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// DefaultPort is MySQL's and MariaDB's port.
const DefaultPort = 3306

// Endpoint is a parsed target: where the server is and whom to log in as.
type Endpoint struct {
	// Scheme is "mysql" or "mariadb" as written (lower case). It only
	// names the target; the server itself says which product it is.
	Scheme string
	User   string
	Host   string // name or IP address (no brackets)
	Port   int    // 0 means DefaultPort
	// Database names the target only (in Describe and fleet names): the
	// session never has a default database, so that no unqualified name
	// resolves to a user's table or stored function.
	Database string
	// TLSMode is the target's tls= parameter; "" means Config.TLSMode.
	TLSMode string
}

// syntax is the grammar of a MySQL or MariaDB target. Its one query
// parameter is tls=mode; the rest are settings (Config), never part of the
// target, so a pasted driver DSN with a password cannot slip through.
var syntax = dbtarget.Syntax{
	Schemes:      []string{"mysql", "mariadb"},
	DefaultPort:  DefaultPort,
	PathWord:     "database",
	HostChars:    "/()",
	Param:        "tls",
	SecretParams: []string{"password", "passwd", "pwd"},
}

// ParseTarget reads "mysql://user@host[:port][/db][?tls=mode]"
// ("mariadb://" too; "[::1]" for IPv6). A password, in the user part or
// as a parameter, is refused with ErrPasswordInTarget. No error repeats
// the input, so a mistyped password does not reach a log.
func ParseTarget(s string) (Endpoint, error) {
	u, err := syntax.Parse(s)
	if err != nil {
		return Endpoint{}, err
	}
	e := Endpoint{Scheme: "mysql", User: u.User, Host: u.Host, Port: u.Port, Database: u.Path}
	if len(s) >= len("mariadb://") && strings.EqualFold(s[:len("mariadb://")], "mariadb://") {
		e.Scheme = "mariadb"
	}
	for _, mode := range u.Params {
		if !validTLSMode(mode) {
			return Endpoint{}, errorf("target: tls must be one of %s", tlsModeList)
		}
		e.TLSMode = mode
	}
	return e, nil
}

func (e Endpoint) port() int {
	if e.Port == 0 {
		return DefaultPort
	}
	return e.Port
}

// String gives the endpoint back as mysql://user@host:port/db (or
// mariadb://), with the port always written and without tls. It never
// holds a secret.
func (e Endpoint) String() string {
	s := syntax.Format(e.User, e.Host, e.port(), e.Database)
	if e.Scheme == "mariadb" {
		s = "mariadb" + strings.TrimPrefix(s, "mysql")
	}
	return s
}
