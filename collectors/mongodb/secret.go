package mongodb

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
)

const redacted = "[redacted]"

// Secret holds a password. Every way of printing, logging or marshalling it
// gives "[redacted]"; the text sits behind a pointer so that reflection
// (%v of a struct that holds one) shows an address at most. The zero value
// is an empty secret.
type Secret struct {
	p *secretText
}

type secretText struct{ s string }

// NewSecret wraps a password obtained some other way (a prompt with echo
// off, a secrets manager).
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &secretText{s: s}}
}

// SecretFromFile reads a password from a file; one trailing line break is
// dropped. Errors name the file, never what it holds.
func SecretFromFile(path string) (Secret, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Secret{}, fmt.Errorf("mongodb: password file: %w", err)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return Secret{}, fmt.Errorf("mongodb: password file %s is empty", path)
	}
	return NewSecret(string(b)), nil
}

// SecretFromEnv reads a password from the environment variable name.
func SecretFromEnv(name string) (Secret, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return Secret{}, fmt.Errorf("mongodb: environment variable %s is not set or empty", name)
	}
	return NewSecret(v), nil
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.p == nil || s.p.s == "" }

// reveal gives the password to the driver's credential, nothing else.
func (s Secret) reveal() string {
	if s.p == nil {
		return ""
	}
	return s.p.s
}

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter: every verb prints "[redacted]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
