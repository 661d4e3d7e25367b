package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
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

// config builds the SSH configuration for one target, applying its
// inventory settings over the flags.
func (s *sshFlags) config(opts map[string]string) (ssh.Config, error) {
	get := func(k, def string) string {
		if v, ok := opts[k]; ok {
			return v
		}
		return def
	}
	cfg := ssh.Config{
		User:                         get("user", s.user),
		KeyFile:                      get("key", s.key),
		UseAgent:                     s.agent,
		KnownHostsFile:               get("known-hosts", s.knownHost),
		InsecureAcceptUnknownHostKey: s.acceptUnknown,
		Sudo:                         s.sudo,
		ConnectTimeout:               s.connectTimeout,
		CommandTimeout:               s.commandTimeout,
	}
	if v, ok := opts["sudo"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("sudo=%q: want true or false", v)
		}
		cfg.Sudo = b
	}
	if v, ok := opts["port"]; ok {
		p, err := strconv.Atoi(v)
		if err != nil {
			return cfg, fmt.Errorf("port=%q: not a number", v)
		}
		cfg.Port = p
	}
	var err error
	secret := func(env, file string) (ssh.Secret, error) {
		switch {
		case env != "":
			return ssh.SecretFromEnv(env)
		case file != "":
			return ssh.SecretFromFile(file)
		}
		return ssh.Secret{}, nil
	}
	if cfg.KeyPassphrase, err = secret(get("passphrase-env", s.keyPassEnv), get("passphrase-file", s.keyPassFile)); err != nil {
		return cfg, err
	}
	if cfg.Password, err = secret(get("password-env", s.passwordEnv), get("password-file", s.passwordFile)); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// opener connects to fleet targets: machines, and databases (whose
// server's files are reached through a machine target).
func (s *sshFlags) opener(db *dbFlags) fleet.Opener {
	var open fleet.Opener
	open = func(ctx context.Context, t fleet.Target) (host.Host, func() error, error) {
		if isDatabase(t.Spec) {
			if db == nil {
				return nil, nil, usageErr("database targets are scanned with 'stigscan scan'")
			}
			return db.openDatabase(ctx, t, open)
		}
		switch {
		case t.Spec == "local":
			return local.New(local.WithMaxFileBytes(s.limits.maxFileBytes)), nil, nil
		case strings.HasPrefix(t.Spec, "local:"):
			h, err := local.NewRoot(strings.TrimPrefix(t.Spec, "local:"), local.WithMaxFileBytes(s.limits.maxFileBytes))
			return h, nil, err
		case strings.HasPrefix(strings.ToLower(t.Spec), "ssh://"):
			st, err := ssh.ParseTarget(t.Spec)
			if err != nil {
				return nil, nil, err
			}
			cfg, err := s.config(t.Options)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", t.Name, err)
			}
			h, err := ssh.Dial(ctx, st, cfg)
			if err != nil {
				return nil, nil, err
			}
			return h, h.Close, nil
		}
		return nil, nil, usageErr("unknown target %q (use local, local:/path/to/root, ssh://user@host[:port], postgres://, mongodb://, oracle://)", redactTarget(t.Spec))
	}
	return open
}

// redactTarget drops any user-info password from a target for messages.
func redactTarget(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
				return s[:i+3] + rest[:c] + ":[redacted]" + rest[at:]
			}
		}
	}
	return s
}
