package host

import (
	"context"
	"fmt"
)

// SQLDatabase is an optional ability of a target that is a SQL database: a
// connection stigscan opened with the target's own credentials. OVAL's
// sql57 test reaches the database only through it, so no connection string
// or password ever comes from content or goes into results.
type SQLDatabase interface {
	// SQLEngine names the engine as OVAL's sql57 does: "postgresql",
	// "oracle".
	SQLEngine() string
	// QueryRows runs one read-only statement (a single SELECT or WITH
	// query; anything else is refused before it reaches the server) and
	// returns the column names and the rows, NULL as nil.
	QueryRows(ctx context.Context, query string) (columns []string, rows [][]*string, err error)
}

// MongoDatabase is an optional ability of a MongoDB target.
type MongoDatabase interface {
	// RunCommand runs one allow-listed read-only command on a database.
	// The command and the reply are MongoDB Extended JSON (canonical), so
	// callers need not import BSON.
	RunCommand(ctx context.Context, database string, command []byte) (reply []byte, err error)
}

// Unavailable is a Host for targets whose machine stigscan cannot read (a
// database reached over the network with no SSH access to its server):
// every file and command read reports ErrNotCollected with the reason.
type Unavailable struct {
	Name   string // what Describe returns
	Reason string // why the machine cannot be read
}

var _ Host = Unavailable{}

func (u Unavailable) err(what string) error {
	return fmt.Errorf("%w: %s on %s: %s", ErrNotCollected, what, u.Name, u.Reason)
}

// ReadFile reports ErrNotCollected.
func (u Unavailable) ReadFile(ctx context.Context, path string) ([]byte, error) {
	return nil, u.err("file " + path)
}

// Stat reports ErrNotCollected.
func (u Unavailable) Stat(ctx context.Context, paths ...string) ([]FileInfo, error) {
	return nil, u.err("file metadata")
}

// ReadDir reports ErrNotCollected.
func (u Unavailable) ReadDir(ctx context.Context, path string) ([]FileInfo, error) {
	return nil, u.err("directory " + path)
}

// Run reports ErrNotCollected.
func (u Unavailable) Run(ctx context.Context, cmd string) ([]byte, error) {
	return nil, u.err("commands")
}

// Describe returns the name.
func (u Unavailable) Describe() string { return u.Name }
