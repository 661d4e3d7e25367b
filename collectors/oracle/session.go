package oracle

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// SessionSetup returns the statements every connection Open makes runs
// once, in order, before it serves any query; a connection on which one
// fails is closed and never used. They pin what the checks' SQL and the
// parsing of its results depend on:
//
//   - CURRENT_SCHEMA = SYS: an unqualified name resolves to SYS's object
//     or, failing that, a public synonym, never to a table, view or
//     private synonym in the scanning account's own schema (the account
//     could have been given one named like a dictionary view). The
//     session's privileges do not change. Public synonyms and SYS's
//     objects can be made only by an administrator.
//   - NLS language, territory, date, timestamp and number formats, sort
//     and comparison, and the time zone: values converted to text on the
//     server read the same on every instance.
//   - DISABLE COMMIT IN PROCEDURE: a function the guard cannot see into
//     (a view's body) cannot commit, autonomous transactions included;
//     each query also runs in a transaction begun with SET TRANSACTION
//     READ ONLY and rolled back.
//   - DISABLE PARALLEL DML, DDL and QUERY: a scan uses one server process
//     per session, whatever the tables' degree says.
//
// Oracle has no session switch that refuses DDL; the statement guard
// admits only SELECT, and the least-privileged account has no CREATE
// privilege. Statement time is bounded by Config.QueryTimeout (go-ora
// breaks the call when the context ends).
func SessionSetup() []string {
	return []string{
		"ALTER SESSION SET CURRENT_SCHEMA = SYS",
		"ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN'",
		"ALTER SESSION SET NLS_TERRITORY = 'AMERICA'",
		// After the territory, which resets the formats.
		`ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS'`,
		`ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FF'`,
		`ALTER SESSION SET NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.FFTZH:TZM'`,
		"ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'",
		"ALTER SESSION SET NLS_SORT = 'BINARY'",
		"ALTER SESSION SET NLS_COMP = 'BINARY'",
		"ALTER SESSION SET NLS_LENGTH_SEMANTICS = 'BYTE'",
		"ALTER SESSION SET TIME_ZONE = '+00:00'",
		"ALTER SESSION DISABLE COMMIT IN PROCEDURE",
		"ALTER SESSION DISABLE PARALLEL DML",
		"ALTER SESSION DISABLE PARALLEL DDL",
		"ALTER SESSION DISABLE PARALLEL QUERY",
	}
}

// ErrSessionSetup matches a connection whose session could not be pinned.
var ErrSessionSetup = errors.New("oracle: session setup failed")

// pinnedConnector runs SessionSetup on each new connection of the
// wrapped connector before database/sql may hand it out.
type pinnedConnector struct {
	driver.Connector
	setup []string
}

var _ driver.Connector = pinnedConnector{}

func (c pinnedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := pinSession(ctx, conn, c.setup); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

// pinSession runs the statements on conn, failing at the first error.
func pinSession(ctx context.Context, conn driver.Conn, stmts []string) error {
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		return fmt.Errorf("%w: the driver's connection cannot execute statements", ErrSessionSetup)
	}
	for _, s := range stmts {
		if _, err := ex.ExecContext(ctx, s, nil); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrSessionSetup, s, err)
		}
	}
	return nil
}
