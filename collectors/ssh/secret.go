package ssh

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
)

const redacted = "[redacted]"

// Secret is a password or key passphrase. It prints, logs and marshals as
// "[redacted]" in every form; the value is kept behind a pointer so that
// even reflection-based printing of a struct holding it shows an address,
// not the text. The zero Secret is empty.
type Secret struct {
	v *secretValue
}

type secretValue struct{ b []byte }

// SecretFromFile reads a secret from a file, dropping one trailing newline
// (as editors and "echo" leave). The error names the file, never its content.
func SecretFromFile(path string) (Secret, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Secret{}, fmt.Errorf("ssh: secret file: %w", err)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return Secret{}, fmt.Errorf("ssh: secret file %s is empty", path)
	}
	return Secret{v: &secretValue{b: b}}, nil
}

// SecretFromEnv reads a secret from the environment variable name.
func SecretFromEnv(name string) (Secret, error) {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return Secret{}, fmt.Errorf("ssh: environment variable %s is not set or empty", name)
	}
	return Secret{v: &secretValue{b: []byte(v)}}, nil
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == nil || len(s.v.b) == 0 }

// reveal returns the secret's bytes, for the SSH library only.
func (s Secret) reveal() []byte {
	if s.v == nil {
		return nil
	}
	return s.v.b
}

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that every verb (%x, %q, %d...) prints
// "[redacted]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (YAML, TOML, XML attributes).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
