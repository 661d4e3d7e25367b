package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
	"github.com/stigscan/stigscan/internal/clip"
)

// Engine is the sql57 engine name of MySQL and MariaDB.
const Engine = "mysql"

// Products, as Target.Product reports them.
const (
	ProductMariaDB = "MariaDB"
	ProductMySQL   = "MySQL"
)

// SQLMode is the sql_mode every session of the scan runs in: strict, and
// without ANSI_QUOTES or NO_BACKSLASH_ESCAPES, so that the server reads
// strings and names exactly as sqlguard does.
const SQLMode = "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

// Target is one MySQL or MariaDB server: the pool of connections opened
// with the target's credentials, and the host holding the server's files.
// It is safe for concurrent use; Close releases the connections.
type Target struct {
	ep Endpoint
	// Host is the server machine: file and command reads go to it.
	host.Host
	base *dbtarget.Target
	cfg  Config
	log  *slog.Logger
	db   *sql.DB

	// Learned at Open; read-only after.
	info     Session
	warnings []string
}

// Session is what the server said about itself and the connection when
// the session was pinned.
type Session struct {
	// Product is ProductMariaDB or ProductMySQL: MariaDB when VERSION() or
	// @@version_comment says so.
	Product string
	// Version is VERSION(): "10.11.19-MariaDB-0+deb12u1", "8.0.36".
	Version string
	// VersionComment is @@version_comment: "Debian 12", "MySQL Community
	// Server - GPL".
	VersionComment string
	// User is CURRENT_USER(): the account the server matched, user@host.
	User string
	// TLSCipher is the session's Ssl_cipher, "" when not encrypted.
	TLSCipher string
}

// kind names MySQL to the shared target code.
var kind = dbtarget.Kind{Name: "mysql", Dialect: sqlguard.MySQL}

var (
	_ host.Host          = (*Target)(nil)
	_ host.SQLDatabase   = (*Target)(nil)
	_ host.FactsProvider = (*Target)(nil)
	_ host.Live          = (*Target)(nil)
	_ host.Warner        = (*Target)(nil)
)

// Open connects to the server at ep as ep.User, pins the session and
// learns the product; files is the server machine (nil means
// host.Unavailable: its files cannot be read). The returned Target holds
// at most Config.MaxConns connections.
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
	dc, err := driverConfig(ep, cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql: %s: %w", desc, err)
	}
	inner, err := gomysql.NewConnector(dc)
	if err != nil {
		// The configuration is ours; say what is wrong without printing it.
		return nil, fmt.Errorf("mysql: %s: connection settings refused by the driver", desc)
	}
	pc := &pinningConnector{inner: inner, timeout: cfg.QueryTimeout}
	db := sql.OpenDB(pc)
	db.SetMaxOpenConns(cfg.MaxConns)
	db.SetMaxIdleConns(cfg.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	base := dbtarget.New(kind, desc, cfg.Logger, db.Close)
	t := &Target{ep: ep, Host: files, base: base, cfg: cfg, log: base.Logger(), db: db}
	cctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout+cfg.QueryTimeout)
	defer cancel()
	if err := db.PingContext(cctx); err != nil {
		db.Close()
		return nil, t.wrap("connect", err)
	}
	info := pc.last.Load()
	if info == nil {
		db.Close()
		return nil, t.base.Errorf("connect: no session was pinned")
	}
	t.info = *info
	if err := t.learnPrivileges(cctx); err != nil {
		db.Close()
		return nil, err
	}
	t.log.Info("mysql: connected", "product", t.info.Product, "version", t.info.Version,
		"tls", t.info.TLSCipher != "", "files", files.Describe())
	return t, nil
}

// driverConfig is the driver's configuration, built field by field: no
// DSN string exists, so none can be printed, and no option file or
// environment variable changes where or how the scan connects.
func driverConfig(ep Endpoint, cfg Config) (*gomysql.Config, error) {
	mode := ep.TLSMode
	if mode == "" {
		mode = cfg.TLSMode
	}
	tc, fallback, err := tlsConfig(mode, ep.Host, cfg)
	if err != nil {
		return nil, err
	}
	dc := gomysql.NewConfig()
	dc.User = ep.User
	dc.Passwd = cfg.Password.Reveal()
	dc.Net = "tcp"
	dc.Addr = net.JoinHostPort(ep.Host, strconv.Itoa(ep.port()))
	// No default database: an unqualified name (a table, a stored
	// function) then resolves to nothing, behind sqlguard's own refusal.
	dc.DBName = ""
	dc.TLS = tc
	dc.AllowFallbackToPlaintext = fallback
	dc.Timeout = cfg.ConnectTimeout
	// A hard stop behind the server's own max_statement_time.
	dc.ReadTimeout = cfg.QueryTimeout + 10*time.Second
	dc.WriteTimeout = cfg.QueryTimeout + 10*time.Second
	dc.Collation = "utf8mb4_general_ci"
	dc.ConnectionAttributes = "program_name:stigscan"
	// The password goes only to this server, and never in clear text;
	// the server cannot ask for local files.
	dc.AllowCleartextPasswords = false
	dc.AllowOldPasswords = false
	dc.AllowNativePasswords = true
	dc.AllowAllFiles = false
	dc.MultiStatements = false
	dc.InterpolateParams = false
	dc.ParseTime = false
	dc.CheckConnLiveness = true
	dc.Logger = discardLogger{}
	return dc, nil
}

// discardLogger keeps the driver from writing to the process's log.
type discardLogger struct{}

func (discardLogger) Print(...any) {}

// pinningConnector opens the driver's connections and pins each session
// before database/sql hands it out; a session that cannot be pinned, or
// reads back otherwise, is closed and the connection fails.
type pinningConnector struct {
	inner   driver.Connector
	timeout time.Duration
	last    atomic.Pointer[Session] // the latest connection's Session
}

func (c *pinningConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	s, err := pin(ctx, conn, c.timeout)
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.last.Store(&s)
	return conn, nil
}

func (c *pinningConnector) Driver() driver.Driver { return c.inner.Driver() }

// pinStatements are the statements that pin a session of product, with
// the timeouts of timeout. They are sent as they are, outside sqlguard,
// by pin alone.
func pinStatements(product string, timeout time.Duration) []string {
	secs := int((timeout + time.Second - 1) / time.Second)
	stmts := []string{
		"SET NAMES utf8mb4 COLLATE utf8mb4_general_ci",
		"SET SESSION sql_mode = '" + SQLMode + "'",
		"SET SESSION TRANSACTION READ ONLY",
		"SET SESSION lock_wait_timeout = " + strconv.Itoa(secs),
		"SET SESSION innodb_lock_wait_timeout = " + strconv.Itoa(secs),
	}
	if product == ProductMariaDB {
		stmts = append(stmts, "SET SESSION max_statement_time = "+strconv.Itoa(secs))
	} else {
		stmts = append(stmts, "SET SESSION max_execution_time = "+strconv.FormatInt(timeout.Milliseconds(), 10))
	}
	return stmts
}

// pin learns the product, pins the session and reads it back. init_connect
// has already run by now, so nothing the server's configuration does at
// login can undo it.
func pin(ctx context.Context, conn driver.Conn, timeout time.Duration) (Session, error) {
	q, ok := conn.(driver.QueryerContext)
	e, ok2 := conn.(driver.ExecerContext)
	if !ok || !ok2 {
		return Session{}, errors.New("the driver's connection cannot run statements")
	}
	row, err := queryRow(ctx, q, "SELECT VERSION(), @@version_comment, CURRENT_USER()", 3)
	if err != nil {
		return Session{}, fmt.Errorf("read the server's version: %w", err)
	}
	s := Session{Version: row[0], VersionComment: row[1], User: row[2], Product: ProductMySQL}
	if strings.Contains(strings.ToLower(s.Version+" "+s.VersionComment), "mariadb") {
		s.Product = ProductMariaDB
	}
	for _, st := range pinStatements(s.Product, timeout) {
		if _, err := e.ExecContext(ctx, st, nil); err != nil {
			return Session{}, fmt.Errorf("%w: %s: %w", ErrSessionNotPinned, strings.SplitN(st, " =", 2)[0], err)
		}
	}
	// The read-only flag's name: MySQL 8 and MariaDB 11.1 and later say
	// transaction_read_only, MariaDB 10 only tx_read_only.
	readOnly, stmtTime, wantTime := []string{"transaction_read_only", "tx_read_only"}, "@@session.max_execution_time", strconv.FormatInt(timeout.Milliseconds(), 10)
	if s.Product == ProductMariaDB {
		readOnly, stmtTime = []string{"tx_read_only", "transaction_read_only"}, "@@session.max_statement_time"
		wantTime = strconv.Itoa(int((timeout + time.Second - 1) / time.Second))
	}
	var got []string
	for _, ro := range readOnly {
		got, err = queryRow(ctx, q, "SELECT @@session.sql_mode, @@session.character_set_client, @@session.character_set_connection, @@session.character_set_results, "+
			"@@session."+ro+", "+stmtTime+", @@session.lock_wait_timeout", 7)
		var me *gomysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1193 { // 1193: unknown system variable
			break
		}
	}
	if err != nil {
		return Session{}, fmt.Errorf("%w: read back: %w", ErrSessionNotPinned, err)
	}
	secs := strconv.Itoa(int((timeout + time.Second - 1) / time.Second))
	// max_statement_time is a double: "30" or "30.000000", as the server
	// writes it.
	if f, err := strconv.ParseFloat(got[5], 64); err == nil && f == float64(int64(f)) {
		got[5] = strconv.FormatInt(int64(f), 10)
	}
	for i, want := range []struct{ name, value string }{
		{"sql_mode", SQLMode}, {"character_set_client", "utf8mb4"}, {"character_set_connection", "utf8mb4"},
		{"character_set_results", "utf8mb4"}, {"read-only", "1"}, {"statement time limit", wantTime}, {"lock_wait_timeout", secs},
	} {
		if got[i] != want.value {
			return Session{}, fmt.Errorf("%w: %s = %q, not %q", ErrSessionNotPinned, want.name, truncate(got[i]), want.value)
		}
	}
	st, err := queryRow(ctx, q, "SHOW SESSION STATUS LIKE 'Ssl_cipher'", 2)
	if err == nil {
		s.TLSCipher = st[1]
	}
	return s, nil
}

// queryRow runs one of pin's own statements and reads its one row as text.
func queryRow(ctx context.Context, q driver.QueryerContext, stmt string, n int) ([]string, error) {
	rows, err := q.QueryContext(ctx, stmt, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if len(rows.Columns()) != n {
		return nil, fmt.Errorf("%d columns, not %d", len(rows.Columns()), n)
	}
	vals := make([]driver.Value, n)
	if err := rows.Next(vals); err != nil {
		return nil, fmt.Errorf("no row: %w", err)
	}
	out := make([]string, n)
	for i, v := range vals {
		switch v := v.(type) {
		case []byte:
			out[i] = string(v)
		case string:
			out[i] = v
		case nil:
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// truncate bounds what a server said before it goes into an error.
func truncate(s string) string { return clip.Cut(s, 64, "...") }

// powerQuery lists the global privileges of the connected account that a
// scan does not need.
const powerQuery = `SELECT PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES
WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
AND (PRIVILEGE_TYPE IN ('SUPER', 'FILE', 'SHUTDOWN', 'CREATE USER', 'RELOAD', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'GRANT OPTION') OR IS_GRANTABLE = 'YES')
ORDER BY PRIVILEGE_TYPE`

// learnPrivileges warns when the account holds more than a scan needs.
func (t *Target) learnPrivileges(ctx context.Context) error {
	_, rows, err := t.QueryRows(ctx, powerQuery)
	if err != nil {
		return err
	}
	var names []string
	for _, r := range rows {
		names = append(names, str(r[0]))
		if str(r[1]) == "YES" && !contains(names, "GRANT OPTION") {
			names = append(names, "GRANT OPTION")
		}
	}
	if len(names) > 0 {
		t.warnings = append(t.warnings, fmt.Sprintf("the scan connected as %s, which holds %s: a scanning account needs only SELECT on mysql.* and PROCESS (see docs/mysql.md)",
			t.info.User, strings.Join(names, ", ")))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Warnings says when the scan's account has more privilege than it needs.
func (t *Target) Warnings() []string { return append([]string(nil), t.warnings...) }

// Close releases the connections. Later queries fail with ErrClosed; file
// reads still go to the files host.
func (t *Target) Close() error { return t.base.Close() }

// Describe is mysql://user@host:port/db (or mariadb://), never with a
// password, followed by the product and version the server reported.
func (t *Target) Describe() string {
	return t.base.Describe() + " (" + t.info.Product + " " + t.info.Version + ")"
}

// Endpoint returns the parsed target.
func (t *Target) Endpoint() Endpoint { return t.ep }

// Files returns the host holding the server's files, for its optional
// abilities.
func (t *Target) Files() host.Host { return t.Host }

// Session is what the server said about itself when the scan connected:
// product, version, account and TLS.
func (t *Target) Session() Session { return t.info }

// Product is ProductMariaDB or ProductMySQL.
func (t *Target) Product() string { return t.info.Product }

// ServerVersion is VERSION(), e.g. "10.11.19-MariaDB-0+deb12u1".
func (t *Target) ServerVersion() string { return t.info.Version }

// TLS reports whether the connection Open made was encrypted.
func (t *Target) TLS() bool { return t.info.TLSCipher != "" }

// IsLive reports whether the files host is a running system; the database
// itself always is.
func (t *Target) IsLive() bool { return host.IsLive(t.Host) }

// Facts describes the server machine: the files host's facts when it has
// them, completed with the target's host name.
func (t *Target) Facts(ctx context.Context) (host.Facts, error) {
	return t.base.Facts(ctx, t.Host, t.ep.Host, t.ep.Host)
}

// SQLEngine is "mysql", for MariaDB too.
func (t *Target) SQLEngine() string { return Engine }

// QueryRows runs one statement that sqlguard accepts for MySQL, in a
// read-only transaction of the pinned session, and returns the column
// names and every row with values in the server's text form (NULL as
// nil), bounded by MaxRows, MaxValueBytes and MaxResultBytes. The
// transaction is always rolled back.
func (t *Target) QueryRows(ctx context.Context, query string) ([]string, [][]*string, error) {
	b := dbtarget.Bounds{Timeout: t.cfg.QueryTimeout + 5*time.Second, MaxRows: t.cfg.MaxRows,
		MaxValueBytes: t.cfg.MaxValueBytes, MaxResultBytes: t.cfg.MaxResultBytes}
	return t.base.QueryBounded(ctx, query, b, func(ctx context.Context, add func([]*string) error) (cols []string, err error) {
		tx, err := t.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, t.wrap("begin read-only transaction", err)
		}
		defer func() { _ = tx.Rollback() }()
		// Without arguments the driver sends the text as it is (the text
		// protocol, one statement: multiStatements is off).
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return nil, t.wrap("query", err)
		}
		defer rows.Close()
		cols, err = rows.Columns()
		if err != nil {
			return nil, t.wrap("query", err)
		}
		raw := make([]sql.RawBytes, len(cols))
		dest := make([]any, len(cols))
		for i := range raw {
			dest[i] = &raw[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return nil, t.wrap("query", err)
			}
			row := make([]*string, len(raw))
			for i, v := range raw {
				if v != nil {
					s := string(v)
					row[i] = &s
				}
			}
			if err := add(row); err != nil {
				return nil, err
			}
		}
		if err := rows.Err(); err != nil {
			return nil, t.wrap("query", err)
		}
		return cols, nil
	})
}

// wrap names the target and classifies the server's refusals.
func (t *Target) wrap(what string, err error) error {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1045, 1698: // access denied (password; unix_socket or other plugin)
			return kind.Errorf(ErrAuth, "%s: %w", t.base.Describe(), err)
		case 1044, 1142, 1143, 1227, 1370:
			return t.base.Errorf("%s: %w", what, &dbtarget.PrivilegeError{What: what, Server: truncate(me.Message)})
		}
	}
	return t.base.Errorf("%s: %w", what, err)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
