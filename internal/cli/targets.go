package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/collectors/ssh"
	"github.com/stigscan/stigscan/fleet"
)

// sshFlags are the command line's SSH settings; secrets are named by file or
// environment variable, never given on the command line.
type sshFlags struct {
	user, key, keyPassEnv, keyPassFile   string
	passwordEnv, passwordFile, knownHost string
	agent, acceptUnknown, sudo           bool
	connectTimeout, commandTimeout       time.Duration
	limits                               limitFlags
	// log receives connection events (--log-level); nil discards them.
	log *slog.Logger
}

func (s *sshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.user, "ssh-user", "", "SSH user for targets that name none")
	fs.StringVar(&s.key, "ssh-key", "", "SSH private key file")
	fs.StringVar(&s.keyPassEnv, "ssh-key-passphrase-env", "", "environment variable holding the key's passphrase")
	fs.StringVar(&s.keyPassFile, "ssh-key-passphrase-file", "", "file holding the key's passphrase")
	fs.StringVar(&s.passwordEnv, "ssh-password-env", "", "environment variable holding the SSH password")
	fs.StringVar(&s.passwordFile, "ssh-password-file", "", "file holding the SSH password")
	fs.StringVar(&s.knownHost, "known-hosts", "", "known_hosts file (default ~/.ssh/known_hosts)")
	fs.BoolVar(&s.agent, "ssh-agent", true, "offer the keys of the ssh-agent at $SSH_AUTH_SOCK")
	fs.BoolVar(&s.acceptUnknown, "accept-unknown-host-keys", false, "accept hosts absent from known_hosts (a changed key is always refused)")
	fs.BoolVar(&s.sudo, "sudo", false, "run remote commands as root through sudo -n (the SSH user needs a NOPASSWD sudoers rule for /bin/sh; no sudo password is ever sent)")
	fs.DurationVar(&s.connectTimeout, "connect-timeout", 15*time.Second, "bound on connecting and logging in to a target")
	fs.DurationVar(&s.commandTimeout, "command-timeout", 2*time.Minute, "bound on each remote command")
	s.limits.register(fs)
}

// sshLogin is what one SSH login may use: the machine's user, port and
// key, the sources of its passphrase and password, its known_hosts file
// and sudo. It is the only thing sshFlags.dial takes besides the target, so
// only settings meant for SSH reach the SSH server: a database line's
// password settings are a dbLogin, a different type, and cannot be passed
// here by construction.
type sshLogin struct {
	user, key, knownHosts         string
	passphraseEnv, passphraseFile string
	passwordEnv, passwordFile     string
	sudo                          bool
	port                          int
}

// sshKeys are the inventory settings of an SSH login. A machine line
// writes them as they are (key=, password-env=); a database line writes
// them for its db-host= machine with the "ssh-" prefix (ssh-key=,
// ssh-password-env=), since its own password-env= is the database's.
var sshKeys = []string{"user", "port", "key", "known-hosts", "passphrase-env", "passphrase-file", "password-env", "password-file", "sudo"}

// login is the SSH login of one target: the flags, overridden by the
// inventory settings prefix+key of sshKeys (prefix "" for a machine line,
// "ssh-" for a database line's db-host). sudo is read unprefixed on both:
// it is not a credential and says how the machine is read.
func (s *sshFlags) login(opts map[string]string, prefix string) (sshLogin, error) {
	l := sshLogin{user: s.user, key: s.key, knownHosts: s.knownHost,
		passphraseEnv: s.keyPassEnv, passphraseFile: s.keyPassFile,
		passwordEnv: s.passwordEnv, passwordFile: s.passwordFile, sudo: s.sudo}
	for _, k := range sshKeys {
		name := prefix + k
		if k == "sudo" {
			name = k
		}
		v, ok := opts[name]
		if !ok {
			continue
		}
		switch k {
		case "user":
			l.user = v
		case "key":
			l.key = v
		case "known-hosts":
			l.knownHosts = v
		case "passphrase-env":
			l.passphraseEnv, l.passphraseFile = v, ""
		case "passphrase-file":
			l.passphraseFile, l.passphraseEnv = v, ""
		case "password-env":
			l.passwordEnv, l.passwordFile = v, ""
		case "password-file":
			l.passwordFile, l.passwordEnv = v, ""
		case "sudo":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return l, fmt.Errorf("%s=%q: want true or false", name, v)
			}
			l.sudo = b
		case "port":
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > 65535 {
				return l, fmt.Errorf("%s=%q: not a port number", name, v)
			}
			l.port = p
		}
	}
	return l, nil
}

// config is the SSH configuration of one login; it reads the login's
// secrets from their files or environment variables.
func (s *sshFlags) config(l sshLogin) (ssh.Config, error) {
	cfg := ssh.Config{
		User:                         l.user,
		Port:                         l.port,
		KeyFile:                      l.key,
		UseAgent:                     s.agent,
		KnownHostsFile:               l.knownHosts,
		InsecureAcceptUnknownHostKey: s.acceptUnknown,
		Sudo:                         l.sudo,
		ConnectTimeout:               s.connectTimeout,
		CommandTimeout:               s.commandTimeout,
		Logger:                       s.log,
		MaxFileBytes:                 s.limits.maxFileBytes,
	}
	var err error
	read := func(env, file string) (ssh.Secret, error) {
		switch {
		case env != "":
			return ssh.SecretFromEnv(env)
		case file != "":
			return ssh.SecretFromFile(file)
		}
		return ssh.Secret{}, nil
	}
	if cfg.KeyPassphrase, err = read(l.passphraseEnv, l.passphraseFile); err != nil {
		return cfg, err
	}
	if cfg.Password, err = read(l.passwordEnv, l.passwordFile); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// dial logs in to an ssh:// target with one login.
func (s *sshFlags) dial(ctx context.Context, spec string, l sshLogin) (host.Host, func() error, error) {
	st, err := ssh.ParseTarget(spec)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := s.config(l)
	if err != nil {
		return nil, nil, err
	}
	h, err := ssh.Dial(ctx, st, cfg)
	if err != nil {
		return nil, nil, err
	}
	return h, h.Close, nil
}

// openMachine opens a machine target (local, local:/root, ssh://) with
// the SSH login l.
func (s *sshFlags) openMachine(ctx context.Context, spec string, l sshLogin) (host.Host, func() error, error) {
	switch {
	case spec == "local":
		return local.New(local.WithMaxFileBytes(s.limits.maxFileBytes)), nil, nil
	case strings.HasPrefix(spec, "local:"):
		h, err := local.NewRoot(strings.TrimPrefix(spec, "local:"), local.WithMaxFileBytes(s.limits.maxFileBytes))
		return h, nil, err
	case strings.HasPrefix(strings.ToLower(spec), "ssh://"):
		return s.dial(ctx, spec, l)
	}
	return nil, nil, usageErr("unknown target %q (use local, local:/path/to/root, ssh://user@host[:port], postgres://, mongodb://, oracle://)", secret.RedactTarget(spec))
}

// opener connects to fleet targets: machines, and databases (whose
// server's files are reached through a machine target).
func (s *sshFlags) opener(db *dbFlags) fleet.Opener {
	return func(ctx context.Context, t fleet.Target) (host.Host, func() error, error) {
		if isDatabase(t.Spec) {
			if db == nil {
				return nil, nil, usageErr("database targets are scanned with 'stigscan scan'")
			}
			return db.openDatabase(ctx, t, s)
		}
		l, err := s.login(t.Options, "")
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		return s.openMachine(ctx, t.Spec, l)
	}
}

// checkSettings refuses inventory settings a target's kind does not have,
// so that a setting meant for one system (a database password source)
// is never silently read as another's. The error names the line and the
// setting's key only when the key is one stigscan knows: an unknown word
// might be a secret.
func checkSettings(t fleet.Target) error {
	allowed := map[string]bool{"name": true}
	kind := "machine"
	switch {
	case isDatabase(t.Spec):
		kind = "database"
		for _, k := range dbKeys {
			allowed[k] = true
		}
		for _, k := range sshKeys {
			allowed["ssh-"+k] = k != "sudo"
		}
		allowed["sudo"] = true
	case strings.HasPrefix(strings.ToLower(t.Spec), "ssh://"):
		for _, k := range sshKeys {
			allowed[k] = true
		}
	}
	keys := make([]string, 0, len(t.Options))
	for k := range t.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if allowed[k] {
			continue
		}
		where := t.Name
		if t.Line > 0 {
			where = fmt.Sprintf("line %d (%s)", t.Line, t.Name)
		}
		switch {
		case kind == "database" && slices.Contains(sshKeys, k):
			return usageErr("scan: %s: %s= is an SSH setting; on a database line the SSH login of db-host= is set with ssh-%s=", where, k, k)
		case known(k):
			return usageErr("scan: %s: a %s target has no %s= setting", where, kind, k)
		}
		return usageErr("scan: %s: a setting is not one a %s target has (the key is not repeated: it could be a secret)", where, kind)
	}
	return nil
}

// known reports whether k is a setting of some target kind.
func known(k string) bool {
	return k == "name" || slices.Contains(sshKeys, k) || slices.Contains(dbKeys, k) ||
		(strings.HasPrefix(k, "ssh-") && slices.Contains(sshKeys, strings.TrimPrefix(k, "ssh-")))
}
