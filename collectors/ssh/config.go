package ssh

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Defaults applied by Dial to zero Config fields.
const (
	DefaultPort              = 22
	DefaultConnectTimeout    = 15 * time.Second
	DefaultCommandTimeout    = 2 * time.Minute
	DefaultKeepaliveInterval = 15 * time.Second
	DefaultKeepaliveCountMax = 3
	DefaultMaxSessions       = 8
)

// Config says how to reach and log in to targets. Secrets are Secret values
// from SecretFromFile, SecretFromEnv or the agent; a Config is safe to
// print, log or marshal. One Config may serve many Dial calls.
type Config struct {
	// User logs in when the target names none.
	User string
	// Port is used when the target names none; 0 means 22.
	Port int

	// KeyFile is a private key (OpenSSH, PEM or PKCS#8 format).
	KeyFile string
	// KeyPassphrase decrypts KeyFile when it is encrypted.
	KeyPassphrase Secret
	// UseAgent offers the keys of the ssh-agent at AgentSocket (default:
	// $SSH_AUTH_SOCK) before KeyFile's key. With no AgentSocket and no
	// SSH_AUTH_SOCK it is ignored when KeyFile or Password is set.
	UseAgent    bool
	AgentSocket string
	// Password is tried (password and keyboard-interactive methods) after
	// public keys.
	Password Secret

	// KnownHostsFile verifies host keys; default ~/.ssh/known_hosts. A
	// missing file is an empty one: every key is unknown.
	KnownHostsFile string
	// InsecureAcceptUnknownHostKey accepts a host whose key is absent from
	// KnownHostsFile (the key is logged with its fingerprint, the file is
	// not written). A changed or revoked key is refused regardless.
	InsecureAcceptUnknownHostKey bool

	// Sudo runs every command as root through "sudo -n -- /bin/sh -s". The
	// login user needs a sudoers rule that lets it run /bin/sh as root
	// without a password ("scan ALL=(root) NOPASSWD: /bin/sh"). Sudo that
	// asks for a password is not supported, by design: no secret is ever
	// typed into a prompt on the target (Password is for the SSH login
	// only). Dial fails with ErrSudoRefused, giving sudo's reason, when
	// sudo will not start the shell.
	Sudo bool

	// ConnectTimeout bounds TCP connect, SSH handshake and authentication.
	ConnectTimeout time.Duration
	// CommandTimeout bounds each remote command.
	CommandTimeout time.Duration
	// HostTimeout, when positive, bounds the whole life of the connection
	// from Dial on; past it every call fails with ErrHostTimeout.
	HostTimeout time.Duration
	// KeepaliveInterval is how often a keepalive@openssh.com request is
	// sent; negative disables keepalives. The connection is declared dead
	// when nothing at all has been received for KeepaliveInterval ×
	// KeepaliveCountMax after a request.
	KeepaliveInterval time.Duration
	KeepaliveCountMax int
	// MaxSessions bounds concurrent sessions on the connection (sshd's
	// MaxSessions is 10 by default).
	MaxSessions int

	// MaxFileBytes caps every file read from the target: a larger file is
	// an error matching host.ErrTooLarge, and no more than the cap of it
	// crosses the connection. 0 means host.DefaultMaxFileBytes.
	MaxFileBytes int64

	// NoCache makes every call read the target afresh. By default a Host
	// keeps what it read (listings, file metadata, small files) for its
	// lifetime, one scan, and answers repeated and neighbouring reads from
	// it.
	NoCache bool

	// Logger receives connection events; nil discards them. Secrets
	// never reach it.
	Logger *slog.Logger
}

// withDefaults fills zero fields; it reads the environment (HOME,
// SSH_AUTH_SOCK) only for fields left empty.
func (c Config) withDefaults() (Config, error) {
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = DefaultCommandTimeout
	}
	if c.KeepaliveInterval == 0 {
		c.KeepaliveInterval = DefaultKeepaliveInterval
	}
	if c.KeepaliveCountMax <= 0 {
		c.KeepaliveCountMax = DefaultKeepaliveCountMax
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.KnownHostsFile == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return c, fmt.Errorf("ssh: no KnownHostsFile given and no home directory: %w", err)
		}
		c.KnownHostsFile = filepath.Join(home, ".ssh", "known_hosts")
	}
	if c.UseAgent && c.AgentSocket == "" {
		c.AgentSocket = os.Getenv("SSH_AUTH_SOCK")
		switch {
		case c.AgentSocket != "":
		case c.KeyFile != "" || !c.Password.IsZero():
			// As OpenSSH's client: no agent running, use the other
			// credentials.
			c.UseAgent = false
		default:
			return c, fmt.Errorf("ssh: UseAgent is set but SSH_AUTH_SOCK is empty and no AgentSocket was given")
		}
	}
	if !c.UseAgent && c.KeyFile == "" && c.Password.IsZero() {
		return c, fmt.Errorf("ssh: no credentials configured (set KeyFile, UseAgent or Password)")
	}
	return c, nil
}
