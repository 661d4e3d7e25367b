// Package oracletest gives tests an Oracle target without an Oracle
// server: an *oracle.Target (engine "oracle", the real guard and read-only
// transaction) opened with oracle.OpenDB over a PostgreSQL 15 database,
// started by internal/testpg, whose tables are shaped like the Oracle
// dictionary and V$ views (fixtures/oracle12c, with fixtures/oracle19c over
// them for the 19c views: CDB_* with CON_ID, V$CONTAINERS). No live
// Oracle instance is
// involved: what this proves is that the SQL the checks send is read the
// same way by both servers' common subset, and that the target's code above
// the driver works; go-ora's wire protocol is tested only against a real
// server when ORACLE_URL is set.
package oracletest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/internal/testpg"
	"github.com/stigscan/stigscan/internal/testutil"
)

// Fixture files in fixtures/oracle12c, and of the same names in
// fixtures/oracle19c (Load19c).
const (
	Schema = "schema.sql"
	Pass   = "pass.sql"
	Fail   = "fail.sql"
)

// DB is a PostgreSQL database loaded with Oracle-shaped fixtures.
type DB struct {
	*testpg.DB
}

// Load starts a database on the package's shared PostgreSQL server (skipping
// t when PostgreSQL is not installed), creates the Oracle-shaped tables and
// runs the named fixture files (from fixtures/oracle12c) and statements,
// then lets the test's login role read everything and change nothing.
func Load(t testing.TB, files []string, stmts ...string) *DB {
	t.Helper()
	return load(t, []string{"oracle12c"}, files, stmts)
}

// Load19c is Load for the Oracle 19c checks: each file (Schema first, then
// those named) is run from fixtures/oracle12c and then from
// fixtures/oracle19c, whose files add the 19c views and rows to the 12c
// ones.
func Load19c(t testing.TB, files []string, stmts ...string) *DB {
	t.Helper()
	return load(t, []string{"oracle12c", "oracle19c"}, files, stmts)
}

func load(t testing.TB, dirs, files, stmts []string) *DB {
	t.Helper()
	db := testpg.Start(t)
	root := filepath.Join(testutil.RepoRoot(t), "fixtures")
	for _, f := range append([]string{Schema}, files...) {
		for _, d := range dirs {
			b, err := os.ReadFile(filepath.Join(root, d, f))
			if err != nil {
				t.Fatalf("oracletest: %v", err)
			}
			db.Exec(t, string(b))
		}
	}
	for _, s := range stmts {
		db.Exec(t, s)
	}
	db.Exec(t, fmt.Sprintf("REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT SELECT ON ALL TABLES IN SCHEMA public TO %s", db.User))
	return &DB{DB: db}
}

// SQLDB opens a database/sql pool to the fixture database as the test's
// login role, over TLS verified with the harness's CA.
func (d *DB) SQLDB(t testing.TB) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%s dbname=%s user=%s sslmode=verify-full sslrootcert=%s",
		d.Host, strconv.Itoa(d.Port), d.Name, d.User, d.RootCertFile))
	if err != nil {
		t.Fatalf("oracletest: %v", err)
	}
	cfg.Password = d.Password
	return stdlib.OpenDB(*cfg)
}

// Endpoint is how the stand-in target names itself.
func (d *DB) Endpoint() oracle.Endpoint {
	return oracle.Endpoint{User: "scan", Host: d.Host, Port: d.Port, Service: "ORCL"}
}

// Target opens an *oracle.Target over the fixture database, with files as
// the server machine (nil: host.Unavailable), and closes it when t ends.
func (d *DB) Target(t testing.TB, cfg oracle.Config, files host.Host) *oracle.Target {
	t.Helper()
	tg, err := oracle.OpenDB(context.Background(), d.Endpoint(), d.SQLDB(t), cfg, files)
	if err != nil {
		t.Fatalf("oracletest: open: %v", err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	return tg
}
