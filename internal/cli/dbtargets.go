package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
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
	// log receives connection events and queries (--log-level); nil
	// discards them.
	log *slog.Logger
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

// dbLogin is what one database connection may use: the sources of the
// database password and the TLS and client settings. It goes to the
// database driver only; the SSH login of the server's machine is an
// sshLogin, built from other settings.
type dbLogin struct {
	passwordEnv, passwordFile string
	sslMode, sslRootCert      string
	tlsCAFile                 string
	tnsAdmin, oracleHome      string
	// files is where the server's files are read (db-host=, --db-host).
	files string
}

// dbKeys are the inventory settings of a database line besides name= and
// the ssh- settings of its db-host= machine.
var dbKeys = []string{"password-env", "password-file", "sslmode", "sslrootcert", "tlscafile", "tns-admin", "oracle-home", "db-host"}

// login is the database login of one target: the flags, overridden by
// its inventory settings.
func (d *dbFlags) login(opts map[string]string) dbLogin {
	get := func(k, def string) string {
		if v, ok := opts[k]; ok {
			return v
		}
		return def
	}
	l := dbLogin{
		passwordEnv: d.passwordEnv, passwordFile: d.passwordFile,
		sslMode: get("sslmode", d.sslMode), sslRootCert: get("sslrootcert", d.sslRootCert),
		tlsCAFile: get("tlscafile", d.sslRootCert), tnsAdmin: get("tns-admin", ""), oracleHome: get("oracle-home", ""),
		files: get("db-host", d.files),
	}
	if v, ok := opts["password-env"]; ok {
		l.passwordEnv, l.passwordFile = v, ""
	}
	if v, ok := opts["password-file"]; ok {
		l.passwordFile, l.passwordEnv = v, ""
	}
	return l
}

// openDatabase connects to a database target; its server's files are read
// through the --db-host (or the inventory's db-host=) machine, logged in
// to with the SSH flags and the line's ssh- settings only.
func (d *dbFlags) openDatabase(ctx context.Context, t fleet.Target, machines *sshFlags) (host.Host, func() error, error) {
	l := d.login(t.Options)
	var files host.Host = host.Unavailable{Name: "database server of " + t.Name, Reason: "no access to the server machine was configured (--db-host)"}
	var closeFiles func() error
	if l.files != "" {
		if isDatabase(l.files) {
			return nil, nil, usageErr("%s: db-host names the server's machine (local, local:/root, ssh://), not a database", t.Name)
		}
		sl, err := machines.login(t.Options, "ssh-")
		if err != nil {
			return nil, nil, fmt.Errorf("%s: server files: %w", t.Name, err)
		}
		h, c, err := machines.openMachine(ctx, l.files, sl)
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
	password, err := d.password(l.passwordEnv, l.passwordFile)
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
		cfg := postgres.Config{SSLMode: l.sslMode, SSLRootCert: l.sslRootCert, QueryTimeout: d.queryTimeout, Password: password, Logger: d.log}
		if tg, err = postgres.Open(ctx, ep, cfg, files); err != nil {
			return fail(err)
		}
	case strings.HasPrefix(s, "mongodb://"), strings.HasPrefix(s, "mongodb+srv://"):
		cfg := mongodb.Config{TLSCAFile: l.tlsCAFile, Password: password, Logger: d.log}
		if tg, err = mongodb.Open(ctx, t.Spec, cfg, files); err != nil {
			return fail(err)
		}
	case strings.HasPrefix(s, "oracle://"):
		ep, err := oracle.ParseTarget(t.Spec)
		if err != nil {
			return fail(err)
		}
		cfg := oracle.Config{QueryTimeout: d.queryTimeout, TNSAdmin: l.tnsAdmin, OracleHome: l.oracleHome, Password: password, Logger: d.log}
		if tg, err = oracle.Open(ctx, ep, cfg, files); err != nil {
			return fail(err)
		}
	default:
		return fail(fmt.Errorf("%s: unknown database target", secret.RedactTarget(t.Spec)))
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
