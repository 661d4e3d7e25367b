package ssh

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/stigscan/stigscan/collectors/host"
)

var (
	_ host.Host          = (*Host)(nil)
	_ host.FactsProvider = (*Host)(nil)
	_ host.Live          = (*Host)(nil)
	_ host.StatFSer      = (*Host)(nil)
	_ BatchReader        = (*Host)(nil)
)

// Host is one authenticated SSH connection to a target. It is safe for
// concurrent use; at most Config.MaxSessions commands run at once. It holds
// no secret: credentials are used during Dial only.
type Host struct {
	name        string // user@host:port, for messages
	user        string // the login user, for messages
	sudo        bool
	cmdTimeout  time.Duration
	maxFile     int64 // cap of one file read (Config.MaxFileBytes)
	maxOutput   int64 // cap of one command's standard output
	log         *slog.Logger
	fingerprint string

	client *gossh.Client
	conn   *countingConn
	sem    chan struct{}

	cache    *cache       // nil with Config.NoCache
	sessions atomic.Int64 // sessions opened, for Sessions
	commands atomic.Int64 // commands sent, for Commands

	shellMu sync.Mutex
	idle    []*shell // shells waiting for a command

	gnuFind atomic.Int32 // findUnknown, findYes or findNo

	factsMu sync.Mutex
	facts   *targetFacts // nil until the facts session has run

	dead     chan struct{} // closed once the connection is unusable
	deadOnce sync.Once
	deadErr  error // why; written before dead is closed
	timer    *time.Timer
}

// Dial connects to t, verifies its host key, authenticates and, when
// cfg.Sudo is set, checks that "sudo -n" works. ctx bounds Dial only; the
// Host lives until Close, HostTimeout or a lost connection.
func Dial(ctx context.Context, t Target, cfg Config) (*Host, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if t.User == "" {
		t.User = cfg.User
	}
	if t.User == "" {
		return nil, fmt.Errorf("ssh: %s: no user in the target or Config.User", t)
	}
	if t.Port == 0 {
		t.Port = cfg.Port
	}
	addr := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	name := t.User + "@" + addr
	log := cfg.Logger.With("host", name)

	// The clock starts before the key is decrypted: a passphrase-
	// protected key with many KDF rounds takes seconds of the bound the
	// user gave for connecting and logging in.
	connectTimeout := cfg.ConnectTimeout
	if cfg.HostTimeout > 0 && cfg.HostTimeout < connectTimeout {
		connectTimeout = cfg.HostTimeout
	}
	start := time.Now()
	deadline := start.Add(connectTimeout)

	checker, err := newHostKeyChecker(cfg.KnownHostsFile, cfg.InsecureAcceptUnknownHostKey, log)
	if err != nil {
		return nil, err
	}
	auth, closeAgent, err := authMethods(cfg)
	if err != nil {
		return nil, fmt.Errorf("ssh: %s: %w", name, err)
	}
	defer closeAgent()
	if !time.Now().Before(deadline) {
		return nil, fmt.Errorf("%w: %s: reading the credentials took all of %s", ErrConnectTimeout, name, connectTimeout)
	}
	dialer := net.Dialer{Deadline: deadline, KeepAlive: -1}
	raw, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ssh: %s: connect: %w", name, ctx.Err())
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, fmt.Errorf("%w: %s: no TCP connection within %s", ErrConnectTimeout, name, connectTimeout)
		}
		return nil, fmt.Errorf("ssh: %s: connect: %w", name, err)
	}
	conn := &countingConn{Conn: raw}
	// The deadline covers banner exchange, key exchange and
	// authentication: a peer that accepts TCP and never speaks ends here.
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })

	clientCfg := &gossh.ClientConfig{
		User:              t.User,
		Auth:              auth,
		HostKeyCallback:   checker.check,
		HostKeyAlgorithms: checker.algorithms(addr, conn.RemoteAddr()),
		Timeout:           connectTimeout,
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, clientCfg)
	stop()
	if err != nil {
		_ = conn.Close()
		return nil, handshakeError(ctx, name, connectTimeout, checker, err)
	}
	_ = conn.SetDeadline(time.Time{})

	_, fp := checker.result()
	h := &Host{
		name:        name,
		user:        t.User,
		sudo:        cfg.Sudo,
		cmdTimeout:  cfg.CommandTimeout,
		maxFile:     host.EffectiveLimit(cfg.MaxFileBytes),
		maxOutput:   outputCap(cfg.MaxFileBytes),
		log:         log,
		fingerprint: fp,
		client:      gossh.NewClient(c, chans, reqs),
		conn:        conn,
		sem:         make(chan struct{}, cfg.MaxSessions),
		dead:        make(chan struct{}),
	}
	if !cfg.NoCache {
		h.cache = newCache()
	}
	go func() {
		err := h.client.Wait()
		detail := "connection closed by peer"
		if err != nil && !errors.Is(err, io.EOF) {
			detail = err.Error()
		}
		h.markDead(fmt.Errorf("%w: %s: %s", ErrConnectionLost, name, detail))
	}()
	if cfg.KeepaliveInterval > 0 {
		go h.keepalive(cfg.KeepaliveInterval, cfg.KeepaliveCountMax)
	}
	if cfg.HostTimeout > 0 {
		h.timer = time.AfterFunc(cfg.HostTimeout-time.Since(start), func() {
			h.fail(fmt.Errorf("%w: %s: %s since connecting", ErrHostTimeout, name, cfg.HostTimeout))
		})
	}
	log.Debug("ssh: connected", "host_key", fp, "sudo", cfg.Sudo)
	if cfg.Sudo {
		if _, err := h.script(ctx, "sudo check", "true\n"); err != nil {
			_ = h.Close()
			return nil, err
		}
	}
	return h, nil
}

func handshakeError(ctx context.Context, name string, timeout time.Duration, checker *hostKeyChecker, err error) error {
	if refusal, _ := checker.result(); refusal != nil {
		return refusal
	}
	if ctx.Err() != nil {
		return fmt.Errorf("ssh: %s: handshake: %w", name, ctx.Err())
	}
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %s: no SSH handshake and login within %s (is an SSH server answering on that port?)", ErrConnectTimeout, name, timeout)
	}
	msg := strings.TrimPrefix(err.Error(), "ssh: handshake failed: ")
	msg = strings.TrimPrefix(msg, "ssh: ")
	if strings.Contains(msg, "unable to authenticate") {
		return fmt.Errorf("%w: %s: the server accepted none of the configured credentials (%s)", ErrAuth, name, msg)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("ssh: %s: handshake: the server closed the connection", name)
	}
	return fmt.Errorf("ssh: %s: handshake: %s", name, msg)
}

// authMethods builds the methods in OpenSSH's order: public keys (agent
// keys, then KeyFile), then password, then keyboard-interactive answered
// with the password. The SSH library tries each method name once, so all
// keys go into one publickey method.
func authMethods(cfg Config) (methods []gossh.AuthMethod, closeAgent func(), err error) {
	closeAgent = func() {}
	var fileSigner gossh.Signer
	if cfg.KeyFile != "" {
		pem, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return nil, closeAgent, fmt.Errorf("key file: %w", err)
		}
		if cfg.KeyPassphrase.IsZero() {
			fileSigner, err = gossh.ParsePrivateKey(pem)
		} else {
			fileSigner, err = gossh.ParsePrivateKeyWithPassphrase(pem, []byte(cfg.KeyPassphrase.Reveal()))
		}
		var missing *gossh.PassphraseMissingError
		switch {
		case errors.As(err, &missing):
			return nil, closeAgent, fmt.Errorf("key file %s is encrypted: set KeyPassphrase", cfg.KeyFile)
		case errors.Is(err, x509.IncorrectPasswordError) || (err != nil && strings.Contains(err.Error(), "decryption password incorrect")):
			return nil, closeAgent, fmt.Errorf("key file %s: the passphrase does not decrypt it", cfg.KeyFile)
		case err != nil:
			return nil, closeAgent, fmt.Errorf("key file %s: %w", cfg.KeyFile, err)
		}
	}
	var ag agent.ExtendedAgent
	if cfg.UseAgent {
		c, err := net.Dial("unix", cfg.AgentSocket)
		if err != nil {
			return nil, closeAgent, fmt.Errorf("ssh-agent at %s: %w", cfg.AgentSocket, err)
		}
		closeAgent = func() { _ = c.Close() }
		ag = agent.NewClient(c)
	}
	if ag != nil || fileSigner != nil {
		methods = append(methods, gossh.PublicKeysCallback(func() ([]gossh.Signer, error) {
			var signers []gossh.Signer
			if ag != nil {
				s, err := ag.Signers()
				if err != nil {
					return nil, fmt.Errorf("ssh-agent: %w", err)
				}
				signers = append(signers, s...)
			}
			if fileSigner != nil {
				signers = append(signers, fileSigner)
			}
			return signers, nil
		}))
	}
	if !cfg.Password.IsZero() {
		pw := cfg.Password
		methods = append(methods,
			gossh.PasswordCallback(func() (string, error) { return pw.Reveal(), nil }),
			gossh.KeyboardInteractive(func(_, _ string, questions []string, echos []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range questions {
					// Only hidden prompts get the password; a visible
					// prompt is not asking for it.
					if !echos[i] {
						answers[i] = pw.Reveal()
					}
				}
				return answers, nil
			}))
	}
	return methods, closeAgent, nil
}

// keepalive sends keepalive@openssh.com requests; when nothing at all has
// arrived from the peer for interval×max after a request, the connection is
// declared lost and closed, so calls in flight fail at once instead of
// waiting for TCP to give up.
func (h *Host) keepalive(interval time.Duration, max int) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-h.dead:
			return
		case <-tick.C:
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := h.client.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		window := interval * time.Duration(max)
		seen := h.conn.received.Load()
		wait := time.NewTimer(window)
	waiting:
		for {
			select {
			case err := <-reply:
				wait.Stop()
				if err != nil {
					h.fail(fmt.Errorf("%w: %s: keepalive: %v", ErrConnectionLost, h.name, err))
					return
				}
				break waiting
			case <-wait.C:
				// Bytes still arriving (a long transfer ahead of the
				// reply) mean the peer is alive.
				if now := h.conn.received.Load(); now != seen {
					seen = now
					wait.Reset(window)
					continue
				}
				h.fail(fmt.Errorf("%w: %s: no answer to keepalive for %s", ErrConnectionLost, h.name, window))
				return
			case <-h.dead:
				wait.Stop()
				return
			}
		}
	}
}

// markDead records why the connection is unusable; the first reason wins.
func (h *Host) markDead(err error) {
	h.deadOnce.Do(func() {
		h.deadErr = err
		close(h.dead)
		if errors.Is(err, ErrClosed) {
			h.log.Debug("ssh: connection closed")
		} else {
			h.log.Warn("ssh: connection ended", "reason", err.Error())
		}
	})
}

// fail marks the connection dead with err and closes it.
func (h *Host) fail(err error) {
	h.markDead(err)
	_ = h.client.Close()
}

// broken returns the reason the connection is unusable, or nil.
func (h *Host) broken() error {
	select {
	case <-h.dead:
		return h.deadErr
	default:
		return nil
	}
}

// Err reports why the connection stopped working (ErrConnectionLost,
// ErrHostTimeout...): nil while it works, and after Close. A scan that
// completed on a Host whose Err is not nil is incomplete: the checks after
// the loss are errors.
func (h *Host) Err() error {
	if err := h.broken(); err != nil && !errors.Is(err, ErrClosed) {
		return err
	}
	return nil
}

// Close ends the connection; later calls fail with ErrClosed.
func (h *Host) Close() error {
	if h.timer != nil {
		h.timer.Stop()
	}
	h.fail(fmt.Errorf("%w: %s", ErrClosed, h.name))
	h.closeShells()
	return nil
}

// Describe names the target as ssh://user@host:port; it holds no secret.
func (h *Host) Describe() string {
	if h.sudo {
		return "ssh://" + h.name + " (sudo)"
	}
	return "ssh://" + h.name
}

// Sessions reports how many sessions the Host has opened: one per shell it
// keeps (see exec.go), at most Config.MaxSessions unless shells failed.
func (h *Host) Sessions() int64 { return h.sessions.Load() }

// Commands reports how many commands the Host has sent to the target, each
// one round trip; with Sessions it measures what a scan cost.
func (h *Host) Commands() int64 { return h.commands.Load() }

// HostKeyFingerprint is the verified server key, as "TYPE SHA256:...".
func (h *Host) HostKeyFingerprint() string { return h.fingerprint }

// IsLive reports true: an SSH target is a running system.
func (h *Host) IsLive() bool { return true }

// countingConn counts bytes received so keepalives can tell a slow peer from
// a dead one.
type countingConn struct {
	net.Conn
	received atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.received.Add(int64(n))
	return n, err
}
