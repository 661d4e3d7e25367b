package mysql

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/target"
)

var _ host.KindProvider = (*Target)(nil)

// Kind is a MySQL or MariaDB server: "mysql://user@host[:port][/db]"
// ("mariadb://" too). Its password-env= and password-file= are the
// database login's (else the prompt's); tls=, tls-ca=, tls-cert= and
// tls-key= say how the connection is encrypted and verified; its
// server's files come from the db-host= machine.
func Kind() target.Kind {
	return target.Kind{
		Name: "mysql", Title: "MySQL/MariaDB", Class: target.Database, Engine: Engine,
		Schemes: []string{"mysql://", "mariadb://"}, Usage: "mysql://user@host[:port][/db]",
		Settings: append(target.DatabaseLogin(),
			target.Setting{Key: "tls", Help: "TLS mode (" + tlsModeList + ")", Flag: "db-mysql-tls",
				FlagHelp: "TLS mode for MySQL/MariaDB connections (" + tlsModeList + ")"},
			target.Setting{Key: "tls-ca", Help: "CA certificates verifying the server", Flag: "db-mysql-tls-ca",
				FlagHelp: "CA certificates for verifying MySQL/MariaDB servers"},
			target.Setting{Key: "tls-cert", Help: "client certificate (PEM)"},
			target.Setting{Key: "tls-key", Help: "the client certificate's key (PEM)"},
		),
		Open: func(ctx context.Context, r target.Request) (host.Host, func() error, error) {
			ep, err := ParseTarget(r.Spec)
			if err != nil {
				return nil, nil, err
			}
			pw, err := r.DatabasePassword()
			if err != nil {
				return nil, nil, err
			}
			cfg := Config{TLSMode: r.Values.String("tls"), TLSCA: r.Values.String("tls-ca"),
				TLSCert: r.Values.String("tls-cert"), TLSKey: r.Values.String("tls-key"),
				ConnectTimeout: r.Env.ConnectTimeout, QueryTimeout: r.Env.QueryTimeout,
				Password: pw, Logger: r.Env.Logger}
			t, err := Open(ctx, ep, cfg, r.Files)
			if err != nil {
				return nil, nil, err
			}
			return t, t.Close, nil
		},
	}
}

// Kind describes the target as of Kind.
func (t *Target) Kind() host.Kind { return Kind().Host() }
