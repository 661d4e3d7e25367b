package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// beginMarker opens the standard output of every script this package runs.
// Whatever a login shell prints before it (a chatty .bashrc) is skipped,
// and its absence under sudo means sudo refused to run the shell.
const beginMarker = "\x00stigscan-begin\x00"

// prelude starts every script: C locale so tool messages can be matched,
// system directories first in PATH so the audited user's own bin
// directories cannot stand in for stat, tar or cat.
const prelude = "LC_ALL=C; export LC_ALL\n" +
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH\n" +
	"printf '\\0stigscan-begin\\0'\n"

// deathGrace is how long a session that ended without an exit status waits
// for the connection monitor to confirm the connection is gone, so the
// caller gets ErrConnectionLost rather than a vaguer error.
const deathGrace = 2 * time.Second

type output struct {
	stdout []byte
	stderr string
	status int
}

// exec runs command in a new session, feeding stdin (if not nil). A
// non-zero exit status is not an error here; what describes the operation
// for messages.
func (h *Host) exec(ctx context.Context, what, command string, stdin []byte) (output, error) {
	if err := h.broken(); err != nil {
		return output{}, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, h.cmdTimeout)
	defer cancel()

	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return output{}, h.ctxError(parent, what)
	case <-h.dead:
		return output{}, h.deadErr
	}
	defer func() { <-h.sem }()

	ch := make(chan opened, 1)
	go func() {
		s, err := h.openSession(ctx)
		ch <- opened{s, err}
	}()
	var sess *gossh.Session
	select {
	case o := <-ch:
		if o.err != nil {
			return output{}, h.sessionError(what, o.err)
		}
		sess = o.s
	case <-ctx.Done():
		go closeWhenOpened(ch)
		return output{}, h.ctxError(parent, what)
	case <-h.dead:
		go closeWhenOpened(ch)
		return output{}, h.deadErr
	}
	defer sess.Close()

	var stdout, stderr bytes.Buffer
	sess.Stdout = &stdout
	sess.Stderr = &stderr
	if stdin != nil {
		sess.Stdin = bytes.NewReader(stdin)
	}
	if err := sess.Start(command); err != nil {
		return output{}, h.sessionError(what, err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case err := <-done:
		out := output{stdout: stdout.Bytes(), stderr: stderr.String()}
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return out, nil
		case errors.As(err, &ee) && ee.Signal() == "":
			out.status = ee.ExitStatus()
			return out, nil
		case errors.As(err, &ee):
			return out, fmt.Errorf("ssh: %s: %s: killed by signal %s", h.name, what, ee.Signal())
		default:
			return out, h.sessionError(what, err)
		}
	case <-ctx.Done():
		_ = sess.Signal(gossh.SIGKILL)
		return output{}, h.ctxError(parent, what)
	case <-h.dead:
		return output{}, h.deadErr
	}
}

// openSession opens a session channel, retrying a refusal for a while:
// sshd frees a closed session's slot a moment after the close, so a new
// session opened right then can exceed its MaxSessions though this Host
// never has more than Config.MaxSessions open.
func (h *Host) openSession(ctx context.Context) (*gossh.Session, error) {
	delay := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		s, err := h.client.NewSession()
		var oce *gossh.OpenChannelError
		if err == nil || !errors.As(err, &oce) || oce.Reason != gossh.ConnectionFailed || attempt == 20 {
			return s, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-h.dead:
			t.Stop()
			return nil, err
		case <-t.C:
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

type opened struct {
	s   *gossh.Session
	err error
}

// closeWhenOpened closes a session whose caller gave up waiting for it.
func closeWhenOpened(ch <-chan opened) {
	if o := <-ch; o.s != nil {
		_ = o.s.Close()
	}
}

// sessionError explains a session that failed without an exit status: most
// often the connection just died, which the monitor confirms shortly.
func (h *Host) sessionError(what string, err error) error {
	t := time.NewTimer(deathGrace)
	defer t.Stop()
	select {
	case <-h.dead:
		return h.deadErr
	case <-t.C:
		return fmt.Errorf("ssh: %s: %s: %w", h.name, what, err)
	}
}

func (h *Host) ctxError(parent context.Context, what string) error {
	if err := parent.Err(); err != nil {
		return fmt.Errorf("ssh: %s: %s: %w", h.name, what, err)
	}
	return fmt.Errorf("%w: %s: %s did not finish within %s", ErrCommandTimeout, h.name, what, h.cmdTimeout)
}

// script runs a POSIX sh script, through "sudo -n" when configured, fed on
// standard input so that neither the login shell nor argument-length limits
// touch it. It returns the output after beginMarker.
func (h *Host) script(ctx context.Context, what, body string) (output, error) {
	command := "/bin/sh -s"
	if h.sudo {
		command = "sudo -n -- /bin/sh -s"
	}
	out, err := h.exec(ctx, what, command, []byte(prelude+body))
	if err != nil {
		return out, err
	}
	i := bytes.Index(out.stdout, []byte(beginMarker))
	if i < 0 {
		return out, h.notStarted(out)
	}
	out.stdout = out.stdout[i+len(beginMarker):]
	return out, nil
}

// notStarted explains output that lacks beginMarker: the shell never ran.
func (h *Host) notStarted(out output) error {
	if h.sudo {
		reason := firstLine(out.stderr)
		switch {
		case out.status == 127:
			reason = "sudo is not installed or not in PATH (" + reason + ")"
		case strings.HasPrefix(reason, "sudo: "):
			reason = strings.TrimPrefix(reason, "sudo: ")
		case reason == "":
			reason = fmt.Sprintf("exit status %d", out.status)
		}
		return fmt.Errorf("%w on %s: %s", ErrSudoRefused, h.name, reason)
	}
	return fmt.Errorf("ssh: %s: /bin/sh did not start on the target: %w", h.name, &ExitError{Status: out.status, Stderr: out.stderr})
}

// Run executes cmd with /bin/sh -c in the C locale (through "sudo -n"
// when Config.Sudo is set), as the local host does, and returns its standard
// output. A non-zero exit gives the output so far and an error wrapping
// *ExitError. The command is one single-quoted word to the login shell, so
// any login shell passes it on unchanged.
func (h *Host) Run(ctx context.Context, cmd string) ([]byte, error) {
	inner := "LC_ALL=C; export LC_ALL; "
	command := "/bin/sh -c "
	if h.sudo {
		inner += "printf '\\0stigscan-begin\\0'; "
		command = "sudo -n -- /bin/sh -c "
	}
	out, err := h.exec(ctx, "run", command+Quote(inner+cmd), nil)
	if err != nil {
		return nil, err
	}
	stdout := out.stdout
	if h.sudo {
		i := bytes.Index(stdout, []byte(beginMarker))
		if i < 0 {
			return nil, h.notStarted(out)
		}
		stdout = stdout[i+len(beginMarker):]
	}
	if out.status != 0 {
		return stdout, fmt.Errorf("ssh: %s: run: %w", h.name, &ExitError{Status: out.status, Stderr: out.stderr})
	}
	return stdout, nil
}
