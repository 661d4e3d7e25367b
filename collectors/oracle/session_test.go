package oracle

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No Oracle server can run here, so these tests put a recording driver
// under the real pinnedConnector and Target code: they prove which
// statements reach the driver and in what order, not how a live server
// answers them (TestLiveOracle does, when ORACLE_URL is set).

type recorder struct {
	mu     sync.Mutex
	stmts  []string
	closed int
	failOn string // a statement that fails
}

func (r *recorder) add(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, s)
	if r.failOn != "" && s == r.failOn {
		return errors.New("ORA-02248: invalid option for ALTER SESSION")
	}
	return nil
}

func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.stmts...)
}

type fakeConnector struct{ r *recorder }

func (c fakeConnector) Connect(context.Context) (driver.Conn, error) { return &fakeConn{r: c.r}, nil }
func (c fakeConnector) Driver() driver.Driver                        { return nil }

type fakeConn struct{ r *recorder }

func (c *fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("fake: no prepare") }
func (c *fakeConn) Close() error {
	c.r.mu.Lock()
	c.r.closed++
	c.r.mu.Unlock()
	return nil
}
func (c *fakeConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}
func (c *fakeConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return fakeTx{c.r}, c.r.add("BEGIN")
}
func (c *fakeConn) ExecContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(0), c.r.add(q)
}
func (c *fakeConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	if err := c.r.add(q); err != nil {
		return nil, err
	}
	if strings.Contains(q, "v$instance") {
		return &fakeRows{cols: []string{"INSTANCE_NAME", "HOST_NAME", "VERSION"}, rows: [][]driver.Value{{"ORCL", "db1", "19.22.0.0.0"}}}, nil
	}
	return &fakeRows{cols: []string{"X"}}, nil
}

type fakeTx struct{ r *recorder }

func (t fakeTx) Commit() error   { return t.r.add("COMMIT") }
func (t fakeTx) Rollback() error { return t.r.add("ROLLBACK") }

type fakeRows struct {
	cols []string
	rows [][]driver.Value
}

func (r *fakeRows) Columns() []string { return r.cols }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}

func TestSessionPinnedBeforeFirstQuery(t *testing.T) {
	r := &recorder{}
	db := sql.OpenDB(pinnedConnector{Connector: fakeConnector{r}, setup: SessionSetup()})
	cfg, err := Config{MaxConns: 1}.withDefaults()
	require.NoError(t, err)
	tg, err := open(context.Background(), Endpoint{User: "scan", Host: "db", Service: "ORCL"}, db, cfg, nil, newRedactor())
	require.NoError(t, err)
	defer tg.Close()
	assert.Equal(t, "ORCL", tg.Instance())

	want := append(SessionSetup(), "BEGIN", "SET TRANSACTION READ ONLY", "SELECT instance_name, host_name, version FROM v$instance", "ROLLBACK")
	got := r.log()
	require.GreaterOrEqual(t, len(got), len(want), "%q", got)
	assert.Equal(t, want, got[:len(want)])
	assert.Equal(t, "ALTER SESSION SET CURRENT_SCHEMA = SYS", got[0], "the schema is pinned first")

	// A later query on the same pooled connection is not pinned again,
	// and still runs read-only.
	before := len(r.log())
	_, _, err = tg.QueryRows(context.Background(), "SELECT value FROM v$parameter WHERE name = 'audit_trail'")
	require.NoError(t, err)
	assert.Equal(t, []string{"BEGIN", "SET TRANSACTION READ ONLY", "SELECT value FROM v$parameter WHERE name = 'audit_trail'", "ROLLBACK"}, r.log()[before:])
}

func TestSessionSetupCoversThePins(t *testing.T) {
	all := strings.Join(SessionSetup(), "\n")
	for _, want := range []string{"CURRENT_SCHEMA = SYS", "NLS_LANGUAGE", "NLS_TERRITORY", "NLS_DATE_FORMAT", "NLS_NUMERIC_CHARACTERS = '.,'",
		"NLS_COMP", "NLS_SORT", "TIME_ZONE", "DISABLE COMMIT IN PROCEDURE", "DISABLE PARALLEL DML", "DISABLE PARALLEL DDL", "DISABLE PARALLEL QUERY"} {
		assert.Contains(t, all, want)
	}
	// The territory resets the formats, so it comes before them.
	s := SessionSetup()
	idx := func(sub string) int {
		for i, x := range s {
			if strings.Contains(x, sub) {
				return i
			}
		}
		return -1
	}
	assert.Less(t, idx("NLS_TERRITORY"), idx("NLS_DATE_FORMAT"))
	assert.Less(t, idx("NLS_TERRITORY"), idx("NLS_NUMERIC_CHARACTERS"))
}

// A connection whose session cannot be pinned is closed and never serves
// a query: Open fails.
func TestSessionSetupFailureRefusesTheConnection(t *testing.T) {
	r := &recorder{failOn: "ALTER SESSION DISABLE COMMIT IN PROCEDURE"}
	db := sql.OpenDB(pinnedConnector{Connector: fakeConnector{r}, setup: SessionSetup()})
	cfg, err := Config{MaxConns: 1}.withDefaults()
	require.NoError(t, err)
	_, err = open(context.Background(), Endpoint{User: "scan", Host: "db", Service: "ORCL"}, db, cfg, nil, newRedactor())
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrSessionSetup)
	assert.Contains(t, err.Error(), "DISABLE COMMIT IN PROCEDURE")
	for _, s := range r.log() {
		assert.NotContains(t, s, "SELECT", "no query ran on an unpinned session")
	}
	assert.GreaterOrEqual(t, r.closed, 1)
}
