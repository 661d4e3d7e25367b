package postgres

import (
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
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

// syntax is the grammar of a PostgreSQL target.
var syntax = dbtarget.Syntax{
	Schemes:      []string{"postgres", "postgresql"},
	DefaultPort:  DefaultPort,
	PathWord:     "database",
	Param:        "sslmode",
	SecretParams: []string{"password", "passfile", "sslpassword"},
}

// ParseTarget reads "postgres://user@host[:port][/db][?sslmode=mode]"
// ("postgresql://" too; "[::1]" for IPv6; a Unix socket directory
// percent-encoded as the host, "postgres://u@%2Fvar%2Frun%2Fpostgresql/db").
// A password, in the user part or as a parameter, is refused with
// ErrPasswordInTarget. No error repeats the input, so a mistyped
// password does not reach a log.
func ParseTarget(s string) (Endpoint, error) {
	u, err := syntax.Parse(s)
	if err != nil {
		return Endpoint{}, err
	}
	e := Endpoint{User: u.User, Host: u.Host, Port: u.Port, Database: u.Path}
	for _, mode := range u.Params {
		if !validSSLMode(mode) {
			return Endpoint{}, fmt.Errorf("postgres: target: sslmode must be one of %s", sslModeList)
		}
		e.SSLMode = mode
	}
	return e, nil
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
	return syntax.Format(e.User, e.Host, e.port(), e.database())
}
