package mysql

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// Defaults applied by Open to zero Config fields.
const (
	DefaultTLSMode        = TLSPreferred
	DefaultConnectTimeout = dbtarget.DefaultConnectTimeout
	DefaultQueryTimeout   = dbtarget.DefaultQueryTimeout
	DefaultMaxConns       = dbtarget.DefaultMaxConns
	MaxMaxConns           = dbtarget.MaxMaxConns
	DefaultMaxRows        = dbtarget.DefaultMaxRows
	DefaultMaxValueBytes  = dbtarget.DefaultMaxValueBytes
	DefaultMaxResultBytes = dbtarget.DefaultMaxResultBytes
)

// TLS modes, as Config.TLSMode and the target's tls= parameter name them
// (the words of MySQL's --ssl-mode, lower case).
const (
	// TLSDisabled: no TLS.
	TLSDisabled = "disabled"
	// TLSPreferred: TLS when the server offers it, unverified; else plain.
	TLSPreferred = "preferred"
	// TLSRequired: TLS always, the server's certificate unverified.
	TLSRequired = "required"
	// TLSVerifyCA: TLS, the certificate chain verified against
	// Config.TLSCA; the host name is not compared.
	TLSVerifyCA = "verify_ca"
	// TLSVerifyIdentity: TLS, the chain verified and the certificate
	// naming the target's host.
	TLSVerifyIdentity = "verify_identity"
)

const tlsModeList = "disabled, preferred, required, verify_ca, verify_identity"

func validTLSMode(m string) bool {
	switch m {
	case TLSDisabled, TLSPreferred, TLSRequired, TLSVerifyCA, TLSVerifyIdentity:
		return true
	}
	return false
}

// Config says how to log in and how long to wait. A Config is safe to
// print, log or marshal: the password is a Secret.
type Config struct {
	// Password authenticates the target's user (mysql_native_password,
	// caching_sha2_password, ed25519, as the server asks; never the
	// cleartext plugin). Empty for accounts without one.
	Password Secret

	// TLSMode is used when the target names none: one of the TLS*
	// constants; default TLSPreferred, or TLSVerifyIdentity when TLSCA is
	// set.
	TLSMode string
	// TLSCA is a PEM file of CA certificates for verify_ca and
	// verify_identity; "" means the system's roots.
	TLSCA string
	// TLSCert and TLSKey are a client certificate and its key (PEM).
	TLSCert, TLSKey string

	// ConnectTimeout bounds each connection attempt (TCP, TLS, login,
	// pinning the session).
	ConnectTimeout time.Duration
	// QueryTimeout is the session's max_statement_time (MariaDB) or
	// max_execution_time (MySQL) and lock_wait_timeout, and bounds every
	// query on the client side too.
	QueryTimeout time.Duration
	// MaxConns bounds the target's pool: 1 to 4, default 2.
	MaxConns int
	// MaxRows bounds the rows one query may return; default 100000.
	MaxRows int
	// MaxValueBytes bounds one value of a result; default 1 MiB.
	// MaxResultBytes bounds every value of one result together; default
	// 16 MiB. A query over either fails with ErrResultTooLarge naming the
	// cap. One row is also bounded by the server's max_allowed_packet.
	MaxValueBytes, MaxResultBytes int

	// Logger receives connection events and queries; nil discards them.
	// The password never reaches it.
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.TLSMode == "" {
		c.TLSMode = DefaultTLSMode
		if c.TLSCA != "" {
			c.TLSMode = TLSVerifyIdentity
		}
	}
	if !validTLSMode(c.TLSMode) {
		return c, errorf("Config.TLSMode must be one of %s", tlsModeList)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, errorf("Config.TLSCert and Config.TLSKey go together")
	}
	dbtarget.Limits{ConnectTimeout: &c.ConnectTimeout, QueryTimeout: &c.QueryTimeout,
		MaxConns: &c.MaxConns, MaxRows: &c.MaxRows,
		MaxValueBytes: &c.MaxValueBytes, MaxResultBytes: &c.MaxResultBytes, Logger: &c.Logger}.SetDefaults()
	return c, nil
}

// tlsConfig is the client's TLS configuration for mode against host;
// nil for TLSDisabled. fallback reports whether a server without TLS is
// accepted (TLSPreferred only).
func tlsConfig(mode, host string, cfg Config) (tc *tls.Config, fallback bool, err error) {
	if mode == TLSDisabled {
		return nil, false, nil
	}
	tc = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if cfg.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			// The error names the files' problem, never their content.
			return nil, false, fmt.Errorf("client certificate %s: %w", cfg.TLSCert, errors.Unwrap(err))
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	var roots *x509.CertPool
	if mode == TLSVerifyCA || mode == TLSVerifyIdentity {
		if cfg.TLSCA != "" {
			pem, err := os.ReadFile(cfg.TLSCA)
			if err != nil {
				return nil, false, fmt.Errorf("CA certificates: %w", err)
			}
			roots = x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return nil, false, fmt.Errorf("CA certificates: %s holds no PEM certificate", cfg.TLSCA)
			}
		}
		tc.RootCAs = roots
	}
	switch mode {
	case TLSPreferred, TLSRequired:
		// Encryption without authentication, as the mode says.
		tc.InsecureSkipVerify = true
		return tc, mode == TLSPreferred, nil
	case TLSVerifyCA:
		// The chain is verified here; only the host name is not.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
	}
	return tc, false, nil
}
