package dbtarget

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
)

// Kind is one database as the shared code names it. It is set once per
// package and never changed.
type Kind struct {
	// Name prefixes messages and log records: "postgres".
	Name string
	// Dialect is the statement guard's dialect, for Query.
	Dialect sqlguard.Dialect
}

// CheckEndpoint refuses to open a target without a user or a host.
func (k Kind) CheckEndpoint(user, host string) error {
	if user == "" || host == "" {
		return fmt.Errorf("%s: open: the target needs a user and a host", k.Name)
	}
	return nil
}

// ServerFiles is files, or, when it is nil, a host.Unavailable saying that
// no access to the database server's machine was configured.
func ServerFiles(files host.Host, desc string) host.Host {
	if files == nil {
		return host.Unavailable{Name: desc, Reason: "no access to the database server's machine was configured"}
	}
	return files
}

// Target is the part of an open database target that does not depend on
// the driver. It is safe for concurrent use.
type Target struct {
	kind    Kind
	desc    string
	log     *slog.Logger
	release func() error
	closed  atomic.Bool
}

// New makes the shared part of a target described as desc (its URL
// without a password). Its logger is log with the target named; release
// frees the driver's connections on Close.
func New(kind Kind, desc string, log *slog.Logger, release func() error) *Target {
	return &Target{kind: kind, desc: desc, log: log.With("target", desc), release: release}
}

// Describe is the target's URL, never with a password.
func (t *Target) Describe() string { return t.desc }

// Logger is the target's logger.
func (t *Target) Logger() *slog.Logger { return t.log }

// Close releases the connections the first time; later calls do nothing
// and later queries fail with ErrClosed.
func (t *Target) Close() error {
	if !t.closed.CompareAndSwap(false, true) {
		return nil
	}
	return t.release()
}

// Closed reports whether Close was called.
func (t *Target) Closed() bool { return t.closed.Load() }

// Errorf is an error naming the database and the target:
// "postgres: postgres://u@h:5432/db: " and then format.
func (t *Target) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s: %s: "+format, append([]any{t.kind.Name, t.desc}, args...)...)
}

// RunFunc is the driver's part of a query: it runs the statement within
// ctx and hands each row to add, stopping at add's first error; it
// returns the column names.
type RunFunc func(ctx context.Context, add func(row []*string) error) (cols []string, err error)

// Bounds are what one SQL query may take. Zero fields take the defaults
// (DefaultQueryTimeout, DefaultMaxRows, DefaultMaxValueBytes,
// DefaultMaxResultBytes).
type Bounds struct {
	Timeout        time.Duration
	MaxRows        int
	MaxValueBytes  int // one value's text
	MaxResultBytes int // every value of the result together
}

// Query is QueryBounded with timeout, maxRows and the default byte caps.
func (t *Target) Query(ctx context.Context, query string, timeout time.Duration, maxRows int, run RunFunc) ([]string, [][]*string, error) {
	return t.QueryBounded(ctx, query, Bounds{Timeout: timeout, MaxRows: maxRows}, run)
}

// QueryBounded runs one statement the way every SQL target does: refused
// unless sqlguard accepts it for the dialect, refused after Close, bounded
// by b.Timeout, failing with ErrTooManyRows past b.MaxRows rows and with
// ErrResultTooLarge past b.MaxValueBytes in a value or
// b.MaxResultBytes in the whole result (the error names the cap, never the
// data), and logged at debug level with its row count and time once it
// succeeded. run does the driver's part; it should also keep the driver
// from reading a row larger than b.MaxResultBytes off the wire.
func (t *Target) QueryBounded(ctx context.Context, query string, b Bounds, run RunFunc) ([]string, [][]*string, error) {
	Limits{QueryTimeout: &b.Timeout, MaxRows: &b.MaxRows, MaxValueBytes: &b.MaxValueBytes, MaxResultBytes: &b.MaxResultBytes}.SetDefaults()
	timeout, maxRows := b.Timeout, b.MaxRows
	if err := sqlguard.CheckDialect(t.kind.Dialect, query); err != nil {
		return nil, nil, t.Errorf("%w", err)
	}
	if t.Closed() {
		return nil, nil, t.kind.Errorf(ErrClosed, "%s", t.desc)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rows [][]*string
	total := 0
	cols, err := run(ctx, func(row []*string) error {
		if len(rows) >= maxRows {
			return t.kind.Errorf(ErrTooManyRows, "%s: more than %d rows", t.desc, maxRows)
		}
		for i, v := range row {
			if v == nil {
				continue
			}
			if len(*v) > b.MaxValueBytes {
				return t.kind.Errorf(ErrResultTooLarge, "%s: row %d column %d is larger than the cap of %d bytes per value", t.desc, len(rows)+1, i+1, b.MaxValueBytes)
			}
			total += len(*v)
		}
		if total > b.MaxResultBytes {
			return t.kind.Errorf(ErrResultTooLarge, "%s: the result is larger than the cap of %d bytes per result (at row %d)", t.desc, b.MaxResultBytes, len(rows)+1)
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	t.log.Debug(t.kind.Name+": query", "query", query, "rows", len(rows), "elapsed", time.Since(start))
	return cols, rows, nil
}

// Facts describes the server machine: the facts of files when it has them
// (host.FactsOf), completed as CompleteFacts does with name and addr.
func (t *Target) Facts(ctx context.Context, files host.Host, name, addr string) (host.Facts, error) {
	f, err := host.FactsOf(ctx, files)
	if err != nil {
		return host.Facts{}, t.Errorf("facts: %w", err)
	}
	CompleteFacts(&f, name, addr)
	return f, nil
}

// CompleteFacts fills what the server machine's own facts lack with what
// the database says: the host name (and the FQDN, when name has a dot)
// from name, which an IP address or "" leaves alone, and the address from
// addr when it is an IP address and f has none. It sorts the addresses.
func CompleteFacts(f *host.Facts, name, addr string) {
	if f.Hostname == "" && name != "" && net.ParseIP(name) == nil {
		f.Hostname, _, _ = strings.Cut(name, ".")
		if strings.Contains(name, ".") {
			f.FQDN = name
		}
	}
	if ip := net.ParseIP(addr); ip != nil && len(f.IPv4) == 0 && len(f.IPv6) == 0 {
		if ip.To4() != nil {
			f.IPv4 = []string{ip.String()}
		} else {
			f.IPv6 = []string{ip.String()}
		}
	}
	sort.Strings(f.IPv4)
	sort.Strings(f.IPv6)
}
