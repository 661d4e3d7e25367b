package postgres

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/target"
)

var _ host.KindProvider = (*Target)(nil)

// Kind is a PostgreSQL server: "postgres://user@host[:port]/db"
// ("postgresql://" too). Its password-env= and password-file= are the
// database login's; its server's files come from the db-host= machine.
func Kind() target.Kind {
	return target.Kind{
		Name: "postgres", Title: "PostgreSQL", Class: target.Database, Engine: Engine,
		Schemes: []string{"postgres://", "postgresql://"}, Usage: "postgres://user@host[:port]/db",
		Settings: append(target.DatabaseLogin(),
			target.Setting{Key: "sslmode", Help: "TLS mode", Flag: "db-sslmode",
				FlagHelp: "TLS mode for database connections (disable, require, verify-ca, verify-full)"},
			target.Setting{Key: "sslrootcert", Help: "CA certificates verifying the server", Flag: "db-sslrootcert",
				FlagHelp: "CA certificates for verifying the database server"},
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
			cfg := Config{SSLMode: r.Values.String("sslmode"), SSLRootCert: r.Values.String("sslrootcert"),
				QueryTimeout: r.Env.QueryTimeout, Password: pw, Logger: r.Env.Logger}
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
