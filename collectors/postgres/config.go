package postgres

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// Defaults applied by Open to zero Config fields.
const (
	DefaultSSLMode        = "prefer"
	DefaultConnectTimeout = dbtarget.DefaultConnectTimeout
	DefaultQueryTimeout   = dbtarget.DefaultQueryTimeout
	DefaultMaxConns       = dbtarget.DefaultMaxConns
	MaxMaxConns           = dbtarget.MaxMaxConns
	DefaultMaxRows        = dbtarget.DefaultMaxRows
	DefaultMaxValueBytes  = dbtarget.DefaultMaxValueBytes
	DefaultMaxResultBytes = dbtarget.DefaultMaxResultBytes
)

// Config says how to log in and how long to wait. A Config is safe to
// print, log or marshal: the password is a Secret.
type Config struct {
	// Password authenticates the target's user (scram-sha-256, md5 or
	// password, as the server asks). Empty for trust, peer or certificate
	// authentication.
	Password Secret

	// SSLMode is used when the target names none: disable, allow, prefer
	// (the default), require, verify-ca or verify-full, as in libpq.
	SSLMode string
	// SSLRootCert is a PEM file of CA certificates for verify-ca and
	// verify-full (with require it turns verification on, as in libpq), or
	// "system" for the system's roots.
	SSLRootCert string
	// SSLCert and SSLKey are a client certificate and its key.
	SSLCert, SSLKey string

	// ConnectTimeout bounds each connection attempt (TCP, TLS, login).
	ConnectTimeout time.Duration
	// QueryTimeout is the statement_timeout of every QueryRows statement
	// and bounds every helper query.
	QueryTimeout time.Duration
	// MaxConns bounds the target's pool: 1 to 4, default 2.
	MaxConns int
	// MaxRows bounds the rows one query may return; default 100000.
	MaxRows int
	// MaxValueBytes bounds one value of a result; default 1 MiB.
	// MaxResultBytes bounds every value of one result together, and no
	// row larger is read off the wire; default 16 MiB. A query over
	// either fails with ErrResultTooLarge naming the cap.
	MaxValueBytes, MaxResultBytes int

	// Logger receives connection events and queries; nil discards them.
	// The password never reaches it.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.SSLMode == "" {
		c.SSLMode = DefaultSSLMode
	}
	if !validSSLMode(c.SSLMode) {
		return c, fmt.Errorf("postgres: Config.SSLMode must be one of %s", sslModeList)
	}
	if (c.SSLCert == "") != (c.SSLKey == "") {
		return c, fmt.Errorf("postgres: Config.SSLCert and Config.SSLKey go together")
	}
	dbtarget.Limits{ConnectTimeout: &c.ConnectTimeout, QueryTimeout: &c.QueryTimeout,
		MaxConns: &c.MaxConns, MaxRows: &c.MaxRows,
		MaxValueBytes: &c.MaxValueBytes, MaxResultBytes: &c.MaxResultBytes, Logger: &c.Logger}.SetDefaults()
	return c, nil
}
