package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/fleet"
)

// dbFlags are the settings of database targets. Passwords come from a file
// or an environment variable, never the command line.
type dbFlags struct {
	passwordEnv, passwordFile string
	prompt                    bool
	files                     string
	// password read once from the prompt, shared by every target
	prompted             *secret.Secret
	sslMode, sslRootCert string
	queryTimeout         time.Duration
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.passwordEnv, "db-password-env", "", "environment variable holding the database password")
	fs.StringVar(&d.passwordFile, "db-password-file", "", "file holding the database password")
	fs.BoolVar(&d.prompt, "db-password-prompt", false, "ask for the database password on the terminal (echo off), or read its first line from standard input")
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
	fail := func(err error) (host.Host, func() error, error) {
		if closeFiles != nil {
			closeFiles()
		}
		return nil, nil, err
	}
	password, err := d.password(get("password-env", d.passwordEnv), get("password-file", d.passwordFile))
	if err != nil {
		return fail(err)
	}
	var tg interface {
		host.Host
		Close() error
	}
	switch s := strings.ToLower(t.Spec); {
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		ep, err := postgres.ParseTarget(t.Spec)
		if err != nil {
			return fail(err)
		}
		cfg := postgres.Config{SSLMode: get("sslmode", d.sslMode), SSLRootCert: get("sslrootcert", d.sslRootCert), QueryTimeout: d.queryTimeout, Password: password}
		if tg, err = postgres.Open(ctx, ep, cfg, files); err != nil {
			return fail(err)
		}
	case strings.HasPrefix(s, "mongodb://"), strings.HasPrefix(s, "mongodb+srv://"):
		cfg := mongodb.Config{TLSCAFile: get("tlscafile", d.sslRootCert), Password: password}
		if tg, err = mongodb.Open(ctx, t.Spec, cfg, files); err != nil {
			return fail(err)
		}
	case strings.HasPrefix(s, "oracle://"):
		ep, err := oracle.ParseTarget(t.Spec)
		if err != nil {
			return fail(err)
		}
		cfg := oracle.Config{QueryTimeout: d.queryTimeout, TNSAdmin: get("tns-admin", ""), OracleHome: get("oracle-home", ""), Password: password}
		if tg, err = oracle.Open(ctx, ep, cfg, files); err != nil {
			return fail(err)
		}
	default:
		return fail(fmt.Errorf("%s: unknown database target", redactTarget(t.Spec)))
	}
	return tg, closeAll(tg.Close), nil
}

// password is the database password: from the target's or the command
// line's environment variable or file, else the one typed at the prompt.
func (d *dbFlags) password(env, file string) (secret.Secret, error) {
	switch {
	case env != "":
		return secret.FromEnv(env)
	case file != "":
		return secret.FromFile(file)
	case d.prompted != nil:
		return *d.prompted, nil
	}
	return secret.Secret{}, nil
}

// readPrompt asks for the password once, before any target is opened:
// with echo off on a terminal, else the first line of standard input.
func (d *dbFlags) readPrompt(stdin io.Reader, stderr io.Writer) error {
	if !d.prompt {
		return nil
	}
	var s secret.Secret
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "database password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return fmt.Errorf("reading the password: %w", err)
		}
		s = secret.New(string(b))
	} else {
		var err error
		if s, err = secret.FromReader(stdin); err != nil {
			return err
		}
	}
	d.prompted = &s
	return nil
}
