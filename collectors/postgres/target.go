package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"

	"github.com/stigscan/stigscan/internal/clip"
)

// Engine is the sql57 engine name of PostgreSQL.
const Engine = "postgresql"

// applicationName is what the scan's sessions show in pg_stat_activity.
const applicationName = "stigscan"

// Target is one PostgreSQL server: the pool of connections opened with the
// target's credentials, and the host holding the server's files. It is
// safe for concurrent use; Close releases the connections.
type Target struct {
	ep Endpoint
	// Host is the server machine: file and command reads go to it.
	host.Host
	base *dbtarget.Target
	cfg  Config
	log  *slog.Logger
	pool *pgxpool.Pool

	// Learned at Open; read-only after.
	version    string // server_version
	versionNum int    // server_version_num
	serverAddr string // inet_server_addr(), "" over a Unix socket
	tls        bool
	warnings   []string
}

// kind names PostgreSQL to the shared target code.
var kind = dbtarget.Kind{Name: "postgres", Dialect: sqlguard.PostgreSQL}

var (
	_ host.Host          = (*Target)(nil)
	_ host.SQLDatabase   = (*Target)(nil)
	_ host.FactsProvider = (*Target)(nil)
	_ host.Live          = (*Target)(nil)
	_ host.Warner        = (*Target)(nil)
)

// Open connects to the server at ep as ep.User and checks the login; files
// is the server machine (nil means host.Unavailable: its files cannot be
// read). The returned Target holds at most Config.MaxConns connections.
func Open(ctx context.Context, ep Endpoint, cfg Config, files host.Host) (*Target, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := kind.CheckEndpoint(ep.User, ep.Host); err != nil {
		return nil, err
	}
	desc := ep.String()
	files = dbtarget.ServerFiles(files, desc)
	pcfg, err := poolConfig(ep, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", desc, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", desc, err)
	}
	base := dbtarget.New(kind, desc, cfg.Logger, func() error { pool.Close(); return nil })
	t := &Target{ep: ep, Host: files, base: base, cfg: cfg, log: base.Logger(), pool: pool}
	if err := t.learn(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	t.log.Info("postgres: connected", "server_version", t.version, "tls", t.tls, "files", files.Describe())
	return t, nil
}

// poolConfig builds the pool's configuration from the endpoint and Config
// alone: every connection setting is written out, so PG* environment
// variables and files under ~/.postgresql do not change where or how the
// scan connects.
func poolConfig(ep Endpoint, cfg Config) (*pgxpool.Config, error) {
	sslmode := ep.SSLMode
	if sslmode == "" {
		sslmode = cfg.SSLMode
	}
	kv := [][2]string{
		{"host", ep.Host},
		{"port", strconv.Itoa(ep.port())},
		{"dbname", ep.database()},
		{"user", ep.User},
		{"sslmode", sslmode},
		{"sslrootcert", cfg.SSLRootCert},
		{"sslcert", cfg.SSLCert},
		{"sslkey", cfg.SSLKey},
		{"sslpassword", ""},
		{"passfile", ""},
		{"target_session_attrs", "any"},
		{"connect_timeout", strconv.Itoa(int((cfg.ConnectTimeout + time.Second - 1) / time.Second))},
	}
	var b strings.Builder
	for _, p := range kv {
		b.WriteString(p[0])
		b.WriteString("='")
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(p[1]))
		b.WriteString("' ")
	}
	pcfg, err := pgxpool.ParseConfig(b.String())
	if err != nil {
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) && pe.Unwrap() != nil {
			// The connection string is ours and holds no secret, but say
			// what went wrong without repeating it.
			return nil, fmt.Errorf("connection settings: %w", pe.Unwrap())
		}
		return nil, err
	}
	cc := pcfg.ConnConfig
	cc.Password = cfg.Password.Reveal()
	// The session is pinned in the startup packet, which overrides ALTER
	// ROLE / ALTER DATABASE SET, and checked again in AfterConnect before
	// the connection serves a query.
	cc.RuntimeParams = map[string]string{"application_name": applicationName}
	for _, p := range pinned {
		cc.RuntimeParams[p.name] = p.value
	}
	cc.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		// Cancel the server's work when a query's context ends, then
		// drop the connection if the server does not answer.
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, CancelRequestDelay: 0, DeadlineDelay: 2 * time.Second}
	}
	cc.Tracer = nil
	// No server message larger than a whole result (plus the protocol's
	// framing) is read into memory: a huge row fails at its header.
	cc.MaxProtocolMessageBodyLen = cfg.MaxResultBytes + maxFraming
	pcfg.MaxConns = int32(cfg.MaxConns)
	pcfg.MinConns = 0
	pcfg.MaxConnIdleTime = 5 * time.Minute
	pcfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		return verifyPinned(ctx, c.PgConn())
	}
	return pcfg, nil
}

// maxFraming is what a protocol message may hold beyond its values: the
// row header and the length of each column.
const maxFraming = 64 << 10

// pinned is the session every connection of the scan runs in, whatever
// the role's or database's own settings say:
//
//   - search_path pg_catalog, pg_temp: unqualified names (functions,
//     operators, types, relations) resolve to the built-in catalog only, so
//     objects a user created in public cannot stand in for them
//     (CVE-2018-1058); pg_temp last, and never for functions and operators;
//   - client_encoding UTF8 and standard_conforming_strings on: the server
//     reads literals exactly as sqlguard does (in SJIS, a backslash can be
//     the second byte of a character and end a literal early);
//   - default_transaction_read_only on: even a statement outside the
//     scan's own BEGIN READ ONLY cannot write.
//
// The timeouts (statement_timeout, lock_timeout,
// idle_in_transaction_session_timeout) are set per transaction instead
// (SET LOCAL in query): as startup parameters they would become the
// settings' reset_val, which the checks read as the server's value.
var pinned = [...]struct{ name, value string }{
	{"search_path", "pg_catalog, pg_temp"},
	{"client_encoding", "UTF8"},
	{"standard_conforming_strings", "on"},
	{"default_transaction_read_only", "on"},
}

// pinnedValue is the pinned value of the setting name.
func pinnedValue(name string) string {
	for _, p := range pinned {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// verifyPinned refuses a connection whose session is not as pinned: the
// server reports client_encoding and standard_conforming_strings at login;
// the others are read back.
func verifyPinned(ctx context.Context, pc *pgconn.PgConn) error {
	for _, name := range [...]string{"client_encoding", "standard_conforming_strings"} {
		if got, want := pc.ParameterStatus(name), pinnedValue(name); got != want {
			return fmt.Errorf("%w: the server reports %s = %q, not %q", ErrSessionNotPinned, name, truncate(got), want)
		}
	}
	res, err := pc.Exec(ctx, "SELECT pg_catalog.current_setting('search_path'), pg_catalog.current_setting('default_transaction_read_only'), pg_catalog.current_schemas(true)::pg_catalog.text").ReadAll()
	if err != nil {
		return fmt.Errorf("verify the session: %w", err)
	}
	if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 3 {
		return fmt.Errorf("%w: unexpected answer reading the session's settings", ErrSessionNotPinned)
	}
	row := res[0].Rows[0]
	got := map[string]string{"search_path": string(row[0]), "default_transaction_read_only": string(row[1])}
	for _, p := range pinned {
		if v, ok := got[p.name]; ok && v != p.value {
			return fmt.Errorf("%w: %s = %q, not %q", ErrSessionNotPinned, p.name, truncate(v), p.value)
		}
	}
	// current_schemas(true) lists what unqualified names resolve in:
	// pg_catalog and at most this session's own temporary schema.
	for _, s := range strings.Split(strings.Trim(string(row[2]), "{}"), ",") {
		if s != "pg_catalog" && !strings.HasPrefix(s, "pg_temp_") {
			return fmt.Errorf("%w: schema %q is on the effective search path", ErrSessionNotPinned, truncate(s))
		}
	}
	return nil
}

// truncate bounds what a server said before it goes into an error.
func truncate(s string) string { return clip.Cut(s, 64, "...") }

// learn logs in once, so that bad credentials fail Open, and records what
// the server says about itself.
func (t *Target) learn(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.ConnectTimeout+t.cfg.QueryTimeout)
	defer cancel()
	_, rows, err := t.query(ctx, `SELECT pg_catalog.current_setting('server_version'), pg_catalog.current_setting('server_version_num'),
		pg_catalog.host(pg_catalog.inet_server_addr()),
		(SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_catalog.pg_backend_pid())`, true)
	if err != nil {
		return err
	}
	if len(rows) != 1 {
		return t.base.Errorf("server description: %d rows", len(rows))
	}
	r := rows[0]
	t.version = str(r[0])
	t.versionNum, _ = strconv.Atoi(str(r[1]))
	t.serverAddr = str(r[2])
	t.tls = str(r[3]) == "t"
	_, rows, err = t.query(ctx, powerQuery, true)
	if err != nil {
		return err
	}
	if len(rows) == 1 && len(rows[0]) == 1 && str(rows[0][0]) != "" {
		t.warnings = append(t.warnings, fmt.Sprintf("the scan connected as %s, which %s: a scanning role needs only pg_monitor (see docs/security.md)", t.ep.User, str(rows[0][0])))
	}
	return nil
}

// powerQuery names what makes the connected role more than a scanner
// needs: superuser, or membership in a role that reads or writes server
// files or runs programs on the server. "" when none.
var powerQuery = `SELECT pg_catalog.concat_ws(', ',
	CASE WHEN r.rolsuper THEN 'is a superuser' END` +
	memberOf("pg_read_server_files") + memberOf("pg_write_server_files") + memberOf("pg_execute_server_program") + `)
FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`

// memberOf is a powerQuery term naming membership in a predefined role,
// on servers that have it (PostgreSQL 11 and later).
func memberOf(role string) string {
	return `,
	CASE WHEN NOT r.rolsuper AND CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '` + role + `')
		THEN pg_catalog.pg_has_role('` + role + `', 'USAGE') ELSE false END THEN 'is a member of ` + role + `' END`
}

// Warnings says when the scan's role has more privilege than it needs.
func (t *Target) Warnings() []string { return append([]string(nil), t.warnings...) }

// Close releases the connections. Later queries fail with ErrClosed; file
// reads still go to the files host.
func (t *Target) Close() error { return t.base.Close() }

// Describe is postgres://user@host:port/db, never with a password.
func (t *Target) Describe() string { return t.base.Describe() }

// Endpoint returns the parsed target.
func (t *Target) Endpoint() Endpoint { return t.ep }

// Files returns the host holding the server's files, for its optional
// abilities.
func (t *Target) Files() host.Host { return t.Host }

// ServerVersion is the server's server_version, e.g. "15.18 (Debian ...)".
func (t *Target) ServerVersion() string { return t.version }

// ServerVersionNum is server_version_num, e.g. 150018.
func (t *Target) ServerVersionNum() int { return t.versionNum }

// TLS reports whether the connection Open made was encrypted.
func (t *Target) TLS() bool { return t.tls }

// IsLive reports whether the files host is a running system; the database
// itself always is.
func (t *Target) IsLive() bool { return host.IsLive(t.Host) }

// Facts describes the server machine: the files host's facts when it has
// them, completed with the target's host name and the address the server
// accepted the connection on.
func (t *Target) Facts(ctx context.Context) (host.Facts, error) {
	name := t.ep.Host
	if t.ep.IsSocket() {
		name = ""
	}
	return t.base.Facts(ctx, t.Host, name, t.serverAddr)
}

// SQLEngine is "postgresql".
func (t *Target) SQLEngine() string { return Engine }

// QueryRows runs one statement that sqlguard accepts for PostgreSQL, in a
// read-only transaction with statement_timeout set to Config.QueryTimeout,
// and returns the column names and every row with values in the server's
// text form (NULL as nil). The transaction is always rolled back.
func (t *Target) QueryRows(ctx context.Context, query string) ([]string, [][]*string, error) {
	return t.query(ctx, query, true)
}

// query runs a guarded statement; with timeout it sets statement_timeout
// for the transaction (Settings reads without it, so that the scan's own
// setting does not show up in what it reports).
func (t *Target) query(ctx context.Context, query string, timeout bool) ([]string, [][]*string, error) {
	b := dbtarget.Bounds{Timeout: t.cfg.QueryTimeout + 5*time.Second, MaxRows: t.cfg.MaxRows,
		MaxValueBytes: t.cfg.MaxValueBytes, MaxResultBytes: t.cfg.MaxResultBytes}
	return t.base.QueryBounded(ctx, query, b, func(ctx context.Context, add func([]*string) error) (cols []string, err error) {
		conn, err := t.pool.Acquire(ctx)
		if err != nil {
			return nil, t.wrap("connect", err)
		}
		// Release destroys the connection when the rollback below did not
		// leave it idle.
		defer conn.Release()
		pc := conn.Conn().PgConn()

		begin := "BEGIN READ ONLY"
		if timeout {
			ms := t.cfg.QueryTimeout.Milliseconds()
			begin += fmt.Sprintf("; SET LOCAL statement_timeout = %d; SET LOCAL lock_timeout = %d; SET LOCAL idle_in_transaction_session_timeout = %d", ms, ms, ms+5000)
		}
		if _, err := pc.Exec(ctx, begin).ReadAll(); err != nil {
			return nil, t.wrap("begin read-only transaction", err)
		}
		defer func() {
			rbCtx, rbCancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer rbCancel()
			if _, rbErr := pc.Exec(rbCtx, "ROLLBACK").ReadAll(); rbErr != nil && err == nil {
				err = t.wrap("rollback", rbErr)
			}
		}()

		// The extended protocol takes exactly one statement, a last guard
		// behind sqlguard; every column comes back as text.
		rr := pc.ExecParams(ctx, query, nil, nil, nil, []int16{pgx.TextFormatCode})
		for _, fd := range rr.FieldDescriptions() {
			cols = append(cols, fd.Name)
		}
		for rr.NextRow() {
			if cols == nil {
				for _, fd := range rr.FieldDescriptions() {
					cols = append(cols, fd.Name)
				}
			}
			vals := rr.Values()
			row := make([]*string, len(vals))
			for i, v := range vals {
				if v != nil {
					s := string(v)
					row[i] = &s
				}
			}
			if err := add(row); err != nil {
				_, _ = rr.Close()
				return nil, err
			}
		}
		if _, err := rr.Close(); err != nil {
			var big *pgproto3.ExceededMaxBodyLenErr
			if errors.As(err, &big) {
				return nil, kind.Errorf(ErrResultTooLarge, "%s: a row is larger than the cap of %d bytes per result", t.Describe(), t.cfg.MaxResultBytes)
			}
			return nil, t.wrap("query", err)
		}
		return cols, nil
	})
}

// wrap names the target and classifies authentication failures.
func (t *Target) wrap(what string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000") {
		return kind.Errorf(ErrAuth, "%s: %w", t.Describe(), err)
	}
	return t.base.Errorf("%s: %w", what, err)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
