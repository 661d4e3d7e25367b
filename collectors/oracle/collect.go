package oracle

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
)

// ProfileLimit is one row of DBA_PROFILES with the limit in effect: a
// DEFAULT limit resolves through the DEFAULT profile.
type ProfileLimit struct {
	Profile      string
	Resource     string // e.g. IDLE_TIME, SESSIONS_PER_USER, PASSWORD_LIFE_TIME
	ResourceType string // KERNEL or PASSWORD
	Limit        string // as stored: a number, UNLIMITED, DEFAULT, or a function name
	Effective    string // Limit, or the DEFAULT profile's limit when Limit is DEFAULT
}

// Account is one row of DBA_USERS.
type Account struct {
	Username           string
	Status             string // ACCOUNT_STATUS: OPEN, LOCKED, EXPIRED & LOCKED, ...
	Profile            string
	AuthenticationType string // PASSWORD, EXTERNAL, GLOBAL, NONE
}

// Parameter is one row of V$PARAMETER.
type Parameter struct {
	Name      string
	Value     string // "" when NULL
	IsDefault bool
}

// PlanDirective is one row of DBA_RSRC_PLAN_DIRECTIVES.
type PlanDirective struct {
	Plan        string
	Group       string // GROUP_OR_SUBPLAN
	Type        string // CONSUMER_GROUP or PLAN
	MaxIdleTime int    // seconds; -1 when NULL (no limit)
	Active      bool   // the directive belongs to the instance's top plan (V$RSRC_PLAN)
}

// Session is one user session of V$SESSION.
type Session struct {
	SID         int
	Username    string
	Status      string // ACTIVE, INACTIVE, KILLED, ...
	IdleSeconds int    // LAST_CALL_ET of an INACTIVE session; 0 otherwise
	LogonTime   string // RFC 3339
	Program     string
	Machine     string
}

// Profiles returns every row of DBA_PROFILES, sorted by profile and
// resource, with effective limits resolved.
func (t *Target) Profiles(ctx context.Context) ([]ProfileLimit, error) {
	_, rows, err := t.QueryRows(ctx, `SELECT profile, resource_name, resource_type, "LIMIT" FROM dba_profiles`)
	if err != nil {
		return nil, t.privilege(err, "profiles (DBA_PROFILES)")
	}
	defaults := map[string]string{}
	out := make([]ProfileLimit, 0, len(rows))
	for _, r := range rows {
		p := ProfileLimit{Profile: str(r[0]), Resource: str(r[1]), ResourceType: str(r[2]), Limit: str(r[3])}
		if p.Profile == "DEFAULT" {
			defaults[p.Resource] = p.Limit
		}
		out = append(out, p)
	}
	for i := range out {
		out[i].Effective = out[i].Limit
		if strings.EqualFold(out[i].Limit, "DEFAULT") {
			out[i].Effective = defaults[out[i].Resource]
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Profile != out[j].Profile {
			return out[i].Profile < out[j].Profile
		}
		return out[i].Resource < out[j].Resource
	})
	return out, nil
}

// Accounts returns the accounts of DBA_USERS, sorted by name; with
// openOnly, those whose ACCOUNT_STATUS is OPEN.
func (t *Target) Accounts(ctx context.Context, openOnly bool) ([]Account, error) {
	q := `SELECT username, account_status, profile, authentication_type FROM dba_users`
	if openOnly {
		q += ` WHERE account_status = 'OPEN'`
	}
	_, rows, err := t.QueryRows(ctx, q)
	if err != nil {
		return nil, t.privilege(err, "accounts (DBA_USERS)")
	}
	out := make([]Account, 0, len(rows))
	for _, r := range rows {
		out = append(out, Account{Username: str(r[0]), Status: str(r[1]), Profile: str(r[2]), AuthenticationType: str(r[3])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, nil
}

// Parameters returns the instance's initialization parameters from
// V$PARAMETER, sorted by name; with names, only those (lower case, as
// V$PARAMETER stores them).
func (t *Target) Parameters(ctx context.Context, names ...string) ([]Parameter, error) {
	q := `SELECT name, value, isdefault FROM v$parameter`
	if len(names) > 0 {
		var quoted []string
		for _, n := range names {
			if !isParamName(n) {
				return nil, t.base.Errorf("invalid parameter name")
			}
			quoted = append(quoted, "'"+strings.ToLower(n)+"'")
		}
		q += ` WHERE name IN (` + strings.Join(quoted, ", ") + `)`
	}
	_, rows, err := t.QueryRows(ctx, q)
	if err != nil {
		return nil, t.privilege(err, "parameters (V$PARAMETER)")
	}
	out := make([]Parameter, 0, len(rows))
	for _, r := range rows {
		out = append(out, Parameter{Name: str(r[0]), Value: str(r[1]), IsDefault: strings.EqualFold(str(r[2]), "TRUE")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// isParamName accepts what V$PARAMETER names are made of, so a name can be
// put in a query literal.
func isParamName(n string) bool {
	if n == "" || len(n) > 80 {
		return false
	}
	for _, c := range n {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// PlanDirectives returns the Resource Manager directives, sorted by plan
// and group, marking those of the instance's active top plan.
func (t *Target) PlanDirectives(ctx context.Context) ([]PlanDirective, error) {
	_, rows, err := t.QueryRows(ctx, `SELECT d.plan, d.group_or_subplan, d.type, d.max_idle_time,
		CASE WHEN EXISTS (SELECT 1 FROM v$rsrc_plan p WHERE p.name = d.plan AND p.is_top_plan = 'TRUE') THEN 'YES' ELSE 'NO' END
		FROM dba_rsrc_plan_directives d`)
	if err != nil {
		return nil, t.privilege(err, "Resource Manager plans (DBA_RSRC_PLAN_DIRECTIVES, V$RSRC_PLAN)")
	}
	out := make([]PlanDirective, 0, len(rows))
	for _, r := range rows {
		d := PlanDirective{Plan: str(r[0]), Group: str(r[1]), Type: str(r[2]), MaxIdleTime: -1, Active: str(r[4]) == "YES"}
		if r[3] != nil {
			if v, err := strconv.ParseFloat(*r[3], 64); err == nil {
				d.MaxIdleTime = int(v)
			}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Plan != out[j].Plan {
			return out[i].Plan < out[j].Plan
		}
		return out[i].Group < out[j].Group
	})
	return out, nil
}

// Sessions returns the user sessions of V$SESSION, sorted by SID, with
// how long each inactive one has been idle (LAST_CALL_ET).
func (t *Target) Sessions(ctx context.Context) ([]Session, error) {
	_, rows, err := t.QueryRows(ctx, `SELECT sid, username, status, last_call_et, logon_time, program, machine
		FROM v$session WHERE type = 'USER'`)
	if err != nil {
		return nil, t.privilege(err, "sessions (V$SESSION)")
	}
	out := make([]Session, 0, len(rows))
	for _, r := range rows {
		s := Session{Username: str(r[1]), Status: str(r[2]), LogonTime: str(r[4]), Program: str(r[5]), Machine: str(r[6])}
		s.SID, _ = strconv.Atoi(str(r[0]))
		if s.Status == "INACTIVE" {
			if v, err := strconv.ParseFloat(str(r[3]), 64); err == nil {
				s.IdleSeconds = int(v)
			}
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SID < out[j].SID })
	return out, nil
}

// privilege turns a missing-view or missing-privilege error into a
// PrivilegeError naming what was being read.
func (t *Target) privilege(err error, what string) error {
	if errors.Is(err, ErrPrivilege) {
		return &PrivilegeError{Target: t.Describe(), What: what, Need: NeedCatalog, Code: codeOf(err)}
	}
	return err
}
