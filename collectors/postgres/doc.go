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
//   - QueryRows runs only what sqlguard accepts for the PostgreSQL dialect,
//     inside BEGIN READ ONLY with a statement_timeout, always rolled back;
//     values come back in the server's text form, NULL as nil.
//   - Settings, Roles, Sessions, HBARules and ConfigFile collect what the
//     built-in checks and their evidence need. Each says which privilege is
//     missing (PrivilegeError, matching host.ErrNotCollected) rather than
//     deciding on partial data.
//   - ReadHBA and ReadConfigFile parse pg_hba.conf and postgresql.conf
//     (with their includes) from any host.Host.
//
// Nothing here writes to the server: no statement outside the read-only
// transaction is ever sent except the transaction control the target
// issues itself. The password is used only by the connection and never
// reaches an error, a log record or Describe.
package postgres
