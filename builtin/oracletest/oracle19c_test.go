package oracletest

import (
	"sort"
	"strings"
	"testing"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/oracle/oracletest"
	"github.com/stigscan/stigscan/engine"
)

// Homes of the 19c fixtures' server machines.
const (
	passHome19 = "/u01/app/oracle/product/19.0.0/dbhome_1"
	failHome19 = "/usr/lib/oracle/product/19.0.0/dbhome_1"
)

// rehome moves a 12c fixture machine to another ORACLE_HOME.
func rehome(es []entry, from, to string) []entry {
	out := make([]entry, len(es))
	for i, e := range es {
		e.path = strings.ReplaceAll(e.path, from, to)
		e.data = strings.ReplaceAll(e.data, from, to)
		out[i] = e
	}
	return out
}

// passRoot19 is the passing 12c machine under a 19c home that grants the
// world nothing (V-270512).
func passRoot19() []entry {
	es := rehome(passRoot(), passHome, passHome19)
	for i, e := range es {
		if e.path == passHome19 {
			es[i].mode = 0o750
		}
	}
	return es
}

func failRoot19() []entry { return rehome(failRoot(), failHome, failHome19) }

func scan19(t *testing.T, files []string, stmts []string, root []entry, values map[string]string) scanned {
	t.Helper()
	return scanDB(t, open(t, builtin.Oracle19cBenchmark), oracletest.Load19c(t, files, stmts...), root, values)
}

func TestDiscover19c(t *testing.T) {
	p := byVuln(scan19(t, []string{oracletest.Pass}, nil, passRoot19(), map[string]string{valueProduction: "true", valueNoEmergency: "true"}).res)
	f := byVuln(scan19(t, []string{oracletest.Fail}, nil, failRoot19(), nil).res)
	var vs []string
	for v := range p {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	for _, v := range vs {
		t.Logf("%s %s %s %s", v, p[v].Status, f[v].Status, p[v].Rule.Title)
		if p[v].Status == engine.Error || f[v].Status == engine.Error {
			t.Logf("  pass:%s\n  fail:%s", explain(p[v]), explain(f[v]))
		}
	}
}
