package ssh

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/stigscan/stigscan/collectors/host"
)

// Commands do not each get a session. Opening a session costs a round trip
// for the channel, one for the exec request, and a login shell on the
// target that reads its rc files (a .bashrc that initialises a language
// toolchain takes over 100 ms); a scan runs hundreds of commands. So a Host
// keeps up to Config.MaxSessions sessions open, each running one POSIX sh
// (through "sudo -n" when configured) that reads commands on its standard
// input, and sends each command to an idle one: one round trip, no new
// process but the subshell that runs it.
//
// A command is framed so that its output needs no escaping:
//
//	(
//	BODY
//	) </dev/null
//	s=$?; printf '\0stigscan-end-TOKEN %d\0' "$s"; printf '\0stigscan-end-TOKEN\0' >&2
//
// TOKEN is 16 random bytes, new for every command, so no file content read
// by the command can end its output early. The subshell keeps "exit" and
// "exec" in BODY from ending the shell, and standard input is closed so
// BODY cannot read the commands that follow. A shell that fails, times out
// or is cancelled mid-command is closed and never reused.

// beginMarker opens the standard output of every script this package runs.
const beginMarker = "\x00stigscan-begin\x00"

// readyMarker is what a new shell prints first; whatever a login shell
// prints before it (a chatty .bashrc) is skipped, and its absence under
// sudo means sudo refused to run the shell.
const readyMarker = "\x00stigscan-ready\x00"

// prelude starts every script: C locale so tool messages can be matched,
// system directories first in PATH so the audited user's own bin
// directories cannot stand in for stat, tar or cat.
const prelude = "LC_ALL=C; export LC_ALL\n" +
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH\n" +
	"printf '\\0stigscan-begin\\0'\n"

// deathGrace is how long a command that ended without an answer waits for
// the connection monitor to confirm the connection is gone, so the caller
// gets ErrConnectionLost rather than a vaguer error.
const deathGrace = 2 * time.Second

type output struct {
	stdout []byte
	stderr string
	status int
}

// shell is one session running a command-reading sh.
type shell struct {
	sess   *gossh.Session
	stdin  io.WriteCloser
	stdout *stream
	stderr *stream
}

// stream reads one of a shell's outputs up to markers.
type stream struct {
	r   io.Reader
	buf []byte // read but not yet consumed
}

// maxStderrBytes caps what a command may print on standard error (and a
// login shell before its ready marker).
const maxStderrBytes = 16 << 20

// errOutputCap is a command's output growing past its cap; the session is
// closed, so nothing more of it is read.
var errOutputCap = errors.New("output over the cap")

// outputCap is the cap of one command's standard output: room for one file
// at the file cap, and for the listings and batches of small files that
// other commands send, whichever is more.
func outputCap(maxFileBytes int64) int64 {
	return max(2*host.EffectiveLimit(maxFileBytes)+outputSlack, 256<<20)
}

// outputSlack is what a command prints besides a file's bytes (markers,
// record codes).
const outputSlack = 64 << 10

// until returns what comes before marker and consumes both. Past limit
// bytes (limit <= 0: none) without the marker it fails with errOutputCap.
func (s *stream) until(marker []byte, limit int64) ([]byte, error) {
	from := 0
	chunk := make([]byte, 64<<10)
	for {
		if i := bytes.Index(s.buf[from:], marker); i >= 0 {
			i += from
			out := s.buf[:i:i]
			s.buf = append([]byte(nil), s.buf[i+len(marker):]...)
			return out, nil
		}
		if limit > 0 && int64(len(s.buf)) > limit+int64(len(marker)) {
			return nil, errOutputCap
		}
		from = max(0, len(s.buf)-len(marker)+1)
		n, err := s.r.Read(chunk)
		s.buf = append(s.buf, chunk[:n]...)
		if err != nil && n == 0 {
			return s.buf, err
		}
	}
}

func (sh *shell) close() { _ = sh.sess.Close() }

// exec runs body (shell code) in the subshell of an idle shell and returns
// its output. A non-zero exit status is not an error here; what describes
// the operation for messages.
func (h *Host) exec(ctx context.Context, what, body string) (output, error) {
	return h.execMax(ctx, what, body, h.maxOutput)
}

// execMax is exec with a cap of maxOut bytes on the command's standard
// output: past it the session is closed and the error matches
// errOutputCap.
func (h *Host) execMax(ctx context.Context, what, body string, maxOut int64) (output, error) {
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

	sh, err := h.idleShell(ctx, parent, what)
	if err != nil {
		return output{}, err
	}
	h.commands.Add(1)
	var tok [16]byte
	_, _ = rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	end := "\x00stigscan-end-" + token
	req := "(\n" + body + "\n) </dev/null\ns=$?; printf '\\0stigscan-end-" + token + " %d\\0' \"$s\"; printf '\\0stigscan-end-" + token + "\\0' >&2\n"

	type result struct {
		out output
		err error
	}
	done := make(chan result, 1)
	go func() {
		var out output
		errc := make(chan error, 1)
		go func() {
			b, err := sh.stderr.until([]byte(end+"\x00"), maxStderrBytes)
			out.stderr = string(b)
			errc <- err
		}()
		if _, err := io.WriteString(sh.stdin, req); err != nil {
			sh.close()
			<-errc
			done <- result{out, err}
			return
		}
		b, err := sh.stdout.until([]byte(end+" "), maxOut)
		if err == nil {
			var st []byte
			st, err = sh.stdout.until([]byte{0}, 64)
			if err == nil {
				out.status, err = strconv.Atoi(string(st))
			}
		}
		out.stdout = b
		if err != nil {
			sh.close()
		}
		if serr := <-errc; err == nil {
			err = serr
		}
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			sh.close()
			if errors.Is(r.err, errOutputCap) {
				return output{}, fmt.Errorf("ssh: %s: %s: %w (%d bytes)", h.name, what, r.err, maxOut)
			}
			return output{}, h.sessionError(what, r.err)
		}
		h.putShell(sh)
		return r.out, nil
	case <-ctx.Done():
		_ = sh.sess.Signal(gossh.SIGKILL)
		sh.close()
		return output{}, h.ctxError(parent, what)
	case <-h.dead:
		sh.close()
		return output{}, h.deadErr
	}
}

// idleShell returns a shell no command is using, starting one when none is
// idle (the semaphore keeps their number within Config.MaxSessions).
func (h *Host) idleShell(ctx, parent context.Context, what string) (*shell, error) {
	h.shellMu.Lock()
	if n := len(h.idle); n > 0 {
		sh := h.idle[n-1]
		h.idle = h.idle[:n-1]
		h.shellMu.Unlock()
		return sh, nil
	}
	h.shellMu.Unlock()

	type started struct {
		sh  *shell
		err error
	}
	ch := make(chan started, 1)
	go func() {
		sh, err := h.startShell(ctx)
		ch <- started{sh, err}
	}()
	select {
	case s := <-ch:
		return s.sh, s.err
	case <-ctx.Done():
		go func() {
			if s := <-ch; s.sh != nil {
				s.sh.close()
			}
		}()
		return nil, h.ctxError(parent, what)
	case <-h.dead:
		go func() {
			if s := <-ch; s.sh != nil {
				s.sh.close()
			}
		}()
		return nil, h.deadErr
	}
}

func (h *Host) putShell(sh *shell) {
	h.shellMu.Lock()
	defer h.shellMu.Unlock()
	if h.broken() != nil {
		sh.close()
		return
	}
	h.idle = append(h.idle, sh)
}

// startShell opens a session running sh (through "sudo -n" when
// configured) and waits for it to announce itself.
func (h *Host) startShell(ctx context.Context) (*shell, error) {
	sess, err := h.openSession(ctx)
	if err != nil {
		return nil, h.sessionError("start shell", err)
	}
	h.sessions.Add(1)
	sh := &shell{sess: sess}
	stdin, err1 := sess.StdinPipe()
	stdout, err2 := sess.StdoutPipe()
	stderr, err3 := sess.StderrPipe()
	if err := errors.Join(err1, err2, err3); err != nil {
		_ = sess.Close()
		return nil, fmt.Errorf("ssh: %s: start shell: %w", h.name, err)
	}
	sh.stdin, sh.stdout, sh.stderr = stdin, &stream{r: stdout}, &stream{r: stderr}
	command := "/bin/sh -s"
	if h.sudo {
		command = "sudo -n -- /bin/sh -s"
	}
	if err := sess.Start(command); err != nil {
		_ = sess.Close()
		return nil, h.sessionError("start shell", err)
	}
	// The shell's own settings: nothing that changes what commands see
	// but the locale, which Run and scripts set anyway. A refusing sudo
	// may have exited before this write arrives, which then fails; its
	// reason is read below all the same.
	_, werr := io.WriteString(stdin, "printf '\\0stigscan-ready\\0'; printf '\\0stigscan-ready\\0' >&2\n")
	if _, err := sh.stdout.until([]byte(readyMarker), maxStderrBytes); err != nil {
		// The shell never ran: collect why (sudo's refusal) and the
		// status.
		rest, _ := io.ReadAll(io.LimitReader(stderr, 64<<10))
		errText := append(sh.stderr.buf, rest...)
		status := -1
		var ee *gossh.ExitError
		if werr := sess.Wait(); errors.As(werr, &ee) {
			status = ee.ExitStatus()
		} else if werr == nil {
			status = 0
		}
		_ = sess.Close()
		if h.broken() != nil {
			return nil, h.deadErr
		}
		if werr != nil && status == -1 && len(errText) == 0 {
			return nil, h.sessionError("start shell", werr)
		}
		return nil, h.notStarted(output{stderr: string(errText), status: status})
	}
	// What a login shell wrote to standard error before is not any
	// command's.
	if _, err := sh.stderr.until([]byte(readyMarker), maxStderrBytes); err != nil {
		_ = sess.Close()
		return nil, h.sessionError("start shell", err)
	}
	return sh, nil
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

// closeShells closes every idle shell.
func (h *Host) closeShells() {
	h.shellMu.Lock()
	defer h.shellMu.Unlock()
	for _, sh := range h.idle {
		sh.close()
	}
	h.idle = nil
}

// sessionError explains a command that failed without an answer: most
// often the connection just died, which the monitor confirms shortly.
func (h *Host) sessionError(what string, err error) error {
	t := time.NewTimer(deathGrace)
	defer t.Stop()
	select {
	case <-h.dead:
		return h.deadErr
	case <-t.C:
		if errors.Is(err, io.EOF) {
			err = errors.New("the remote shell ended unexpectedly")
		}
		return fmt.Errorf("ssh: %s: %s: %w", h.name, what, err)
	}
}

func (h *Host) ctxError(parent context.Context, what string) error {
	if err := parent.Err(); err != nil {
		return fmt.Errorf("ssh: %s: %s: %w", h.name, what, err)
	}
	return fmt.Errorf("%w: %s: %s did not finish within %s", ErrCommandTimeout, h.name, what, h.cmdTimeout)
}

// script runs a POSIX sh script (in the C locale, with system directories
// first in PATH) and returns the output after beginMarker.
func (h *Host) script(ctx context.Context, what, body string) (output, error) {
	return h.scriptMax(ctx, what, body, h.maxOutput)
}

// scriptMax is script with a cap on the standard output (see execMax).
func (h *Host) scriptMax(ctx context.Context, what, body string, maxOut int64) (output, error) {
	out, err := h.execMax(ctx, what, prelude+body, maxOut)
	if err != nil {
		return out, err
	}
	i := bytes.Index(out.stdout, []byte(beginMarker))
	if i < 0 {
		return out, fmt.Errorf("ssh: %s: %s: the script did not start: %w", h.name, what, &ExitError{Status: out.status, Stderr: out.stderr})
	}
	out.stdout = out.stdout[i+len(beginMarker):]
	return out, nil
}

// notStarted explains a shell that never announced itself. Under sudo the
// reason is sudo's last line: warnings such as "unable to resolve host" or
// "setrlimit(RLIMIT_CORE)" come before the refusal. A refusal says what
// rule would work, since no password is ever typed into sudo's prompt.
func (h *Host) notStarted(out output) error {
	if h.sudo {
		reason := lastLine(out.stderr)
		hint := ""
		switch {
		case out.status == 127:
			reason = "sudo is not installed or not in PATH (" + reason + ")"
		case reason == "":
			reason = fmt.Sprintf("exit status %d", out.status)
		case strings.Contains(reason, "must have a tty"):
			hint = fmt.Sprintf("; stigscan runs sudo without a terminal, so %s needs \"Defaults:%s !requiretty\"", h.user, h.user)
		default:
			hint = fmt.Sprintf("; stigscan never answers a sudo password prompt, so %s needs a rule such as \"%s ALL=(root) NOPASSWD: /bin/sh\"", h.user, h.user)
		}
		reason = strings.TrimSuffix(strings.TrimPrefix(reason, "sudo: "), ".")
		return fmt.Errorf("%w on %s: %s%s", ErrSudoRefused, h.name, reason, hint)
	}
	return fmt.Errorf("ssh: %s: /bin/sh did not start on the target: %w", h.name, &ExitError{Status: out.status, Stderr: out.stderr})
}

// Run executes cmd with /bin/sh -c in the C locale (as root through
// "sudo -n" when Config.Sudo is set), as the local host does, and returns
// its standard output. A non-zero exit gives the output so far and an
// error wrapping *ExitError. The command reaches the shell as one
// single-quoted word, so nothing in it is parsed before /bin/sh -c runs it.
func (h *Host) Run(ctx context.Context, cmd string) ([]byte, error) {
	out, err := h.exec(ctx, "run", "LC_ALL=C; export LC_ALL\nexec /bin/sh -c "+Quote(cmd))
	if err != nil {
		return nil, err
	}
	if out.status != 0 {
		return out.stdout, fmt.Errorf("ssh: %s: run: %w", h.name, &ExitError{Status: out.status, Stderr: out.stderr})
	}
	return out.stdout, nil
}
