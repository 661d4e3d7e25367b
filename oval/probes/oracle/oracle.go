// Package oracle implements stigscan's own OVAL test types for Oracle
// Database configuration files, in the namespace
// urn:stigscan:oval-definitions-5#oracle (family "oracle").
// docs/oval-oracle.md describes the types and
// docs/schemas/stigscan-oracle-definitions.xsd defines them.
//
// How the types map onto the code:
//
//   - sqlnet_object → sqlnetProbe: the parameters of an Oracle Net file
//     (sqlnet.ora, listener.ora, cman.ora, or any file in that syntax such
//     as fips.ora or extproc.ora) read with collectors/oracle/netconf,
//     IFILE includes followed. One sqlnet_item per parameter in effect,
//     nested parameters included, named by their path ("LISTENER/
//     DESCRIPTION/ADDRESS/PROTOCOL").
//   - home_object → homeProbe: where the server's ORACLE_HOME and Oracle
//     Net directory are, so content can build paths of other files.
//
// The files are found the way the server finds them: the target's
// OracleNet answer when the target is an Oracle database
// (collectors/oracle.Target), else netconf.Locate on the host. SQL checks
// use OVAL's own sql57 test (package sql57).
//
// Probes registers both for oval.Options.Probes (and engine.Options.Probes)
// under "oracle:<type>_object"; package oval/probes/list adds them to the
// standard set.
package oracle

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/oracle/netconf"
	"github.com/stigscan/stigscan/oval"
)

// Namespace is the OVAL definitions namespace of the types; Family their
// family.
const (
	Namespace = "urn:stigscan:oval-definitions-5#oracle"
	Family    = "oracle"
)

// ActiveSqlnet is the filepath value that names the server's active
// sqlnet.ora.
const ActiveSqlnet = "active"

// Probes returns the probes keyed for oval.Options.Probes. They hold no
// state and are safe for concurrent use on many hosts.
func Probes() map[string]oval.Probe {
	return map[string]oval.Probe{
		// Plans the file an object names by an absolute path; the
		// others are found on the target first.
		Family + ":sqlnet_object": oval.FileReader(sqlnetProbe),
		Family + ":home_object":   oval.ProbeFunc(homeProbe),
	}
}

// netLocator is the optional ability of a target to say where its Oracle
// Net files are (collectors/oracle.Target has it).
type netLocator interface {
	OracleNet(ctx context.Context) (netconf.Location, error)
}

func locate(ctx context.Context, h host.Host) (netconf.Location, error) {
	if nl, ok := h.(netLocator); ok {
		return nl.OracleNet(ctx)
	}
	return netconf.Locate(ctx, h, netconf.Locator{})
}

// resolve turns a filepath entity value into a path on the host.
func resolve(ctx context.Context, h host.Host, v string, loc *netconf.Location, locErr *error, located *bool) (string, error) {
	need := func() (netconf.Location, error) {
		if !*located {
			*loc, *locErr = locate(ctx, h)
			*located = true
		}
		return *loc, *locErr
	}
	switch {
	case v == ActiveSqlnet:
		l, err := need()
		if err != nil {
			return "", err
		}
		return l.File("sqlnet.ora"), nil
	case strings.HasPrefix(v, "$ORACLE_HOME/"):
		l, err := need()
		if err != nil {
			return "", err
		}
		if l.OracleHome == "" {
			return "", fmt.Errorf("%w: ORACLE_HOME of %s is not known (only TNS_ADMIN was given)", host.ErrNotCollected, host.Describe(h))
		}
		return path.Join(l.OracleHome, strings.TrimPrefix(v, "$ORACLE_HOME/")), nil
	case strings.HasPrefix(v, "$TNS_ADMIN/"):
		l, err := need()
		if err != nil {
			return "", err
		}
		return path.Join(l.Dir, strings.TrimPrefix(v, "$TNS_ADMIN/")), nil
	case path.IsAbs(v):
		return path.Clean(v), nil
	case v != "" && !strings.Contains(v, "/"):
		l, err := need()
		if err != nil {
			return "", err
		}
		return l.File(v), nil
	}
	return "", fmt.Errorf("sqlnet_object: filepath %q is neither %q, a file name, $ORACLE_HOME/..., $TNS_ADMIN/... nor an absolute path", v, ActiveSqlnet)
}

// sqlnetProbe implements sqlnet_object.
func sqlnetProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	fe := q.Entity("filepath")
	if fe == nil || fe.Nil {
		return nil, errors.New("sqlnet_object: the filepath entity is required")
	}
	files, ok := fe.Equals()
	if !ok {
		return nil, errors.New("sqlnet_object: the filepath entity must be given with operation equals")
	}
	pe := q.Entity("parameter")
	var loc netconf.Location
	var locErr error
	located := false
	var items []*oval.Item
	seen := map[string]bool{}
	for _, v := range files {
		p, err := resolve(ctx, q.Host, strings.TrimSpace(v), &loc, &locErr, &located)
		if err != nil {
			return nil, err
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		cfg, err := netconf.Read(ctx, q.Host, p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				q.Note("info", "file "+p+" does not exist")
				continue
			}
			return items, err
		}
		for _, pr := range cfg.Problems {
			// A setting the scan did not read may be the one in effect.
			if pr.Include {
				return items, fmt.Errorf("sqlnet_object: %s: the settings in effect are unknown: %w", p, pr)
			}
			q.Note("warning", pr.Error())
		}
		for _, prm := range effective(cfg.Params) {
			got, err := paramItems(prm, "", pe)
			if err != nil {
				return items, err
			}
			items = append(items, got...)
		}
	}
	return items, nil
}

// effective keeps the last setting of each top-level name, in file order
// of those last settings.
func effective(params []*netconf.Param) []*netconf.Param {
	last := map[string]int{}
	for i, p := range params {
		last[p.Key()] = i
	}
	var out []*netconf.Param
	for i, p := range params {
		if last[p.Key()] == i {
			out = append(out, p)
		}
	}
	return out
}

// paramItems returns the items of a parameter and its nested parameters
// that the parameter entity selects.
func paramItems(p *netconf.Param, prefix string, pe *oval.QueryEntity) ([]*oval.Item, error) {
	name := prefix + strings.ToUpper(p.Name)
	var out []*oval.Item
	ok, err := matchName(pe, name)
	if err != nil {
		return nil, fmt.Errorf("sqlnet_object: parameter: %w", err)
	}
	if ok {
		it := oval.NewItem("sqlnet_item", Family,
			oval.StringField("filepath", p.File), oval.StringField("parameter", name), oval.StringField("value", p.Value.String()))
		for _, e := range p.Value.Elements() {
			it.Fields = append(it.Fields, oval.StringField("element", e))
		}
		out = append(out, it)
	}
	for _, c := range p.Value.Children {
		got, err := paramItems(c, name+"/", pe)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// matchName compares an item's parameter path with the object's entity:
// equality ignores case, as Oracle Net does; other operations see the
// upper-case path.
func matchName(pe *oval.QueryEntity, name string) (bool, error) {
	if pe == nil || pe.Nil {
		return true, nil
	}
	if vals, ok := pe.Equals(); ok {
		for _, v := range vals {
			if strings.EqualFold(strings.TrimSpace(v), name) {
				return true, nil
			}
		}
		return false, nil
	}
	return pe.Match(name)
}

// homeProbe implements home_object: one home_item.
func homeProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	loc, err := locate(ctx, q.Host)
	if err != nil {
		return nil, err
	}
	it := oval.NewItem("home_item", Family,
		oval.StringField("oracle_home", loc.OracleHome), oval.StringField("tns_admin", loc.Dir), oval.StringField("source", loc.Source))
	if loc.OracleHome == "" {
		it.Fields[0].Status = "does not exist"
	}
	return []*oval.Item{it}, nil
}
