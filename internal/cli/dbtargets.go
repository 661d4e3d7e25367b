package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/fleet"
)

// dbFlags are the settings of database targets. Passwords come from a file
// or an environment variable, never the command line.
type dbFlags struct {
	passwordEnv, passwordFile string
	files                     string
	sslMode, sslRootCert      string
	queryTimeout              time.Duration
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.passwordEnv, "db-password-env", "", "environment variable holding the database password")
	fs.StringVar(&d.passwordFile, "db-password-file", "", "file holding the database password")
	fs.StringVar(&d.files, "db-host", "", "where the database server's files are read (config files, data directory modes):\n"+
		"local, local:/root, ssh://user@host[:port]; empty: not read, those checks report why")
	fs.StringVar(&d.sslMode, "db-sslmode", "", "TLS mode for database connections (disable, require, verify-ca, verify-full)")
	fs.StringVar(&d.sslRootCert, "db-sslrootcert", "", "CA certificates for verifying the database server")
	fs.DurationVar(&d.queryTimeout, "db-query-timeout", 30*time.Second, "bound on each database query")
}

// isDatabase reports whether a target spec names a database.
func isDatabase(spec string) bool {
	s := strings.ToLower(spec)
	for _, p := range []string{"postgres://", "postgresql://", "mongodb://", "mongodb+srv://", "oracle://"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// openDatabase connects to a database target; its server's files are read
// through the --db-host (or the inventory's db-host=) host.
func (d *dbFlags) openDatabase(ctx context.Context, t fleet.Target, hosts fleet.Opener) (host.Host, func() error, error) {
	get := func(k, def string) string {
		if v, ok := t.Options[k]; ok {
			return v
		}
		return def
	}
	filesSpec := get("db-host", d.files)
	var files host.Host = host.Unavailable{Name: "database server of " + t.Name, Reason: "no access to the server machine was configured (--db-host)"}
	var closeFiles func() error
	if filesSpec != "" {
		h, c, err := hosts(ctx, fleet.Target{Spec: filesSpec, Name: t.Name + "-host", Options: t.Options})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: server files: %w", t.Name, err)
		}
		files, closeFiles = h, c
	}
	closeAll := func(c func() error) func() error {
		return func() error {
			err := c()
			if closeFiles != nil {
				if e := closeFiles(); err == nil {
					err = e
				}
			}
			return err
		}
	}
	s := strings.ToLower(t.Spec)
	switch {
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		ep, err := postgres.ParseTarget(t.Spec)
		if err != nil {
			return nil, nil, err
		}
		cfg := postgres.Config{SSLMode: get("sslmode", d.sslMode), SSLRootCert: get("sslrootcert", d.sslRootCert), QueryTimeout: d.queryTimeout}
		switch env, file := get("password-env", d.passwordEnv), get("password-file", d.passwordFile); {
		case env != "":
			cfg.Password, err = postgres.SecretFromEnv(env)
		case file != "":
			cfg.Password, err = postgres.SecretFromFile(file)
		}
		if err != nil {
			return nil, nil, err
		}
		tg, err := postgres.Open(ctx, ep, cfg, files)
		if err != nil {
			if closeFiles != nil {
				closeFiles()
			}
			return nil, nil, err
		}
		return tg, closeAll(tg.Close), nil
	}
	fail := func(err error) (host.Host, func() error, error) {
		if closeFiles != nil {
			closeFiles()
		}
		return nil, nil, err
	}
	penv, pfile := get("password-env", d.passwordEnv), get("password-file", d.passwordFile)
	switch {
	case strings.HasPrefix(s, "mongodb://"), strings.HasPrefix(s, "mongodb+srv://"):
		cfg := mongodb.Config{TLSCAFile: get("tlscafile", d.sslRootCert)}
		var err error
		switch {
		case penv != "":
			cfg.Password, err = mongodb.SecretFromEnv(penv)
		case pfile != "":
			cfg.Password, err = mongodb.SecretFromFile(pfile)
		}
		if err != nil {
			return fail(err)
		}
		tg, err := mongodb.Open(ctx, t.Spec, cfg, files)
		if err != nil {
			return fail(err)
		}
		return tg, closeAll(tg.Close), nil
	case strings.HasPrefix(s, "oracle://"):
		ep, err := oracle.ParseTarget(t.Spec)
		if err != nil {
			return fail(err)
		}
		cfg := oracle.Config{QueryTimeout: d.queryTimeout, TNSAdmin: get("tns-admin", ""), OracleHome: get("oracle-home", "")}
		switch {
		case penv != "":
			cfg.Password, err = postgres.SecretFromEnv(penv)
		case pfile != "":
			cfg.Password, err = postgres.SecretFromFile(pfile)
		}
		if err != nil {
			return fail(err)
		}
		tg, err := oracle.Open(ctx, ep, cfg, files)
		if err != nil {
			return fail(err)
		}
		return tg, closeAll(tg.Close), nil
	}
	return fail(fmt.Errorf("%s: unknown database target", redactTarget(t.Spec)))
}
