package oracle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	goora "github.com/sijms/go-ora/v2"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
	"github.com/stigscan/stigscan/collectors/internal/sqlguard"
	"github.com/stigscan/stigscan/collectors/oracle/netconf"
)

// Engine is the sql57 engine name of Oracle.
const Engine = "oracle"

// programName is what the scan's sessions show in V$SESSION.PROGRAM.
const programName = "stigscan"

// Target is one Oracle database: the pool of connections opened with the
// target's credentials, and the host holding the server's files. It is
// safe for concurrent use; Close releases the connections.
type Target struct {
	ep Endpoint
	// Host is the server machine: file and command reads go to it.
	host.Host
	base *dbtarget.Target
	cfg  Config
	log  *slog.Logger
	db   *sql.DB
	red  redactor

	// Learned at open; read-only after.
	instance, hostName, version string
	warnings                    []string

	netMu  sync.Mutex
	net    *netconf.Location
	netErr error
}

// kind names Oracle to the shared target code.
var kind = dbtarget.Kind{Name: "oracle", Dialect: sqlguard.Oracle}

var (
	_ host.Host          = (*Target)(nil)
	_ host.Warner        = (*Target)(nil)
	_ host.SQLDatabase   = (*Target)(nil)
	_ host.FactsProvider = (*Target)(nil)
	_ host.Live          = (*Target)(nil)
)

// Open connects to the database at ep as ep.User with go-ora (pure Go, no
// Oracle client libraries) and checks the login; files is the server
// machine (nil means host.Unavailable: its files cannot be read). The
// returned Target holds at most Config.MaxConns connections.
func Open(ctx context.Context, ep Endpoint, cfg Config, files host.Host) (*Target, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := kind.CheckEndpoint(ep.User, ep.Host); err != nil {
		return nil, err
	}
	opts := map[string]string{
		"CONNECTION TIMEOUT": strconv.Itoa(int((cfg.ConnectTimeout + time.Second - 1) / time.Second)),
		"PROGRAM":            programName,
	}
	if ep.SSL || cfg.SSL {
		opts["SSL"] = "true"
		if cfg.SSLSkipVerify {
			opts["SSL VERIFY"] = "false"
		}
	}
	if cfg.Wallet != "" {
		opts["WALLET"] = cfg.Wallet
		if !cfg.WalletPassword.IsZero() {
			opts["WALLET PASSWORD"] = cfg.WalletPassword.Reveal()
		}
	}
	dsn := goora.BuildUrl(ep.Host, ep.port(), ep.Service, ep.User, cfg.Password.Reveal(), opts)
	// Every connection of the pool is pinned before its first query.
	db := sql.OpenDB(pinnedConnector{Connector: goora.NewConnector(dsn), setup: SessionSetup()})
	return open(ctx, ep, db, cfg, files, newRedactor(cfg.Password.Reveal(), cfg.WalletPassword.Reveal()))
}

// OpenDB makes a Target of a database/sql pool the caller opened with
// another driver; the pool must reach an Oracle database. The statement
// guard and the read-only transaction still hold for queries; the
// session setup (SessionSetup) is the caller's to run, since only the
// caller's driver can run it on each new connection. stigscan's own tests use it with a PostgreSQL
// database whose views are shaped like Oracle's, because no Oracle server
// can run where they do. Close closes db.
func OpenDB(ctx context.Context, ep Endpoint, db *sql.DB, cfg Config, files host.Host) (*Target, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return open(ctx, ep, db, cfg, files, newRedactor(cfg.Password.Reveal(), cfg.WalletPassword.Reveal()))
}

func open(ctx context.Context, ep Endpoint, db *sql.DB, cfg Config, files host.Host, red redactor) (*Target, error) {
	desc := ep.String()
	files = dbtarget.ServerFiles(files, desc)
	db.SetMaxOpenConns(cfg.MaxConns)
	db.SetMaxIdleConns(cfg.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	base := dbtarget.New(kind, desc, cfg.Logger, func() error { return red.wrap(db.Close()) })
	t := &Target{ep: ep, Host: files, base: base, cfg: cfg, log: base.Logger(), db: db, red: red}
	if err := t.learn(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	t.log.Info("oracle: connected", "instance", t.instance, "version", t.version, "files", files.Describe())
	for _, w := range t.warnings {
		t.log.Warn(w)
	}
	return t, nil
}

// learn logs in once, so that bad credentials fail Open, and records what
// the instance says about itself when the account may read V$INSTANCE.
func (t *Target) learn(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.ConnectTimeout+t.cfg.QueryTimeout)
	defer cancel()
	if err := t.db.PingContext(ctx); err != nil {
		return t.wrap("connect", err)
	}
	_, rows, err := t.QueryRows(ctx, "SELECT instance_name, host_name, version FROM v$instance")
	switch {
	case err == nil && len(rows) == 1 && len(rows[0]) == 3:
		t.instance, t.hostName, t.version = str(rows[0][0]), str(rows[0][1]), str(rows[0][2])
	case err != nil && !errors.Is(err, ErrPrivilege):
		return err
	}
	t.warnings = t.learnPrivileges(ctx)
	return nil
}

// Close releases the connections. Later queries fail with ErrClosed; file
// reads still go to the files host.
func (t *Target) Close() error { return t.base.Close() }

// Describe is oracle://user@host:port/service, never with a password.
func (t *Target) Describe() string { return t.base.Describe() }

// Endpoint returns the parsed target.
func (t *Target) Endpoint() Endpoint { return t.ep }

// Files returns the host holding the server's files, for its optional
// abilities.
func (t *Target) Files() host.Host { return t.Host }

// Instance is V$INSTANCE.INSTANCE_NAME, "" when the account may not read it.
func (t *Target) Instance() string { return t.instance }

// Version is V$INSTANCE.VERSION, e.g. "12.1.0.2.0", "" when unreadable.
func (t *Target) Version() string { return t.version }

// IsLive reports whether the files host is a running system; the database
// itself always is.
func (t *Target) IsLive() bool { return host.IsLive(t.Host) }

// Facts describes the server machine: the files host's facts when it has
// them, completed with the instance's host name or the target's.
func (t *Target) Facts(ctx context.Context) (host.Facts, error) {
	name := t.hostName
	if name == "" {
		name = t.ep.Host
	}
	return t.base.Facts(ctx, t.Host, name, t.ep.Host)
}

// OracleNet finds the directory of the server's sqlnet.ora and
// listener.ora (Config.TNSAdmin or Config.OracleHome, else discovered on
// the files host, see netconf.Locate). The answer is kept for the life of
// the Target.
func (t *Target) OracleNet(ctx context.Context) (netconf.Location, error) {
	t.netMu.Lock()
	defer t.netMu.Unlock()
	if t.net != nil {
		return *t.net, nil
	}
	if t.netErr != nil {
		return netconf.Location{}, t.netErr
	}
	loc, err := netconf.Locate(ctx, t.Host, netconf.Locator{TNSAdmin: t.cfg.TNSAdmin, OracleHome: t.cfg.OracleHome})
	switch {
	case err == nil:
		t.net = &loc
	case ctx.Err() == nil:
		t.netErr = t.base.Errorf("%w", err)
		return netconf.Location{}, t.netErr
	default:
		return netconf.Location{}, err
	}
	return loc, nil
}

// SQLEngine is "oracle".
func (t *Target) SQLEngine() string { return Engine }

// QueryRows runs one statement that sqlguard accepts for Oracle, inside a
// transaction that starts with SET TRANSACTION READ ONLY and is always
// rolled back, bounded by Config.QueryTimeout. Values come back as text
// (numbers as the server writes them, dates in RFC 3339), NULL as nil.
func (t *Target) QueryRows(ctx context.Context, query string) ([]string, [][]*string, error) {
	return t.base.Query(ctx, query, t.cfg.QueryTimeout, t.cfg.MaxRows, func(ctx context.Context, add func([]*string) error) (cols []string, err error) {
		conn, err := t.db.Conn(ctx)
		if err != nil {
			return nil, t.wrap("connect", err)
		}
		defer conn.Close()
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, t.wrap("begin transaction", err)
		}
		defer func() {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err == nil {
				err = t.wrap("rollback", rbErr)
			}
		}()
		// Must be the transaction's first statement: the server then
		// refuses any change until the rollback below.
		if _, err := tx.ExecContext(ctx, "SET TRANSACTION READ ONLY"); err != nil {
			return nil, t.wrap("set transaction read only", err)
		}
		rs, err := tx.QueryContext(ctx, query)
		if err != nil {
			return nil, t.wrap("query", err)
		}
		defer rs.Close()
		if cols, err = rs.Columns(); err != nil {
			return nil, t.wrap("query", err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				return nil, t.wrap("query", err)
			}
			row := make([]*string, len(cols))
			for i, v := range vals {
				row[i] = text(v)
			}
			if err := add(row); err != nil {
				return nil, err
			}
		}
		if err := rs.Err(); err != nil {
			return nil, t.wrap("query", err)
		}
		return cols, nil
	})
}

// text renders a driver value as text; nil stays nil.
func text(v any) *string {
	var s string
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		s = v.Format(time.RFC3339Nano)
	case int64:
		s = strconv.FormatInt(v, 10)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		s = strings.ToUpper(strconv.FormatBool(v))
	default:
		s = fmt.Sprint(v)
	}
	return &s
}

// wrap names the target, removes secrets from the driver's text and
// classifies refused logins and missing privileges.
func (t *Target) wrap(what string, err error) error {
	err = t.red.wrap(err)
	code := codeOf(err)
	switch {
	case isAuth(code):
		return kind.Errorf(ErrAuth, "%s: %w", t.Describe(), err)
	case isPrivilege(code):
		return kind.Errorf(ErrPrivilege, "%s: %s: %w", t.Describe(), what, err)
	}
	return t.base.Errorf("%s: %w", what, err)
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
