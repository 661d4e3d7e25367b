package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/collectors/target"
	"github.com/stigscan/stigscan/fleet"
)

// targetFlags are the command line's settings of targets: the flags the
// registry's kinds name as defaults of their inventory settings
// (--ssh-key, --db-password-env, ...), and what every target shares
// (timeouts, limits, the agent, a prompted password). Secrets are named
// by file or environment variable, never given on the command line.
type targetFlags struct {
	kinds target.Registry
	// databases: database targets are scanned and their flags offered
	// (scan); without it only machines are (oval eval).
	databases bool
	strs      map[string]*string
	bools     map[string]*bool

	agent, acceptUnknown           bool
	connectTimeout, commandTimeout time.Duration
	limits                         limitFlags

	prompt       bool
	queryTimeout time.Duration
	// password read once from the prompt, shared by every target
	prompted *secret.Secret
	// log receives connection events and queries (--log-level); nil
	// discards them.
	log *slog.Logger
}

// newTargetFlags registers the flags of kinds on fs: those of machine
// kinds, and with databases those of database kinds too.
func newTargetFlags(fs *flag.FlagSet, kinds target.Registry, databases bool) *targetFlags {
	f := &targetFlags{kinds: kinds, databases: databases, strs: map[string]*string{}, bools: map[string]*bool{}}
	offered := kinds.Only(target.Machine)
	if databases {
		offered = kinds
	}
	for _, fl := range offered.Flags() {
		switch fl.Type {
		case target.Bool:
			f.bools[fl.Name] = fs.Bool(fl.Name, false, fl.Help)
		default:
			f.strs[fl.Name] = fs.String(fl.Name, "", fl.Help)
		}
	}
	fs.BoolVar(&f.agent, "ssh-agent", true, "offer the keys of the ssh-agent at $SSH_AUTH_SOCK")
	fs.BoolVar(&f.acceptUnknown, "accept-unknown-host-keys", false, "accept hosts absent from known_hosts (a changed key is always refused)")
	fs.DurationVar(&f.connectTimeout, "connect-timeout", 15*time.Second, "bound on connecting and logging in to a target")
	fs.DurationVar(&f.commandTimeout, "command-timeout", 2*time.Minute, "bound on each remote command")
	f.limits.register(fs)
	if databases {
		fs.BoolVar(&f.prompt, "db-password-prompt", false, "ask for the database password on the terminal (echo off), or read its first line from standard input")
		fs.DurationVar(&f.queryTimeout, "db-query-timeout", 30*time.Second, "bound on each database query")
	}
	return f
}

// env is what every target of the run shares.
func (f *targetFlags) env() target.Env {
	defaults := map[string]string{}
	for name, v := range f.strs {
		defaults[name] = *v
	}
	for name, v := range f.bools {
		defaults[name] = strconv.FormatBool(*v)
	}
	return target.Env{
		Defaults: defaults, Logger: f.log, MaxFileBytes: f.limits.maxFileBytes,
		ConnectTimeout: f.connectTimeout, CommandTimeout: f.commandTimeout, QueryTimeout: f.queryTimeout,
		UseAgent: f.agent, AcceptUnknownHostKeys: f.acceptUnknown, Password: f.prompted,
	}
}

// opener connects to fleet targets through the registry: machines, and
// (with databases) databases, whose server's files are reached through
// the machine of their db-host= setting.
func (f *targetFlags) opener() fleet.Opener {
	return func(ctx context.Context, t fleet.Target) (host.Host, func() error, error) {
		if k, ok := f.kinds.Lookup(t.Spec); ok && k.Class == target.Database && !f.databases {
			return nil, nil, usageErr("database targets are scanned with 'stigscan scan'")
		}
		h, c, err := f.kinds.Open(ctx, t.Spec, t.Name, t.Options, f.env())
		if errors.Is(err, target.ErrUsage) {
			return nil, nil, &ExitError{Code: ExitUsage, Err: err}
		}
		return h, c, err
	}
}

// checkSettings refuses inventory settings a target's kind does not
// have (target.Registry.Check); the error names the line.
func (f *targetFlags) checkSettings(t fleet.Target) error {
	err := f.kinds.Check(t.Spec, t.Options)
	if err == nil {
		return nil
	}
	where := t.Name
	if t.Line > 0 {
		where = fmt.Sprintf("line %d (%s)", t.Line, t.Name)
	}
	return usageErr("scan: %s: %v", where, err)
}

// targetHelp is the help of a --target flag: the forms of the kinds a
// command scans.
func targetHelp(kinds target.Registry, class target.Class) string {
	return "what to scan: " + strings.Join(kinds.Usages(class), ", ")
}

// readPrompt asks for the database password once, before any target is
// opened: with echo off on a terminal, else the first line of standard
// input.
func (f *targetFlags) readPrompt(stdin io.Reader, stderr io.Writer) error {
	if !f.prompt {
		return nil
	}
	var s secret.Secret
	if file, ok := stdin.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		fmt.Fprint(stderr, "database password: ")
		b, err := term.ReadPassword(int(file.Fd()))
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
	f.prompted = &s
	return nil
}
