// Package secret holds passwords and passphrases so that they cannot be
// printed, logged or marshalled by accident: every collector (SSH,
// PostgreSQL, MongoDB, Oracle) takes its credentials as a Secret read from a
// file, an environment variable or a prompt, never from a command line.
package secret

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
)

const redacted = "[redacted]"

// Secret is a password or passphrase. It prints, logs and marshals as
// "[redacted]" in every form. The value sits behind a pointer, as bytes: fmt
// cannot call methods through unexported fields, and a struct printed that
// way then shows an address or byte values, never the text. The zero Secret
// is empty.
type Secret struct {
	v *value
}

type value struct{ b []byte }

// New wraps a value already in memory (a test's, or one a caller read
// itself).
func New(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &value{b: []byte(s)}}
}

// MaxFileSize bounds a secret file: a password or passphrase is short, and
// a path naming something else (a device, a huge file) must not hold the
// scan.
const MaxFileSize = 64 << 10

// FromFile reads a secret from a file, dropping one trailing newline. The
// error names the file, never its content.
func FromFile(path string) (Secret, error) {
	// Checked before opening too: opening a FIFO would wait for a writer.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return Secret{}, fmt.Errorf("secret file %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Secret{}, fmt.Errorf("secret file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return Secret{}, fmt.Errorf("secret file %s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return Secret{}, fmt.Errorf("secret file: %w", err)
	}
	if len(b) > MaxFileSize {
		return Secret{}, fmt.Errorf("secret file %s is larger than %d bytes", path, MaxFileSize)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return Secret{}, fmt.Errorf("secret file %s is empty", path)
	}
	return New(string(b)), nil
}

// FromEnv reads a secret from the environment variable name.
func FromEnv(name string) (Secret, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return Secret{}, fmt.Errorf("environment variable %s is not set or empty", name)
	}
	return New(v), nil
}

// FromReader reads a secret from r up to the end of the first line: for an
// interactive prompt that has already turned echo off.
func FromReader(r io.Reader) (Secret, error) {
	var line []byte
	buf := make([]byte, 1)
	for len(line) < 4096 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			line = append(line, buf[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return Secret{}, fmt.Errorf("read secret: %w", err)
		}
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return Secret{}, fmt.Errorf("empty secret")
	}
	return New(string(line)), nil
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || len(s.v.b) == 0 }

// Reveal returns the secret's text for the one place that hands it to a
// driver or protocol. Its result must never be printed, logged or put in an
// error.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return string(s.v.b)
}

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that every verb prints "[redacted]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
