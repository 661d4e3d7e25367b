package mongodb

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/target"
)

var _ host.KindProvider = (*Target)(nil)

// Engine names MongoDB for the target registry and its checks.
const Engine = "mongodb"

// Kind is a MongoDB deployment: "mongodb://user@host[:port]/db"
// ("mongodb+srv://" too). Its password-env= and password-file= are the
// database login's; its server's files come from the db-host= machine.
func Kind() target.Kind {
	return target.Kind{
		Name: "mongodb", Title: "MongoDB", Class: target.Database, Engine: Engine,
		Schemes: []string{SchemeMongoDB + "://", SchemeSRV + "://"}, Usage: SchemeMongoDB + "://user@host[:port]/db",
		Settings: append(target.DatabaseLogin(),
			target.Setting{Key: "tlscafile", Help: "CA certificates verifying the server", Flag: "db-sslrootcert",
				FlagHelp: "CA certificates for verifying the database server"},
		),
		Open: func(ctx context.Context, r target.Request) (host.Host, func() error, error) {
			pw, err := r.DatabasePassword()
			if err != nil {
				return nil, nil, err
			}
			cfg := Config{TLSCAFile: r.Values.String("tlscafile"), Password: pw, Logger: r.Env.Logger}
			t, err := Open(ctx, r.Spec, cfg, r.Files)
			if err != nil {
				return nil, nil, err
			}
			return t, t.Close, nil
		},
	}
}

// Kind describes the target as of Kind.
func (t *Target) Kind() host.Kind { return Kind().Host() }
