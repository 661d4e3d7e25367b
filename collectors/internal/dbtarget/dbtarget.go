// Package dbtarget is what the database targets (packages postgres, oracle
// and mongodb) share, so that each keeps only what its database does
// differently:
//
//   - Syntax reads and writes the scheme://user@host[:port][/name][?param]
//     targets of the SQL databases, refusing passwords and never repeating
//     its input in an error; each database names its scheme, its one query
//     parameter and what its path means.
//   - Limits fills a Config's connection and query bounds with the same
//     defaults everywhere.
//   - Target is the part of an open target that does not depend on the
//     driver: its description, its logger, closing once, the statement
//     guard and row limit in front of every SQL query, and the server
//     machine's facts.
//
// Password sources (a file, an environment variable, a prompt) are package
// secret's; the targets take a secret.Secret.
package dbtarget

import (
	"log/slog"
	"time"
)

// Defaults of the bounds a database Config holds, applied by SetDefaults.
const (
	DefaultConnectTimeout = 15 * time.Second
	DefaultQueryTimeout   = 30 * time.Second
	DefaultMaxConns       = 2
	MaxMaxConns           = 4
	DefaultMaxRows        = 100000
	// DefaultMaxValueBytes bounds one value of a SQL result: a setting, a
	// name or a privilege list is far smaller.
	DefaultMaxValueBytes = 1 << 20
	// DefaultMaxResultBytes bounds the values of one SQL result together.
	DefaultMaxResultBytes = 16 << 20
)

// Limits points at the bounds of one database's Config, so that
// SetDefaults can fill the zero ones. A nil field is a bound that
// database's Config does not have.
type Limits struct {
	ConnectTimeout *time.Duration
	QueryTimeout   *time.Duration
	MaxConns       *int
	MaxRows        *int
	MaxValueBytes  *int
	MaxResultBytes *int
	Logger         **slog.Logger
}

// SetDefaults replaces zero or negative bounds with the defaults, caps
// MaxConns at MaxMaxConns, and replaces a nil Logger with one that
// discards.
func (l Limits) SetDefaults() {
	if l.ConnectTimeout != nil && *l.ConnectTimeout <= 0 {
		*l.ConnectTimeout = DefaultConnectTimeout
	}
	if l.QueryTimeout != nil && *l.QueryTimeout <= 0 {
		*l.QueryTimeout = DefaultQueryTimeout
	}
	switch {
	case l.MaxConns == nil:
	case *l.MaxConns <= 0:
		*l.MaxConns = DefaultMaxConns
	case *l.MaxConns > MaxMaxConns:
		*l.MaxConns = MaxMaxConns
	}
	if l.MaxRows != nil && *l.MaxRows <= 0 {
		*l.MaxRows = DefaultMaxRows
	}
	if l.MaxValueBytes != nil && *l.MaxValueBytes <= 0 {
		*l.MaxValueBytes = DefaultMaxValueBytes
	}
	if l.MaxResultBytes != nil && *l.MaxResultBytes <= 0 {
		*l.MaxResultBytes = DefaultMaxResultBytes
	}
	if l.Logger != nil && *l.Logger == nil {
		*l.Logger = slog.New(slog.DiscardHandler)
	}
}
