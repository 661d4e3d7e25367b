package mysql8test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/stigscan/stigscan/collectors/host"
)

// reply is MySQL 8.0's answer to one statement of the checks.
type reply struct {
	Comment string      `yaml:"comment"` // the object the statement belongs to
	SQL     string      `yaml:"sql"`
	Columns []string    `yaml:"columns"`
	Rows    [][]*string `yaml:"rows"`
}

// documented is a fake MySQL 8.0 target: a SQL database that answers the
// statements of a contract fixture with the documented rows and refuses
// every other statement, and the server's host: an offline root
// (files_test.go) or host.Unavailable, whose file reads are not
// collected. Safe for concurrent use.
type documented struct {
	host.Host
	name    string
	replies map[string]reply
	mu      sync.Mutex
	asked   map[string]bool
}

var (
	_ host.Host        = (*documented)(nil)
	_ host.SQLDatabase = (*documented)(nil)
)

// loadDocumented is the fixture's replies with the fixture's own files
// (the offline root of the same name) as the server's host.
func loadDocumented(t testing.TB, fixture string) *documented {
	t.Helper()
	return loadDocumentedOn(t, fixture, offlineHost(t, fileSets[fixture]))
}

// loadDocumentedOn is the fixture's replies with files as the server's
// host.
func loadDocumentedOn(t testing.TB, fixture string, files host.Host) *documented {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "mysql80-"+fixture+".yaml"))
	require.NoError(t, err)
	var rs []reply
	require.NoError(t, yaml.Unmarshal(data, &rs))
	name := "mysql80-contract:" + fixture
	d := &documented{Host: files, name: name, replies: map[string]reply{}, asked: map[string]bool{}}
	for _, r := range rs {
		require.NotContains(t, d.replies, r.SQL, "one reply per statement")
		for _, row := range r.Rows {
			require.Len(t, row, len(r.Columns), r.Comment)
		}
		d.replies[r.SQL] = r
	}
	return d
}

func (d *documented) SQLEngine() string { return "mysql" }

// Describe names the fixture.
func (d *documented) Describe() string { return d.name }

func (d *documented) QueryRows(ctx context.Context, query string) ([]string, [][]*string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	r, ok := d.replies[query]
	if !ok {
		return nil, nil, fmt.Errorf("%s: no documented MySQL 8.0 reply for statement %q", d.name, query)
	}
	d.mu.Lock()
	d.asked[query] = true
	d.mu.Unlock()
	return r.Columns, r.Rows, nil
}

// unasked lists the fixture's statements no check ran.
func (d *documented) unasked() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for q, r := range d.replies {
		if !d.asked[q] {
			out = append(out, r.Comment)
		}
	}
	sort.Strings(out)
	return out
}
