// Package sqlguard decides, before a query reaches a database server,
// whether it is one read-only statement: a SELECT, or a WITH whose every
// part is a SELECT. The database collectors (PostgreSQL, Oracle, MySQL)
// run only queries it accepts, and run them in read-only transactions
// besides.
//
// The guard tokenizes the query as the server would (comments, string
// literals, quoted identifiers, PostgreSQL dollar quoting and E'...' strings,
// Oracle q'[...]' quoting) and looks only at the text outside literals and
// comments. It fails closed: anything it cannot read the way the server
// does is refused. It refuses:
//
//   - more than one statement (a ';' anywhere but at the very end);
//   - a first keyword other than SELECT or WITH;
//   - INSERT, UPDATE, DELETE or MERGE anywhere (data-modifying CTEs);
//   - INTO (SELECT ... INTO creates a table);
//   - row-locking clauses (FOR UPDATE, FOR SHARE, FOR NO KEY UPDATE,
//     FOR KEY SHARE);
//   - for Oracle, anything not on an allow-list (oracle_allow.go): calls
//     other than the listed side-effect-free built-in SQL functions (no
//     package, no qualified call), reads of relations other than the listed
//     dictionary views (minus those holding SQL text or credentials),
//     secret columns, db links;
//   - for PostgreSQL, anything not on an allow-list (pgallow.go): calls to
//     functions other than the side-effect-free pg_catalog ones, reads of
//     relations other than the catalog's (minus those holding password
//     hashes, user-mapping options or copies of table data), and types or
//     operators qualified with another schema. The list is generated from
//     a real server's catalog (pgcatalog_gen.go);
//   - for MySQL and MariaDB, its own lexer and allow-lists
//     (mysql_lex.go, mysql_allow.go): backquoted names, '#' and "-- "
//     comments, backslash escapes, and executable comments (/*! */,
//     /*M! */) lexed as code and checked in every reading; only built-in
//     functions called by their bare name, only information_schema,
//     performance_schema and mysql relations, no INTO, locking read, lock
//     function, SLEEP, user variable, optimizer hint or SELECT *.
//
// Both dialects consult the list of known side-effecting functions
// (functions.go) before their allow-list, only so that a refusal says what
// the function would have done; the allow-list alone decides.
//
// Keywords are matched as words outside literals, so a column that happens
// to be named like one must be written as a quoted identifier. The
// PostgreSQL allow-list assumes the session the postgres collector pins
// (search_path = pg_catalog, pg_temp), so that unqualified names resolve
// to the catalog.
package sqlguard

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Dialect selects the server's lexical rules.
type Dialect int

// Dialects.
const (
	PostgreSQL Dialect = iota + 1
	Oracle
	// MySQL is MySQL and MariaDB (mysql_allow.go).
	MySQL
)

// String names the dialect.
func (d Dialect) String() string {
	switch d {
	case PostgreSQL:
		return "postgresql"
	case Oracle:
		return "oracle"
	case MySQL:
		return "mysql"
	}
	return fmt.Sprintf("dialect(%d)", int(d))
}

// ErrRefused matches every refusal; the *Error says why.
var ErrRefused = errors.New("sqlguard: query refused")

// Error is a refused query: why, and the byte offset in the query where
// the reason was found. It never repeats the query's text beyond a
// keyword or function name.
type Error struct {
	Offset int
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("sqlguard: query refused at offset %d: %s", e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *Error) Is(target error) bool { return target == ErrRefused }

func refuse(pos int, reason string) *Error { return &Error{Offset: pos, Reason: reason} }

// Check accepts a query only when it is one read-only SELECT under the
// lexical rules of both the PostgreSQL and the Oracle dialect, for callers
// that do not know the server's engine (MySQL's is not included, so that
// what Check accepted before it still accepts). Collectors call
// CheckDialect.
func Check(query string) error {
	for _, d := range []Dialect{PostgreSQL, Oracle} {
		if err := CheckDialect(d, query); err != nil {
			return err
		}
	}
	return nil
}

// CheckDialect accepts a query when it is exactly one read-only SELECT or
// WITH ... SELECT statement as the dialect's server reads it, and returns
// an *Error (matching ErrRefused) naming why otherwise.
func CheckDialect(d Dialect, query string) error {
	if d != PostgreSQL && d != Oracle && d != MySQL {
		return refuse(0, "unknown SQL dialect "+d.String())
	}
	if !utf8.ValidString(query) {
		return refuse(0, "query is not valid UTF-8")
	}
	if i := strings.IndexByte(query, 0); i >= 0 {
		// Servers end C strings at a NUL, so they would not read what we read.
		return refuse(i, "query contains a NUL byte")
	}
	if d == MySQL {
		return checkMySQL(query)
	}
	toks, err := lex(d, query)
	if err != nil {
		return err
	}
	// One optional ';' at the very end; any other is a second statement.
	if n := len(toks); n > 0 && toks[n-1].kind == kPunct && toks[n-1].text == ";" {
		toks = toks[:n-1]
	}
	for _, t := range toks {
		if t.kind == kPunct && t.text == ";" {
			return refuse(t.pos, "more than one statement")
		}
	}
	if len(toks) == 0 {
		return refuse(0, "no statement")
	}
	if err := checkLead(toks); err != nil {
		return err
	}
	for i, t := range toks {
		if t.kind != kWord {
			continue
		}
		w := strings.ToUpper(t.text)
		switch w {
		case "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT":
			return refuse(t.pos, "data-modifying "+w+" is not allowed")
		case "INTO":
			return refuse(t.pos, "INTO is not allowed (SELECT ... INTO creates a table)")
		case "FOR":
			if i+1 < len(toks) && toks[i+1].kind == kWord {
				switch next := strings.ToUpper(toks[i+1].text); next {
				case "UPDATE", "SHARE", "NO", "KEY":
					return refuse(t.pos, "row-locking clause FOR "+next+" is not allowed")
				}
			}
		}
	}
	if d == PostgreSQL {
		// An allow-list of functions and relations (pgallow.go).
		return checkPostgres(query, toks)
	}
	if err := checkCalls(d, toks); err != nil {
		return err
	}
	// An allow-list of functions and relations (oracle_allow.go).
	return checkOracleAllowed(query, toks)
}

// checkLead requires the statement to begin, after any opening
// parentheses, with SELECT or WITH.
func checkLead(toks []token) error {
	for _, t := range toks {
		if t.kind == kPunct && t.text == "(" {
			continue
		}
		if t.kind == kWord {
			switch w := strings.ToUpper(t.text); w {
			case "SELECT", "WITH":
				return nil
			default:
				if len(w) > 32 {
					w = w[:32] + "..."
				}
				return refuse(t.pos, "only SELECT or WITH ... SELECT is allowed, not "+w)
			}
		}
		return refuse(t.pos, "only SELECT or WITH ... SELECT is allowed")
	}
	return refuse(0, "no statement")
}

// checkCalls refuses calls to side-effecting functions, however the name is
// qualified, quoted or spaced: every name component before a '(' is
// looked up.
func checkCalls(d Dialect, toks []token) error {
	for i, t := range toks {
		if t.kind != kPunct || t.text != "(" || i == 0 {
			continue
		}
		j := i - 1
		for j >= 0 && (toks[j].kind == kWord || toks[j].kind == kQuoted) {
			name := strings.ToLower(toks[j].text)
			if why, bad := deniedFunction(d, name); bad {
				return refuse(toks[j].pos, why)
			}
			if j >= 2 && toks[j-1].kind == kPunct && toks[j-1].text == "." {
				j -= 2
				continue
			}
			break
		}
	}
	return nil
}
