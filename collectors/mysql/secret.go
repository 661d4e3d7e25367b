package mysql

import (
	"io"

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

// SecretFromReader reads a secret from the first line of r (a prompt with
// echo off).
func SecretFromReader(r io.Reader) (Secret, error) { return secret.FromReader(r) }
