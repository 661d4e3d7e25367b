package mongodb

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/stigscan/stigscan/collectors/host"
)

// The helpers below read what the built-in checks and their evidence need.
// They take any host.MongoDatabase (a *Target, or a replay of recorded
// replies in tests) and send only allow-listed commands.

// Parameter is one server parameter from getParameter.
type Parameter struct {
	Name string
	Value
}

// replyMeta are reply fields that are not data.
var replyMeta = map[string]bool{"ok": true, "$clusterTime": true, "operationTime": true, "errmsg": true, "code": true, "codeName": true}

// Parameters reads every server parameter (getParameter: "*"), sorted by
// name.
func Parameters(ctx context.Context, m host.MongoDatabase) ([]Parameter, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "getParameter", Value: "*"}})
	if err != nil {
		return nil, err
	}
	var out []Parameter
	for _, e := range d {
		if replyMeta[e.Key] {
			continue
		}
		out = append(out, Parameter{Name: e.Key, Value: render(e.Value, e.Key)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CmdLine is what getCmdLineOpts says about how the server was started.
type CmdLine struct {
	Argv []string
	// Parsed holds the options as the server parsed them: its
	// configuration file merged with the command line.
	Parsed *Conf
}

// CmdLineOpts reads getCmdLineOpts.
func CmdLineOpts(ctx context.Context, m host.MongoDatabase) (CmdLine, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "getCmdLineOpts", Value: 1}})
	if err != nil {
		return CmdLine{}, err
	}
	var cl CmdLine
	if a, ok := getA(d, "argv"); ok {
		for _, x := range a {
			s, _ := x.(string)
			cl.Argv = append(cl.Argv, s)
		}
	}
	cl.Parsed = ConfFromCmdLine(sub(d, "parsed"))
	return cl, nil
}

func getA(d bson.D, key string) (bson.A, bool) {
	v, ok := get(d, key)
	a, ok2 := v.(bson.A)
	return a, ok && ok2
}

// RoleRef names a role: role name and the database that defines it.
type RoleRef struct{ Role, DB string }

// String is MongoDB's role id, "db.role".
func (r RoleRef) String() string { return r.DB + "." + r.Role }

// User is one user from usersInfo.
type User struct {
	User, DB   string
	Roles      []RoleRef
	Mechanisms []string
}

// ID is MongoDB's user id, "db.user".
func (u User) ID() string { return u.DB + "." + u.User }

// Users reads every user of every database (usersInfo forAllDBs), sorted
// by id. Credentials are never asked for.
func Users(ctx context.Context, m host.MongoDatabase) ([]User, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "usersInfo", Value: bson.D{{Key: "forAllDBs", Value: true}}}})
	if err != nil {
		return nil, err
	}
	us, err := needDocs(d, "users", "usersInfo")
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(us))
	for i, u := range us {
		at := fmt.Sprintf("usersInfo users[%d]", i)
		var usr User
		if usr.User, err = needStr(u, "user", at); err != nil {
			return nil, err
		}
		if usr.DB, err = needStr(u, "db", at); err != nil {
			return nil, err
		}
		at = "usersInfo user " + usr.ID()
		if usr.Roles, err = roleRefs(u, "roles", at, true); err != nil {
			return nil, err
		}
		if usr.Mechanisms, err = needStrings(u, "mechanisms", at, false); err != nil {
			return nil, err
		}
		sortRoles(usr.Roles)
		out = append(out, usr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out, nil
}

func sortRoles(rs []RoleRef) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].String() < rs[j].String() })
}

// Resource is what a privilege applies to.
type Resource struct {
	Cluster     bool
	AnyResource bool
	DB          string // "" with Collection "" and !Cluster: every database
	Collection  string
}

// String renders the resource: "cluster", "anyResource", or
// "db.collection" with "*" for "every".
func (r Resource) String() string {
	switch {
	case r.Cluster:
		return "cluster"
	case r.AnyResource:
		return "anyResource"
	}
	db, coll := r.DB, r.Collection
	if db == "" {
		db = "*"
	}
	if coll == "" {
		coll = "*"
	}
	return db + "." + coll
}

// Privilege is a set of actions on a resource.
type Privilege struct {
	Resource Resource
	Actions  []string
}

// Role is one role from rolesInfo with its privileges.
type Role struct {
	RoleRef
	Builtin bool
	// Roles are the roles this one inherits directly; InheritedRoles all
	// of them.
	Roles, InheritedRoles []RoleRef
	// Privileges are the role's own; InheritedPrivileges include those of
	// every inherited role.
	Privileges, InheritedPrivileges []Privilege
}

// Roles reads the roles defined in database, built-in ones included, with
// their privileges, sorted by id.
func Roles(ctx context.Context, m host.MongoDatabase, database string) ([]Role, error) {
	d, err := Command(ctx, m, database, bson.D{
		{Key: "rolesInfo", Value: 1},
		{Key: "showPrivileges", Value: true},
		{Key: "showBuiltinRoles", Value: true},
	})
	if err != nil {
		return nil, err
	}
	rs, err := needDocs(d, "roles", "rolesInfo on "+database)
	if err != nil {
		return nil, err
	}
	out := make([]Role, 0, len(rs))
	for i, r := range rs {
		at := fmt.Sprintf("rolesInfo on %s roles[%d]", database, i)
		var role Role
		if role.Role, err = needStr(r, "role", at); err != nil {
			return nil, err
		}
		if role.DB, err = needStr(r, "db", at); err != nil {
			return nil, err
		}
		at = "rolesInfo role " + role.String()
		if v, ok := get(r, "isBuiltin"); ok {
			role.Builtin = boolOf(v)
		}
		if role.Roles, err = roleRefs(r, "roles", at, false); err != nil {
			return nil, err
		}
		if role.InheritedRoles, err = roleRefs(r, "inheritedRoles", at, false); err != nil {
			return nil, err
		}
		// showPrivileges was asked for: without inheritedPrivileges the
		// role's powers are unknown, not none.
		if role.Privileges, err = privileges(r, "privileges", at, false); err != nil {
			return nil, err
		}
		if role.InheritedPrivileges, err = privileges(r, "inheritedPrivileges", at, true); err != nil {
			return nil, err
		}
		out = append(out, role)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func privileges(d bson.D, key, where string, need bool) ([]Privilege, error) {
	read := optDocs
	if need {
		read = needDocs
	}
	ds, err := read(d, key, where)
	if err != nil {
		return nil, err
	}
	out := make([]Privilege, 0, len(ds))
	for i, p := range ds {
		at := fmt.Sprintf("%s %s[%d]", where, key, i)
		v, ok := get(p, "resource")
		if !ok {
			return nil, fmt.Errorf("mongodb: %s has no resource", at)
		}
		res, ok := v.(bson.D)
		if !ok {
			return nil, fmt.Errorf("mongodb: %s: resource is a %s, not a document", at, typeName(v))
		}
		var r Resource
		if r.Cluster, err = optBool(res, "cluster", at+" resource"); err != nil {
			return nil, err
		}
		if r.AnyResource, err = optBool(res, "anyResource", at+" resource"); err != nil {
			return nil, err
		}
		if r.DB, err = optStr(res, "db", at+" resource"); err != nil {
			return nil, err
		}
		if r.Collection, err = optStr(res, "collection", at+" resource"); err != nil {
			return nil, err
		}
		pr := Privilege{Resource: r}
		if pr.Actions, err = needStrings(p, "actions", at, true); err != nil {
			return nil, err
		}
		sort.Strings(pr.Actions)
		out = append(out, pr)
	}
	return out, nil
}

// Grant is one action a user may take through one of its roles.
type Grant struct {
	User     string // "db.user"
	Role     string // the user's role that grants it, "db.role"
	Action   string
	Resource string // Resource.String()
}

// Grants resolves every user's effective privileges: each role a user
// holds, looked up (with showPrivileges) in the database that defines it,
// gives its inherited privileges. Sorted by user, role, action, resource.
// A role that cannot be found gives an error naming it rather than a
// partial answer.
func Grants(ctx context.Context, m host.MongoDatabase) ([]Grant, error) {
	users, err := Users(ctx, m)
	if err != nil {
		return nil, err
	}
	byDB := map[string]map[string]Role{}
	var out []Grant
	for _, u := range users {
		for _, rr := range u.Roles {
			roles, ok := byDB[rr.DB]
			if !ok {
				list, err := Roles(ctx, m, rr.DB)
				if err != nil {
					return nil, err
				}
				roles = map[string]Role{}
				for _, r := range list {
					roles[r.Role] = r
				}
				byDB[rr.DB] = roles
			}
			role, ok := roles[rr.Role]
			if !ok {
				return nil, fmt.Errorf("mongodb: user %s holds role %s, which rolesInfo on %s does not list", u.ID(), rr, rr.DB)
			}
			seen := map[[2]string]bool{}
			for _, p := range role.InheritedPrivileges {
				res := p.Resource.String()
				for _, a := range p.Actions {
					if seen[[2]string{a, res}] {
						continue
					}
					seen[[2]string{a, res}] = true
					out = append(out, Grant{User: u.ID(), Role: rr.String(), Action: a, Resource: res})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.User != b.User {
			return a.User < b.User
		}
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		if a.Action != b.Action {
			return a.Action < b.Action
		}
		return a.Resource < b.Resource
	})
	return out, nil
}

// ConnStatus is connectionStatus: who the scan is authenticated as.
type ConnStatus struct {
	Users []RoleRef // Role holds the user name
	Roles []RoleRef
}

// ConnectionStatus reads connectionStatus.
func ConnectionStatus(ctx context.Context, m host.MongoDatabase) (ConnStatus, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "connectionStatus", Value: 1}})
	if err != nil {
		return ConnStatus{}, err
	}
	ai := sub(d, "authInfo")
	var cs ConnStatus
	for _, u := range docs(ai, "authenticatedUsers") {
		cs.Users = append(cs.Users, RoleRef{Role: str(u, "user"), DB: str(u, "db")})
	}
	for _, r := range docs(ai, "authenticatedUserRoles") {
		cs.Roles = append(cs.Roles, RoleRef{Role: str(r, "role"), DB: str(r, "db")})
	}
	sortRoles(cs.Users)
	sortRoles(cs.Roles)
	return cs, nil
}

// ServerStatus reads serverStatus as a document (look values up with
// Lookup, e.g. "encryptionAtRest.encryptionEnabled").
func ServerStatus(ctx context.Context, m host.MongoDatabase) (bson.D, error) {
	return Command(ctx, m, "admin", bson.D{{Key: "serverStatus", Value: 1}})
}

// Build is what buildInfo says.
type Build struct {
	Version string
	Modules []string // "enterprise" for MongoDB Enterprise
	OpenSSL string   // the OpenSSL version running, when reported
}

// BuildInfo reads buildInfo.
func BuildInfo(ctx context.Context, m host.MongoDatabase) (Build, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "buildInfo", Value: 1}})
	if err != nil {
		return Build{}, err
	}
	b := Build{Version: str(d, "version"), OpenSSL: str(sub(d, "openssl"), "running")}
	if a, ok := getA(d, "modules"); ok {
		for _, x := range a {
			if s, ok := x.(string); ok {
				b.Modules = append(b.Modules, s)
			}
		}
	}
	return b, nil
}

// Host is what hostInfo says about the server machine.
type Host struct {
	Hostname  string
	OSType    string
	OSName    string
	OSVersion string
}

// HostInfo reads hostInfo.
func HostInfo(ctx context.Context, m host.MongoDatabase) (Host, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "hostInfo", Value: 1}})
	if err != nil {
		return Host{}, err
	}
	sys, os := sub(d, "system"), sub(d, "os")
	return Host{Hostname: str(sys, "hostname"), OSType: str(os, "type"), OSName: str(os, "name"), OSVersion: str(os, "version")}, nil
}

// Session is one logical session from $listSessions.
type Session struct {
	ID      string // the session's UUID
	User    string // "name@db" as the server reports it; "" when unauthenticated
	LastUse time.Time
}

// Idle is how long the session has not been used at now.
func (s Session) Idle(now time.Time) time.Duration {
	if s.LastUse.IsZero() || now.Before(s.LastUse) {
		return 0
	}
	return now.Sub(s.LastUse)
}

// Sessions lists every user's logical sessions ($listSessions with
// allUsers on config.system.sessions), sorted by last use, oldest first.
func Sessions(ctx context.Context, m host.MongoDatabase) ([]Session, error) {
	d, err := Command(ctx, m, "config", bson.D{
		{Key: "aggregate", Value: "system.sessions"},
		{Key: "pipeline", Value: bson.A{bson.D{{Key: "$listSessions", Value: bson.D{{Key: "allUsers", Value: true}}}}}},
		{Key: "cursor", Value: bson.D{}},
	})
	if err != nil {
		return nil, err
	}
	// A session whose last use cannot be read would count as idle for
	// no time at all: the reply must be shaped as mongod's is.
	v, ok := get(d, "cursor")
	if !ok {
		return nil, fmt.Errorf("mongodb: $listSessions reply has no cursor")
	}
	cur, ok := v.(bson.D)
	if !ok {
		return nil, fmt.Errorf("mongodb: $listSessions reply: cursor is a %s, not a document", typeName(v))
	}
	batch, err := needDocs(cur, "firstBatch", "$listSessions cursor")
	if err != nil {
		return nil, err
	}
	out := make([]Session, 0, len(batch))
	for i, s := range batch {
		at := fmt.Sprintf("$listSessions session %d", i)
		id := sub(s, "_id")
		sess := Session{User: str(sub(s, "user"), "name")}
		if v, ok := get(id, "id"); ok {
			sess.ID = render(v, "").Text
		}
		v, ok := get(s, "lastUse")
		if !ok {
			return nil, fmt.Errorf("mongodb: %s (%s) has no lastUse", at, sess.ID)
		}
		if sess.LastUse, ok = timeOf(v); !ok {
			return nil, fmt.Errorf("mongodb: %s (%s): lastUse is a %s, not a date", at, sess.ID, typeName(v))
		}
		out = append(out, sess)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].LastUse.Equal(out[j].LastUse) {
			return out[i].LastUse.Before(out[j].LastUse)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// IdleSessions returns the sessions idle longer than limit at now.
func IdleSessions(sessions []Session, now time.Time, limit time.Duration) []Session {
	var out []Session
	for _, s := range sessions {
		if s.Idle(now) > limit {
			out = append(out, s)
		}
	}
	return out
}

// Collection is one collection from listCollections.
type Collection struct {
	DB, Name string
	Type     string // "collection", "view", "timeseries"
	// Validator is the collection's validator as relaxed Extended JSON,
	// "" when it has none.
	Validator string
}

// Databases lists the database names (listDatabases nameOnly), sorted.
func Databases(ctx context.Context, m host.MongoDatabase) ([]string, error) {
	d, err := Command(ctx, m, "admin", bson.D{{Key: "listDatabases", Value: 1}, {Key: "nameOnly", Value: true}})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, db := range docs(d, "databases") {
		out = append(out, str(db, "name"))
	}
	sort.Strings(out)
	return out, nil
}

// Collections lists the collections of database (listCollections), sorted
// by name.
func Collections(ctx context.Context, m host.MongoDatabase, database string) ([]Collection, error) {
	d, err := Command(ctx, m, database, bson.D{{Key: "listCollections", Value: 1}, {Key: "cursor", Value: bson.D{}}})
	if err != nil {
		return nil, err
	}
	var out []Collection
	for _, c := range docs(sub(d, "cursor"), "firstBatch") {
		col := Collection{DB: database, Name: str(c, "name"), Type: str(c, "type")}
		if v, ok := get(sub(c, "options"), "validator"); ok {
			col.Validator = render(v, "").Text
		}
		out = append(out, col)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// AuthSchemaVersion reads admin.system.version's authSchema document
// (currentVersion; 5 means SCRAM credentials only). ok is false when the
// document does not exist.
func AuthSchemaVersion(ctx context.Context, m host.MongoDatabase) (version int64, ok bool, err error) {
	d, err := Command(ctx, m, "admin", bson.D{
		{Key: "find", Value: "system.version"},
		{Key: "filter", Value: bson.D{{Key: "_id", Value: "authSchema"}}},
	})
	if err != nil {
		return 0, false, err
	}
	for _, doc := range docs(sub(d, "cursor"), "firstBatch") {
		switch v := mustGet(doc, "currentVersion").(type) {
		case int32:
			return int64(v), true, nil
		case int64:
			return v, true, nil
		case float64:
			return int64(v), true, nil
		}
	}
	return 0, false, nil
}

func mustGet(d bson.D, key string) any {
	v, _ := get(d, key)
	return v
}
