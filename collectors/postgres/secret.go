package postgres

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
)

const redacted = "[redacted]"

// Secret is a password. It prints, logs and marshals as "[redacted]" in
// every form; the value sits behind a pointer so that reflection-based
// printing of a struct holding it shows an address, not the text. The zero
// Secret is empty.
type Secret struct {
	v *secretValue
}

type secretValue struct{ s string }

// SecretFromFile reads a secret from a file, dropping one trailing newline.
// The error names the file, never its content.
func SecretFromFile(path string) (Secret, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Secret{}, fmt.Errorf("postgres: secret file: %w", err)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return Secret{}, fmt.Errorf("postgres: secret file %s is empty", path)
	}
	return Secret{v: &secretValue{s: string(b)}}, nil
}

// SecretFromEnv reads a secret from the environment variable name.
func SecretFromEnv(name string) (Secret, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return Secret{}, fmt.Errorf("postgres: environment variable %s is not set or empty", name)
	}
	return Secret{v: &secretValue{s: v}}, nil
}

// SecretFromReader reads a secret from r up to the end of the first line:
// for an interactive prompt that has already turned echo off.
func SecretFromReader(r io.Reader) (Secret, error) {
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
			return Secret{}, fmt.Errorf("postgres: read secret: %w", err)
		}
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return Secret{}, fmt.Errorf("postgres: empty secret")
	}
	return Secret{v: &secretValue{s: string(line)}}, nil
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || s.v.s == "" }

// reveal returns the secret, for the connection only.
func (s Secret) reveal() string {
	if s.v == nil {
		return ""
	}
	return s.v.s
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

// Reveal returns the secret's text, for code outside this package that
// hands it to a database driver (the Oracle target reuses this type). Its
// result must never be printed, logged or put in an error.
func (s Secret) Reveal() string { return s.reveal() }
