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
// every other statement, and a host with no files (the checks read
// nothing but the database). Safe for concurrent use.
type documented struct {
	host.Unavailable
	name    string
	replies map[string]reply
	mu      sync.Mutex
	asked   map[string]bool
}

var (
	_ host.Host        = (*documented)(nil)
	_ host.SQLDatabase = (*documented)(nil)
)

func loadDocumented(t testing.TB, fixture string) *documented {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "mysql80-"+fixture+".yaml"))
	require.NoError(t, err)
	var rs []reply
	require.NoError(t, yaml.Unmarshal(data, &rs))
	name := "mysql80-contract:" + fixture
	d := &documented{Unavailable: host.Unavailable{Name: name, Reason: "a contract fixture holds database replies only"}, name: name, replies: map[string]reply{}, asked: map[string]bool{}}
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
