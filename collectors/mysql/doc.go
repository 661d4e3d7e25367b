// Package mysql is the MySQL and MariaDB target: a server reached over
// TCP with the target's own credentials, paired with the host that holds
// the server's files. One kind serves both products; the server says
// which it is.
//
// How the pieces map:
//
//   - ParseTarget reads "mysql://user@host:port/db?tls=mode" (or
//     "mariadb://"); a password in the target is refused. Config carries
//     the password (a Secret from a file, an environment variable or a
//     prompt), the TLS mode and files, timeouts and the pool size. Kind is
//     the registry entry (collectors/list).
//   - Open connects, pins every session (pinStatements) and returns a
//     *Target: a host.Host (file and command reads go to the files host:
//     the local machine, an SSH host or host.Unavailable), a
//     host.SQLDatabase (engine "mysql") and a host.FactsProvider.
//     Session reports the product (ProductMariaDB or ProductMySQL, from
//     VERSION() and @@version_comment), the version, the account and the
//     TLS cipher; Describe names the product and version too.
//   - Every connection's session is pinned right after login (after the
//     server's init_connect) and read back before database/sql hands it
//     out: SET SESSION TRANSACTION READ ONLY; sql_mode SQLMode (strict,
//     no ANSI_QUOTES, no NO_BACKSLASH_ESCAPES: sqlguard reads quotes and
//     backslashes as the server does); SET NAMES utf8mb4;
//     max_statement_time (MariaDB, seconds) or max_execution_time (MySQL,
//     milliseconds) and lock_wait_timeout and innodb_lock_wait_timeout of
//     Config.QueryTimeout. A session found otherwise is refused with
//     ErrSessionNotPinned.
//   - QueryRows runs only what sqlguard accepts for the MySQL dialect (one
//     SELECT or WITH, built-in functions, information_schema,
//     performance_schema and mysql relations; executable comments checked
//     as code), inside START TRANSACTION READ ONLY, always rolled back;
//     values come back in the server's text form, NULL as nil, bounded by
//     MaxRows, MaxValueBytes and MaxResultBytes.
//   - Warnings says when the account holds global privileges a scan does
//     not need (FILE, SUPER, write privileges, GRANT OPTION); a scan needs
//     SELECT on mysql.* and PROCESS (docs/mysql.md).
//
// The driver (github.com/go-sql-driver/mysql) is configured field by
// field: no DSN string is ever built, so none can be printed; multiple
// statements, client-side interpolation, the cleartext password plugin
// and LOAD DATA LOCAL files are off, and the driver's own logging is
// discarded. The password is used only by the connection to the target's
// server and never reaches an error, a log record or Describe.
package mysql
