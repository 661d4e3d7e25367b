package oracle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
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

// syntax is the grammar of an Oracle target. A host may not hold what
// would break out of a connect descriptor.
var syntax = dbtarget.Syntax{
	Schemes:      []string{"oracle"},
	DefaultPort:  DefaultPort,
	PathWord:     "service",
	HostChars:    "/()=",
	Param:        "ssl",
	SecretParams: []string{"password", "wallet_password", "wallet password"},
}

// ParseTarget reads "oracle://user@host[:port][/service][?ssl=true]"
// ("[::1]" for IPv6). A password, in the user part or as a parameter, is
// refused with ErrPasswordInTarget. No error repeats the input, so a
// mistyped password does not reach a log.
func ParseTarget(s string) (Endpoint, error) {
	u, err := syntax.Parse(s)
	if err != nil {
		return Endpoint{}, err
	}
	e := Endpoint{User: u.User, Host: u.Host, Port: u.Port, Service: u.Path}
	if strings.ContainsAny(e.Service, " \t()=,") {
		return Endpoint{}, fmt.Errorf("oracle: target: invalid service name")
	}
	for _, v := range u.Params {
		if e.SSL, err = strconv.ParseBool(v); err != nil {
			return Endpoint{}, fmt.Errorf("oracle: target: ssl must be true or false")
		}
	}
	return e, nil
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
	s := syntax.Format(e.User, e.Host, e.port(), e.Service)
	if e.SSL {
		s += "?ssl=true"
	}
	return s
}
