package mongodb

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// Defaults applied by Open to zero Config fields.
const (
	DefaultConnectTimeout = dbtarget.DefaultConnectTimeout
	DefaultCommandTimeout = dbtarget.DefaultQueryTimeout
	DefaultConfFile       = "/etc/mongod.conf"
	// MaxCursorDocuments bounds what RunCommand gathers from one command's
	// cursor (sessions, collections, operations).
	MaxCursorDocuments = 100000
)

// Authentication mechanisms Open supports.
const (
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismSCRAMSHA1   = "SCRAM-SHA-1"
	MechanismX509        = "MONGODB-X509"
)

// Config says how to log in and how long to wait. A Config is safe to
// print, log or marshal: the password is a Secret.
type Config struct {
	// Password authenticates the URI's user with SCRAM.
	Password Secret
	// AuthMechanism is SCRAM-SHA-256, SCRAM-SHA-1 or MONGODB-X509; empty
	// means the URI's authMechanism option, else SCRAM negotiated with
	// the server.
	AuthMechanism string
	// AuthSource is the database holding the user; empty means the URI's
	// authSource option, else its database, else "admin" ("$external" for
	// MONGODB-X509).
	AuthSource string

	// TLS turns TLS on even when the URI does not (tls=true does too);
	// TLSCAFile or TLSCertificateKeyFile imply it.
	TLS bool
	// TLSCAFile is a PEM file of the CAs that sign the server's
	// certificate; empty means the system roots.
	TLSCAFile string
	// TLSCertificateKeyFile is a PEM file holding the client certificate
	// and its unencrypted private key, for MONGODB-X509 or for servers
	// that require client certificates.
	TLSCertificateKeyFile string
	// TLSServerName overrides the name the server certificate must carry.
	TLSServerName string

	// ConnectTimeout bounds connecting, the TLS handshake, authentication
	// and server selection.
	ConnectTimeout time.Duration
	// CommandTimeout bounds each command RunCommand sends (with its
	// getMore calls).
	CommandTimeout time.Duration

	// ConfFile is mongod.conf on the server machine. Empty means the file
	// the server was started with (getCmdLineOpts parsed.config), else
	// DefaultConfFile.
	ConfFile string

	// Logger receives connection events and command names; nil discards
	// them. The password never reaches it.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	switch strings.ToUpper(c.AuthMechanism) {
	case "":
	case MechanismSCRAMSHA256, MechanismSCRAMSHA1, MechanismX509:
		c.AuthMechanism = strings.ToUpper(c.AuthMechanism)
	default:
		return c, fmt.Errorf("mongodb: Config.AuthMechanism %q is not one of %s, %s, %s", c.AuthMechanism, MechanismSCRAMSHA256, MechanismSCRAMSHA1, MechanismX509)
	}
	dbtarget.Limits{ConnectTimeout: &c.ConnectTimeout, QueryTimeout: &c.CommandTimeout, Logger: &c.Logger}.SetDefaults()
	return c, nil
}
