package mongodb

import (
	"github.com/stigscan/stigscan/collectors/secret"
)

// Secret is a password or passphrase that never prints, logs or marshals
// (see package secret).
type Secret = secret.Secret

// SecretFromFile reads a secret from a file; the error names the file,
// never its content.
func SecretFromFile(path string) (Secret, error) { return secret.FromFile(path) }

// SecretFromEnv reads a secret from an environment variable.
func SecretFromEnv(name string) (Secret, error) { return secret.FromEnv(name) }

// NewSecret wraps a value already in memory.
func NewSecret(s string) Secret { return secret.New(s) }
