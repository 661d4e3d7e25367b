package oracle

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
	"github.com/stigscan/stigscan/collectors/secret"
)

// Defaults applied by Open to zero Config fields.
const (
	DefaultConnectTimeout = dbtarget.DefaultConnectTimeout
	DefaultQueryTimeout   = dbtarget.DefaultQueryTimeout
	DefaultMaxConns       = dbtarget.DefaultMaxConns
	MaxMaxConns           = dbtarget.MaxMaxConns
	DefaultMaxRows        = dbtarget.DefaultMaxRows
)

// Secret is a password: package secret's type, which every target takes,
// so that one way of reading secrets (a file, an environment variable, a
// prompt) serves them all. It prints, logs and marshals as "[redacted]".
type Secret = secret.Secret

// Config says how to log in, how long to wait and where the server's
// Oracle Net files are. A Config is safe to print, log or marshal: the
// passwords are Secrets.
type Config struct {
	// Password authenticates the target's user.
	Password Secret

	// SSL connects with TCPS (TLS); the target's ?ssl=true does the same.
	SSL bool
	// SSLSkipVerify accepts any server certificate. Off by default; for a
	// test listener with a self-signed certificate only.
	SSLSkipVerify bool
	// Wallet is a directory holding an Oracle wallet (ewallet.p12, opened
	// with WalletPassword, or an auto-login cwallet.sso) with the CA
	// certificates that sign the listener's certificate and, for mutual
	// TLS, the client's certificate and key.
	Wallet         string
	WalletPassword Secret

	// ConnectTimeout bounds each connection attempt (TCP, TLS, login).
	ConnectTimeout time.Duration
	// QueryTimeout bounds every query, the read-only transaction around
	// it included.
	QueryTimeout time.Duration
	// MaxConns bounds the target's pool: 1 to 4, default 2.
	MaxConns int
	// MaxRows bounds the rows one query may return; default 100000.
	MaxRows int

	// TNSAdmin and OracleHome say where the server's sqlnet.ora and
	// listener.ora are (TNS_ADMIN, else ORACLE_HOME/network/admin) when
	// they cannot be discovered on the server's machine.
	TNSAdmin, OracleHome string

	// Logger receives connection events and queries; nil discards them.
	// No password ever reaches it.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	dbtarget.Limits{ConnectTimeout: &c.ConnectTimeout, QueryTimeout: &c.QueryTimeout,
		MaxConns: &c.MaxConns, MaxRows: &c.MaxRows, Logger: &c.Logger}.SetDefaults()
	if !c.WalletPassword.IsZero() && c.Wallet == "" {
		return c, fmt.Errorf("oracle: Config.WalletPassword needs Config.Wallet")
	}
	return c, nil
}
