package ssh

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/target"
)

var _ host.KindProvider = (*Host)(nil)

// Kind is a machine read over SSH: "ssh://user@host[:port]". Its login
// settings (all but sudo=) are written with "ssh-" on a database line
// whose db-host= is an SSH machine, so a database's password-env= is
// never this login's.
func Kind() target.Kind {
	return target.Kind{
		Name: "ssh", Title: "SSH", Class: target.Machine,
		Schemes: []string{"ssh://"}, Usage: "ssh://user@host[:port]",
		LoginPrefix: "ssh-",
		Settings: []target.Setting{
			{Key: "user", Login: true, Help: "login user when the target names none",
				Flag: "ssh-user", FlagHelp: "SSH user for targets that name none"},
			{Key: "port", Login: true, Type: target.Port, Help: "port when the target names none (default 22)"},
			{Key: "key", Login: true, Help: "private key file", Flag: "ssh-key", FlagHelp: "SSH private key file"},
			{Key: "known-hosts", Login: true, Help: "known_hosts file",
				Flag: "known-hosts", FlagHelp: "known_hosts file (default ~/.ssh/known_hosts)"},
			{Key: "passphrase-env", Login: true, Replaces: "passphrase-file", Help: "environment variable holding the key's passphrase",
				Flag: "ssh-key-passphrase-env", FlagHelp: "environment variable holding the key's passphrase"},
			{Key: "passphrase-file", Login: true, Replaces: "passphrase-env", Help: "file holding the key's passphrase",
				Flag: "ssh-key-passphrase-file", FlagHelp: "file holding the key's passphrase"},
			{Key: "password-env", Login: true, Replaces: "password-file", Help: "environment variable holding the SSH password",
				Flag: "ssh-password-env", FlagHelp: "environment variable holding the SSH password"},
			{Key: "password-file", Login: true, Replaces: "password-env", Help: "file holding the SSH password",
				Flag: "ssh-password-file", FlagHelp: "file holding the SSH password"},
			// Not a credential: it says how the machine is read, so a
			// database line writes it unprefixed.
			{Key: "sudo", Type: target.Bool, Help: "run commands as root through sudo -n",
				Flag: "sudo", FlagHelp: "run remote commands as root through sudo -n (the SSH user needs a NOPASSWD sudoers rule for /bin/sh; no sudo password is ever sent)"},
		},
		Open: openKind,
	}
}

// openKind logs in to r.Spec with r's settings; secrets are read from
// their files or environment variables here, for this login only.
func openKind(ctx context.Context, r target.Request) (host.Host, func() error, error) {
	t, err := ParseTarget(r.Spec)
	if err != nil {
		return nil, nil, err
	}
	v := r.Values
	port, err := v.Port("port")
	if err != nil {
		return nil, nil, err
	}
	sudo, err := v.Bool("sudo")
	if err != nil {
		return nil, nil, err
	}
	cfg := Config{
		User:                         v.String("user"),
		Port:                         port,
		KeyFile:                      v.String("key"),
		UseAgent:                     r.Env.UseAgent,
		KnownHostsFile:               v.String("known-hosts"),
		InsecureAcceptUnknownHostKey: r.Env.AcceptUnknownHostKeys,
		Sudo:                         sudo,
		ConnectTimeout:               r.Env.ConnectTimeout,
		CommandTimeout:               r.Env.CommandTimeout,
		Logger:                       r.Env.Logger,
		MaxFileBytes:                 r.Env.MaxFileBytes,
	}
	if cfg.KeyPassphrase, err = v.Secret("passphrase-env", "passphrase-file"); err != nil {
		return nil, nil, err
	}
	if cfg.Password, err = v.Secret("password-env", "password-file"); err != nil {
		return nil, nil, err
	}
	h, err := Dial(ctx, t, cfg)
	if err != nil {
		return nil, nil, err
	}
	return h, h.Close, nil
}

// Kind describes the host as of Kind.
func (h *Host) Kind() host.Kind { return Kind().Host() }
