package ssh

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeyChecker verifies the server key against known_hosts and remembers
// why it refused, because the SSH library reports a refusal only as a
// generic handshake failure.
type hostKeyChecker struct {
	file     string
	insecure bool
	log      *slog.Logger
	known    gossh.HostKeyCallback // nil when the file does not exist

	mu          sync.Mutex
	refusal     error
	fingerprint string
}

func newHostKeyChecker(file string, insecure bool, log *slog.Logger) (*hostKeyChecker, error) {
	c := &hostKeyChecker{file: file, insecure: insecure, log: log}
	known, err := knownhosts.New(file)
	switch {
	case err == nil:
		c.known = known
	case errors.Is(err, fs.ErrNotExist):
		// No file: every host is unknown, which the refusal explains.
	default:
		return nil, fmt.Errorf("ssh: known_hosts: %w", err)
	}
	return c, nil
}

// algorithms returns the host key algorithms to negotiate with addr: those
// of the keys known_hosts holds for it, so that a server offering several
// key types is checked against the one we know (as OpenSSH's client does).
// Nil means "library default" (host unknown).
func (c *hostKeyChecker) algorithms(addr string, remote net.Addr) []string {
	if c.known == nil {
		return nil
	}
	// Ask with a key that cannot be on file: the answer lists the keys
	// that are.
	probe, err := gossh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	if err != nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if !errors.As(c.known(addr, remote, probe), &ke) {
		return nil
	}
	var algos []string
	for _, k := range ke.Want {
		switch t := k.Key.Type(); t {
		case gossh.KeyAlgoRSA:
			algos = append(algos, gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256, gossh.KeyAlgoRSA)
		default:
			algos = append(algos, t)
		}
	}
	return slices.Compact(algos)
}

func (c *hostKeyChecker) check(addr string, remote net.Addr, key gossh.PublicKey) error {
	fp := gossh.FingerprintSHA256(key)
	c.mu.Lock()
	c.fingerprint = key.Type() + " " + fp
	c.mu.Unlock()
	var err error
	if c.known == nil {
		err = &knownhosts.KeyError{}
	} else {
		err = c.known(addr, remote, key)
	}
	if err == nil {
		return nil
	}
	var refusal error
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case errors.As(err, &re):
		refusal = fmt.Errorf("%w: %s offered %s key %s, which %s:%d marks @revoked; refusing",
			ErrHostKeyRevoked, addr, key.Type(), fp, re.Revoked.Filename, re.Revoked.Line)
	case errors.As(err, &ke) && len(ke.Want) > 0:
		var on []string
		for _, w := range ke.Want {
			on = append(on, fmt.Sprintf("%s:%d has %s %s", w.Filename, w.Line, w.Key.Type(), gossh.FingerprintSHA256(w.Key)))
		}
		refusal = fmt.Errorf("%w: %s offered %s key %s but %s; the host may have been reinstalled, or someone may be intercepting the connection. Refusing (InsecureAcceptUnknownHostKey never overrides a changed key); if the change is expected, verify the new key and replace the old entry (ssh-keygen -R %s -f %s)",
			ErrHostKeyChanged, addr, key.Type(), fp, strings.Join(on, "; "), knownhosts.Normalize(addr), c.file)
	case errors.As(err, &ke):
		if c.insecure {
			c.log.Warn("ssh: accepting unknown host key (InsecureAcceptUnknownHostKey)",
				"addr", addr, "key_type", key.Type(), "fingerprint", fp)
			return nil
		}
		refusal = fmt.Errorf("%w: %s offered %s key %s, which is not in %s. Verify the fingerprint with the host's administrator, then add it to that file (the line is: %s), or accept unknown keys for this run (stigscan's --accept-unknown-host-keys flag, Config.InsecureAcceptUnknownHostKey)",
			ErrHostKeyUnknown, addr, key.Type(), fp, c.file, knownhosts.Line([]string{knownhosts.Normalize(addr)}, key))
	default:
		refusal = fmt.Errorf("ssh: host key check for %s: %w", addr, err)
	}
	c.mu.Lock()
	c.refusal = refusal
	c.mu.Unlock()
	return refusal
}

func (c *hostKeyChecker) result() (refusal error, fingerprint string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refusal, c.fingerprint
}
