package oracle

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/target"
)

var _ host.KindProvider = (*Target)(nil)

// Kind is an Oracle database: "oracle://user@host[:port]/service". Its
// password-env= and password-file= are the database login's; its
// server's files, and its Oracle Net files (tns-admin=, oracle-home=),
// come from the db-host= machine.
func Kind() target.Kind {
	return target.Kind{
		Name: "oracle", Title: "Oracle", Class: target.Database, Engine: Engine,
		Schemes: []string{"oracle://"}, Usage: "oracle://user@host[:port]/service",
		Settings: append(target.DatabaseLogin(),
			target.Setting{Key: "tns-admin", Help: "TNS_ADMIN directory on the server machine"},
			target.Setting{Key: "oracle-home", Help: "ORACLE_HOME on the server machine"},
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
			cfg := Config{QueryTimeout: r.Env.QueryTimeout, TNSAdmin: r.Values.String("tns-admin"),
				OracleHome: r.Values.String("oracle-home"), Password: pw, Logger: r.Env.Logger}
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
