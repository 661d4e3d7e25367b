// Package mysql implements stigscan's own OVAL test type for MariaDB and
// MySQL option files (my.cnf), in the namespace
// urn:stigscan:oval-definitions-5#mysql (family "mysql").
// docs/oval-mysql.md describes it and
// docs/schemas/stigscan-mysql-definitions.xsd defines it.
//
// How the type maps onto the code:
//
//   - mycnf_object → mycnfProbe: the option files a server reads at start
//     (the default files, or the files the object names), read through
//     the target's host (local, offline root, SSH) with the evaluation's
//     per-file cap, !include and !includedir followed as the server
//     follows them (Read, optfile.go). One mycnf_item per option line of
//     the groups the object selects; with the server behavior, one item
//     per option in effect for that server (the last setting of the
//     server's groups, ServerGroups), the version from the behavior or
//     from a target that says which server it is (Product and
//     ServerVersion, as collectors/mysql.Target answers them).
//
// SQL checks use OVAL's own sql57 test with engine "mysql" (package
// sql57); the modes and owners of the data directory, logs, keys and audit
// log are unix file_tests.
//
// Probes registers the type for oval.Options.Probes (and
// engine.Options.Probes) under "mysql:mycnf_object"; package
// oval/probes/list adds it to the standard set.
package mysql

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/oval"
)

// Namespace is the OVAL definitions namespace of the type; Family its
// family.
const (
	Namespace = "urn:stigscan:oval-definitions-5#mysql"
	Family    = "mysql"
)

// DefaultFiles are the option files MariaDB 10.11 and MySQL 8.0 servers
// on Linux read when started without --defaults-file, in order, that a
// scanner can know of: $MYSQL_HOME/my.cnf (MariaDB also $MARIADB_HOME),
// --defaults-extra-file and ~/.my.cnf depend on how the server was started
// and are left out (docs/oval-mysql.md).
func DefaultFiles() []string { return []string{"/etc/my.cnf", "/etc/mysql/my.cnf"} }

// Probes returns the probe keyed for oval.Options.Probes. It holds no
// state and is safe for concurrent use on many hosts.
func Probes() map[string]oval.Probe {
	return map[string]oval.Probe{Family + ":mycnf_object": mycnf{}}
}

// mycnf is mycnf_object's probe: it reads through the target's files and
// plans the start files it knows.
type mycnf struct{}

var _ oval.FilePlanner = mycnf{}

// Collect implements mycnf_object.
func (mycnf) Collect(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	return mycnfProbe(ctx, q)
}

// PlanFiles reads the start files: the literal filepath, else the default
// files. Included files are known only once these are read.
func (mycnf) PlanFiles(o *oval.Object) (stat, read []string) {
	for _, e := range o.Entities {
		if e.Name == "filepath" {
			p := oval.LiteralPaths(o)
			return p, p
		}
	}
	d := DefaultFiles()
	return d, d
}

var version = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// ServerGroups returns the option groups the server program of a product
// reads: server is "mariadb" or "mysql", optionally with "-X.Y", the
// server's major.minor version, which adds the version's own groups.
//
//   - MariaDB (mariadbd, 10.4.6 and later): [mysqld] [server] [mariadb]
//     [mariadbd] [client-server] [galera] (Linux builds have Galera
//     support), and with X.Y [mysqld-X.Y] [mariadb-X.Y] [mariadbd-X.Y].
//   - MySQL (mysqld): [mysqld] [server], and with X.Y [mysqld-X.Y].
func ServerGroups(server string) ([]string, error) {
	product, ver, _ := strings.Cut(server, "-")
	if ver != "" && !version.MatchString(ver) {
		return nil, fmt.Errorf("mysql: server %q: the version must be major.minor (mariadb-10.11, mysql-8.0)", server)
	}
	var groups, versioned []string
	switch product {
	case "mariadb":
		groups = []string{"mysqld", "server", "mariadb", "mariadbd", "client-server", "galera"}
		versioned = []string{"mysqld", "mariadb", "mariadbd"}
	case "mysql":
		groups = []string{"mysqld", "server"}
		versioned = []string{"mysqld"}
	default:
		return nil, fmt.Errorf("mysql: server %q is neither mariadb[-X.Y] nor mysql[-X.Y]", server)
	}
	if ver != "" {
		for _, g := range versioned {
			groups = append(groups, g+"-"+ver)
		}
	}
	return groups, nil
}

// ServerTarget is the value of the server behavior that takes the
// product and version from the target.
const ServerTarget = "target"

// serverInfo is the optional ability of a target to say which server it
// is (collectors/mysql.Target has it): Product "MariaDB" or "MySQL",
// ServerVersion VERSION() ("10.11.19-MariaDB-0+deb12u1", "8.0.36").
type serverInfo interface {
	Product() string
	ServerVersion() string
}

var majorMinor = regexp.MustCompile(`^([0-9]+\.[0-9]+)`)

// serverOf returns the object's server behavior with the target's
// major.minor version added when the target is that product and says it;
// "target" takes both from the target.
func serverOf(q *oval.Query) (string, error) {
	server := q.Behavior("server", "")
	if server == "" || strings.Contains(server, "-") {
		return server, nil
	}
	si, ok := q.Host.(serverInfo)
	if !ok {
		if server == ServerTarget {
			return "", fmt.Errorf("%w: mycnf_object: server %q: %s does not say which server it is (not a MariaDB or MySQL target)", host.ErrNotCollected, ServerTarget, host.Describe(q.Host))
		}
		return server, nil
	}
	product := strings.ToLower(si.Product())
	v := majorMinor.FindString(si.ServerVersion())
	switch {
	case server == ServerTarget && (product == "mariadb" || product == "mysql") && v != "":
		return product + "-" + v, nil
	case server == ServerTarget:
		return "", fmt.Errorf("mycnf_object: server %q: the target says it is %q version %q", ServerTarget, si.Product(), si.ServerVersion())
	case product == server && v != "":
		return server + "-" + v, nil
	}
	q.Note("warning", fmt.Sprintf("the object names server %q but the target is %s %s: its version's groups are not counted", server, si.Product(), si.ServerVersion()))
	return server, nil
}

// versionedGroup is a group only one server version reads.
var versionedGroup = regexp.MustCompile(`^(mysqld|mariadb|mariadbd)-[0-9]+\.[0-9]+$`)

// mycnfProbe implements mycnf_object.
func mycnfProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	starts := DefaultFiles()
	if fe := q.Entity("filepath"); fe != nil && !fe.Nil {
		vals, ok := fe.Equals()
		if !ok {
			return nil, errors.New("mycnf_object: the filepath entity must be given with operation equals")
		}
		starts = nil
		for _, v := range vals {
			v = strings.TrimSpace(v)
			if !path.IsAbs(v) {
				return nil, fmt.Errorf("mycnf_object: filepath %q is not an absolute path", v)
			}
			starts = append(starts, path.Clean(v))
		}
	}
	var groups []string
	server, err := serverOf(q)
	if err != nil {
		return nil, err
	}
	if server != "" {
		g, err := ServerGroups(server)
		if err != nil {
			return nil, fmt.Errorf("mycnf_object: server behavior: %w", err)
		}
		groups = g
	}
	cfg, err := Read(ctx, queryFiles{q}, starts...)
	if err != nil {
		return nil, err
	}
	if p := cfg.Fatal(); p != nil {
		return nil, fmt.Errorf("mycnf_object: the server refuses to start on %s: %s", starts, p.Error())
	}
	for _, p := range cfg.Problems {
		level := "warning"
		if p.Info {
			level = "info"
		}
		q.Note(level, p.Error())
	}
	ge, oe := q.Entity("group"), q.Entity("option")
	var picked []Setting
	seen := map[string]bool{}
	noted := map[string]bool{}
	for _, s := range cfg.Settings {
		if groups != nil && !slices.Contains(groups, s.Group) {
			if versionedGroup.MatchString(s.Group) && !strings.Contains(server, "-") && !noted[s.Group] {
				noted[s.Group] = true
				q.Note("warning", fmt.Sprintf("group [%s] is read only by one server version; the server behavior %q names none, so its options are not counted", s.Group, server))
			}
			continue
		}
		ok, err := matchGroup(ge, s.Group)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if ok, err = matchOption(oe, s.Option); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		if groups == nil {
			// Every setting once, though a cycle of includes reads a
			// line many times.
			key := fmt.Sprintf("%s\x00%s\x00%d", s.Start, s.File, s.Line)
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		picked = append(picked, s)
	}
	if groups != nil {
		picked = effective(picked)
	}
	var items []*oval.Item
	for _, s := range picked {
		if ok, err := q.Keeps("file", s.File); err != nil {
			return nil, fmt.Errorf("mycnf_object: %w", err)
		} else if !ok {
			continue
		}
		items = append(items, item(s))
		if err := q.TooMany(len(items)); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// effective keeps the last setting of each option, in the order of those
// last settings: the server applies its options in read order. Every
// setting of an option that accumulates is kept.
func effective(ss []Setting) []Setting {
	last := map[string]int{}
	for i, s := range ss {
		last[s.Option] = i
	}
	var out []Setting
	for i, s := range ss {
		if last[s.Option] == i || Accumulates(s.Option) {
			out = append(out, s)
		}
	}
	return out
}

// Accumulates reports whether each setting of an option adds to the
// earlier ones instead of replacing them (plugin_load_add, the
// replication and binary log filters), so that every setting of it is in
// effect.
func Accumulates(option string) bool {
	switch option {
	case "plugin_load_add",
		"replicate_do_db", "replicate_ignore_db", "replicate_do_table", "replicate_ignore_table",
		"replicate_wild_do_table", "replicate_wild_ignore_table", "replicate_rewrite_db",
		"binlog_do_db", "binlog_ignore_db":
		return true
	}
	return false
}

func item(s Setting) *oval.Item {
	v := oval.StringField("value", s.Value)
	if !s.HasValue {
		v.Value, v.Status = "", "does not exist"
	}
	return oval.NewItem("mycnf_item", Family,
		oval.StringField("filepath", s.Start), oval.StringField("file", s.File), oval.IntField("line", int64(s.Line)),
		oval.StringField("group", s.Group), oval.StringField("option", s.Option), oval.BoolField("loose", s.Loose), v)
}

// matchGroup: equality ignores case, as the server does; other operations
// see the lower-case name.
func matchGroup(e *oval.QueryEntity, g string) (bool, error) {
	if e == nil || e.Nil {
		return true, nil
	}
	if vals, ok := e.Equals(); ok {
		for _, v := range vals {
			if strings.EqualFold(strings.TrimSpace(v), g) {
				return true, nil
			}
		}
		return false, nil
	}
	ok, err := e.Match(g)
	if err != nil {
		return false, fmt.Errorf("mycnf_object: %w", err)
	}
	return ok, nil
}

// matchOption: equality takes '-' and '_' as the same, as the server
// does; other operations see the normalized name ('_').
func matchOption(e *oval.QueryEntity, o string) (bool, error) {
	if e == nil || e.Nil {
		return true, nil
	}
	if vals, ok := e.Equals(); ok {
		for _, v := range vals {
			if strings.ReplaceAll(strings.TrimSpace(v), "-", "_") == o {
				return true, nil
			}
		}
		return false, nil
	}
	ok, err := e.Match(o)
	if err != nil {
		return false, fmt.Errorf("mycnf_object: %w", err)
	}
	return ok, nil
}

// queryFiles reads through the query (the evaluation's per-file cap and
// cache) and lists through the target's host.
type queryFiles struct{ q *oval.Query }

func (f queryFiles) ReadFile(ctx context.Context, p string) ([]byte, error) {
	return f.q.ReadFile(ctx, p)
}

func (f queryFiles) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	return f.q.Host.Stat(ctx, paths...)
}

func (f queryFiles) ReadDir(ctx context.Context, p string) ([]host.FileInfo, error) {
	return f.q.Host.ReadDir(ctx, p)
}
