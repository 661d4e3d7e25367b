// Package postgres is the PostgreSQL target: a database reached over the
// network (or a Unix socket) with the target's own credentials, paired with
// the host that holds the server's files.
//
// How the pieces map:
//
//   - ParseTarget reads "postgres://user@host:port/db?sslmode=..."; a
//     password in the target is refused. Config carries the password (a
//     Secret from a file, an environment variable or a prompt), TLS files,
//     timeouts and the pool size.
//   - Open connects and returns a *Target. It is a host.Host (every file and
//     command read goes to the files host given to Open: the local machine,
//     an SSH host or host.Unavailable), a host.SQLDatabase (engine
//     "postgresql") and a host.FactsProvider.
//   - QueryRows runs only what sqlguard accepts for the PostgreSQL dialect
//     (an allow-list of pg_catalog functions and catalog relations),
//     inside BEGIN READ ONLY with statement_timeout, lock_timeout and
//     idle_in_transaction_session_timeout, always rolled back; values come
//     back in the server's text form, NULL as nil, bounded by MaxRows,
//     MaxValueBytes and MaxResultBytes (no larger row is read off the wire).
//   - Every connection's session is pinned in the startup packet and
//     checked before use (see pinned): search_path pg_catalog, pg_temp;
//     client_encoding UTF8; standard_conforming_strings and
//     default_transaction_read_only on. ALTER ROLE/DATABASE SET cannot
//     change them; a session found otherwise is refused.
//   - Warnings (host.Warner) says when the role is a superuser or a member
//     of pg_read_server_files, pg_write_server_files or
//     pg_execute_server_program; a scan needs only pg_monitor, plus SELECT
//     on pg_hba_file_rules and EXECUTE on pg_hba_file_rules() in each
//     scanned database (only the password-storage check needs a superuser).
//   - The built-in checks read what they judge through QueryRows (the
//     sql57 probe: pg_settings, pg_roles, pg_stat_activity,
//     pg_hba_file_rules) and the files host (file and textfilecontent54
//     probes), so this package holds no typed readers of its own.
//
// Nothing here writes to the server. Outside the read-only transactions
// the target sends only BEGIN/ROLLBACK with its SET LOCAL timeouts and
// the query that checks the pinned session. Sessions show application_name "stigscan". PG* environment
// variables and ~/.postgresql files are ignored: the target and Config
// alone say where and how to connect.
//
// The password is used only by the connection and never reaches an
// error, a log record or Describe.
package postgres
