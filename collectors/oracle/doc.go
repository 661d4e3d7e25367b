// Package oracle is the Oracle Database target: a database reached over
// Oracle Net with the target's own credentials, paired with the host that
// holds the server's files.
//
// How the pieces map:
//
//   - ParseTarget reads "oracle://user@host:port/service[?ssl=true]"; a
//     password in the target is refused. Config carries the password
//     (package secret's redacting Secret, which every target takes), TLS
//     (TCPS) and wallet options, timeouts, the pool size, and where the
//     server's Oracle Net files are when they cannot be discovered.
//   - Open connects with go-ora (pure Go: no Oracle client libraries) and
//     returns a *Target. It is a host.Host (every file and command read
//     goes to the files host given to Open: the local machine, an SSH host
//     or host.Unavailable), a host.SQLDatabase (engine "oracle") and a
//     host.FactsProvider. OpenDB does the same over a database/sql pool
//     opened elsewhere.
//   - QueryRows runs only what sqlguard accepts for the Oracle dialect
//     (allow-lists: built-in SQL functions without side effects, the
//     dictionary views, no PL/SQL package, no password or statement-text
//     column), inside a transaction that begins with SET TRANSACTION READ
//     ONLY and is always rolled back, bounded by Config.QueryTimeout.
//   - Every connection Open makes runs SessionSetup before its first
//     query: CURRENT_SCHEMA = SYS, fixed NLS settings and time zone,
//     COMMIT IN PROCEDURE and parallel execution disabled. A connection
//     whose setup fails is never used.
//   - Warnings says when the account is SYS or SYSTEM, is connected AS
//     SYSDBA, or holds a DBA-level role or system privilege; the built-in
//     checks need only LeastPrivilege.
//   - A query on a view the account may not read (or one that is
//     missing: Oracle answers ORA-00942 for both) fails with ErrPrivilege
//     and the server's code, so a check never decides on an empty answer.
//   - OracleNet finds the directory of sqlnet.ora and listener.ora
//     (package netconf reads them).
//
// Nothing here writes to the server: outside the read-only transactions
// the target sends only the login, the ALTER SESSION statements of
// SessionSetup, SET TRANSACTION READ ONLY and ROLLBACK. Sessions show
// program "stigscan".
//
// The passwords are used only by the connection and never reach an
// error, a log record or Describe: go-ora puts its connection URL in some
// errors, so every driver error's text is scrubbed of them.
//
// No Oracle server can be run where stigscan is built, so the code that
// is specific to go-ora's wire protocol is tested only when ORACLE_URL
// names a live database; everything above it (guard, read-only
// transaction, collection queries, secrets) is tested against PostgreSQL
// views shaped like Oracle's through OpenDB, and the session setup with a
// recording driver under the real connector.
package oracle
