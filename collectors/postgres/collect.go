package postgres

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"time"
)

// Setting is one row of pg_settings as the scan's session sees it.
type Setting struct {
	Name       string
	Setting    string
	Unit       string // "" when the setting has none
	Source     string // "default", "configuration file", "override", ...
	SourceFile string // set when Source is "configuration file"
	SourceLine int
}

// Role is one row of pg_roles with the roles it is a direct member of.
type Role struct {
	Name        string
	Super       bool
	Inherit     bool
	CreateRole  bool
	CreateDB    bool
	CanLogin    bool
	Replication bool
	BypassRLS   bool
	ConnLimit   int // -1: no limit
	// ValidUntil is when the password expires: "" (never: NULL),
	// "infinity", or an RFC 3339 time in UTC.
	ValidUntil string
	MemberOf   []string // sorted
	Config     []string // role-specific settings (rolconfig), "name=value"
}

// Session is one row of pg_stat_activity.
type Session struct {
	PID             int
	User            string // "" for background processes
	Database        string
	ApplicationName string
	ClientAddr      string // "" for Unix sockets and background processes
	ClientPort      int    // -1 for Unix sockets
	State           string // active, idle, idle in transaction, ...
	BackendType     string // client backend, autovacuum launcher, ...
	BackendStart    time.Time
	StateChange     time.Time // zero when unknown
	// IdleSeconds is how long an idle session has been so, measured by
	// the server's clock; 0 for a session that is not idle.
	IdleSeconds float64
	// Self marks the scan's own session.
	Self bool
}

// privileges are what the connected role may read.
type privileges struct {
	super       bool
	allSettings bool // pg_read_all_settings (superuser implies it)
	allStats    bool // pg_read_all_stats
	hbaRules    bool // pg_hba_file_rules
}

const privilegesQuery = `SELECT r.rolsuper,
	CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pg_read_all_settings')
		THEN pg_catalog.pg_has_role('pg_read_all_settings', 'USAGE') ELSE r.rolsuper END,
	CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pg_read_all_stats')
		THEN pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE') ELSE r.rolsuper END,
	CASE WHEN pg_catalog.to_regprocedure('pg_catalog.pg_hba_file_rules()') IS NOT NULL
		THEN pg_catalog.has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE')
			AND pg_catalog.has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')
		ELSE false END
FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`

func (t *Target) privileges(ctx context.Context) (privileges, error) {
	_, rows, err := t.query(ctx, privilegesQuery, true)
	if err != nil {
		return privileges{}, err
	}
	if len(rows) != 1 || len(rows[0]) != 4 {
		return privileges{}, t.base.Errorf("privileges of the connected role: unexpected answer")
	}
	r := rows[0]
	return privileges{super: isTrue(r[0]), allSettings: isTrue(r[1]), allStats: isTrue(r[2]), hbaRules: isTrue(r[3])}, nil
}

// Settings returns every row of pg_settings, sorted by name. It needs
// superuser or membership in pg_read_all_settings: without it the server
// hides some settings and every source file, and checks must not decide
// on that.
//
// Settings are read without the statement_timeout QueryRows sets, so
// statement_timeout shows the server's value, not the scan's.
func (t *Target) Settings(ctx context.Context) ([]Setting, error) {
	p, err := t.privileges(ctx)
	if err != nil {
		return nil, err
	}
	if !p.allSettings {
		return nil, &PrivilegeError{Target: t.Describe(), What: "settings (pg_settings)", Need: "membership in pg_read_all_settings (or superuser)"}
	}
	_, rows, err := t.query(ctx, `SELECT name, setting, unit, source, sourcefile, sourceline
		FROM pg_catalog.pg_settings ORDER BY name`, false)
	if err != nil {
		return nil, err
	}
	out := make([]Setting, 0, len(rows))
	for _, r := range rows {
		line, _ := strconv.Atoi(str(r[5]))
		out = append(out, Setting{Name: str(r[0]), Setting: str(r[1]), Unit: str(r[2]), Source: str(r[3]), SourceFile: str(r[4]), SourceLine: line})
	}
	return out, nil
}

// Roles returns every role with its attributes and direct memberships,
// sorted by name. pg_roles is readable by every role.
func (t *Target) Roles(ctx context.Context) ([]Role, error) {
	_, rows, err := t.query(ctx, `SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
		r.rolcanlogin, r.rolreplication, r.rolbypassrls, r.rolconnlimit,
		CASE WHEN r.rolvaliduntil IS NULL THEN NULL
			WHEN r.rolvaliduntil IN ('infinity', '-infinity') THEN r.rolvaliduntil::text
			ELSE pg_catalog.to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
		(SELECT pg_catalog.to_json(pg_catalog.array_agg(g.rolname ORDER BY g.rolname))
			FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
			WHERE m.member = r.oid),
		pg_catalog.to_json(r.rolconfig)
		FROM pg_catalog.pg_roles r ORDER BY r.rolname`, true)
	if err != nil {
		return nil, err
	}
	out := make([]Role, 0, len(rows))
	for _, r := range rows {
		role := Role{
			Name: str(r[0]), Super: isTrue(r[1]), Inherit: isTrue(r[2]), CreateRole: isTrue(r[3]),
			CreateDB: isTrue(r[4]), CanLogin: isTrue(r[5]), Replication: isTrue(r[6]), BypassRLS: isTrue(r[7]),
			ValidUntil: str(r[9]),
		}
		role.ConnLimit, _ = strconv.Atoi(str(r[8]))
		if err := jsonStrings(r[10], &role.MemberOf); err != nil {
			return nil, t.base.Errorf("memberships of %s: %w", role.Name, err)
		}
		if err := jsonStrings(r[11], &role.Config); err != nil {
			return nil, t.base.Errorf("settings of %s: %w", role.Name, err)
		}
		sort.Strings(role.MemberOf)
		out = append(out, role)
	}
	return out, nil
}

// Sessions returns every row of pg_stat_activity, sorted by pid. It needs
// superuser or membership in pg_read_all_stats: without it the server
// blanks other users' sessions.
func (t *Target) Sessions(ctx context.Context) ([]Session, error) {
	p, err := t.privileges(ctx)
	if err != nil {
		return nil, err
	}
	if !p.allStats {
		return nil, &PrivilegeError{Target: t.Describe(), What: "sessions (pg_stat_activity)", Need: "membership in pg_read_all_stats (or superuser)"}
	}
	const ts = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`
	_, rows, err := t.query(ctx, `SELECT pid, usename, datname, application_name, pg_catalog.host(client_addr), client_port,
		state, backend_type,
		pg_catalog.to_char(backend_start AT TIME ZONE 'UTC', `+ts+`),
		pg_catalog.to_char(state_change AT TIME ZONE 'UTC', `+ts+`),
		CASE WHEN state LIKE 'idle%' THEN extract(epoch FROM pg_catalog.clock_timestamp() - state_change) END,
		pid = pg_catalog.pg_backend_pid()
		FROM pg_catalog.pg_stat_activity ORDER BY pid`, true)
	if err != nil {
		return nil, err
	}
	out := make([]Session, 0, len(rows))
	for _, r := range rows {
		s := Session{User: str(r[1]), Database: str(r[2]), ApplicationName: str(r[3]), ClientAddr: str(r[4]),
			State: str(r[6]), BackendType: str(r[7]), Self: isTrue(r[11])}
		s.PID, _ = strconv.Atoi(str(r[0]))
		s.ClientPort, _ = strconv.Atoi(str(r[5]))
		s.BackendStart = parseUTC(str(r[8]))
		s.StateChange = parseUTC(str(r[9]))
		if r[10] != nil {
			s.IdleSeconds, _ = strconv.ParseFloat(*r[10], 64)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseUTC(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	v, err := time.Parse("2006-01-02T15:04:05.999999Z", s)
	if err != nil {
		return time.Time{}
	}
	return v
}

func isTrue(p *string) bool { return p != nil && *p == "t" }

// jsonStrings decodes a JSON array of strings (NULL and JSON null give
// nil); null elements are dropped.
func jsonStrings(p *string, out *[]string) error {
	if p == nil {
		return nil
	}
	var v []*string
	if err := json.Unmarshal([]byte(*p), &v); err != nil {
		return err
	}
	for _, s := range v {
		if s != nil {
			*out = append(*out, *s)
		}
	}
	return nil
}
