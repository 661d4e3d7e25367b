package sqlguard

import (
	"strings"

	"github.com/stigscan/stigscan/internal/clip"
)

//go:generate go test . -run TestPostgresCatalogIsGenerated -update

// The PostgreSQL allow-list. A query may call only functions of
// pg_catalog that pgCatalogFunction lists, and read only relations of
// pg_catalog and information_schema that pgCatalogRelation lists (both
// generated from a real server's catalog into pgcatalog_gen.go), or
// relations the query itself defines (CTEs). Everything else (a
// function or type qualified with another schema, OPERATOR(other.op), an
// unknown function, a user table or view) is refused before it reaches
// the server, with the name in the error.
//
// This is safe only together with the session the postgres collector pins
// (search_path = pg_catalog, pg_temp): unqualified names then resolve to
// the catalog, never to objects users created.
//
// The generator takes every function of pg_catalog whose every overload
// is immutable or stable, takes no "internal" argument and returns no
// handler or trigger; adds pgReviewedVolatile; and removes
// pgExcludedFunction. It takes every table and view of pg_catalog and
// information_schema except pgRestrictedRelation.

// pgExcludedFunction says why a catalog function that the volatility
// filter would keep is refused anyway, or "".
func pgExcludedFunction(name string) string {
	switch {
	case strings.HasPrefix(name, "query_to_xml"), strings.HasPrefix(name, "table_to_xml"),
		strings.HasPrefix(name, "cursor_to_xml"), strings.HasPrefix(name, "schema_to_xml"),
		strings.HasPrefix(name, "database_to_xml"), name == "ts_stat", name == "ts_rewrite":
		return "runs SQL text or reads tables this guard does not see"
	case strings.HasPrefix(name, "pg_read_"), strings.HasPrefix(name, "pg_ls_"), name == "pg_stat_file",
		name == "pg_current_logfile":
		return "reads server files"
	case strings.HasPrefix(name, "lo_"), name == "loread":
		return "reads large objects"
	case name == "txid_current", name == "pg_current_xact_id":
		return "assigns a transaction id"
	case name == "binary_upgrade" || strings.HasPrefix(name, "binary_upgrade_"):
		return "changes the catalog for pg_upgrade"
	}
	return ""
}

// pgReviewedVolatile says why a volatile catalog function is allowed
// nevertheless (it only reads a clock or the session's own state), or "".
func pgReviewedVolatile(name string) string {
	switch name {
	case "clock_timestamp", "timeofday":
		return "reads the clock"
	case "pg_is_in_recovery", "pg_postmaster_start_time", "pg_conf_load_time":
		return "reads the server's state"
	case "pg_backend_pid", "inet_server_addr", "inet_server_port", "inet_client_addr", "inet_client_port":
		return "reads the session's own state"
	}
	return ""
}

// pgRestrictedRelation says why a catalog relation is refused, or "".
// These hold secrets (password hashes, user-mapping options with
// passwords, subscription connection strings) or copies of table data
// (statistics sample values, large objects).
func pgRestrictedRelation(schema, name string) string {
	switch schema + "." + name {
	case "pg_catalog.pg_authid", "pg_catalog.pg_shadow":
		return "holds password hashes"
	case "pg_catalog.pg_user_mapping", "pg_catalog.pg_user_mappings",
		"information_schema.user_mapping_options", "information_schema._pg_user_mappings":
		return "holds user-mapping options (passwords)"
	case "pg_catalog.pg_subscription":
		return "holds connection strings (passwords)"
	case "pg_catalog.pg_statistic", "pg_catalog.pg_statistic_ext_data", "pg_catalog.pg_stats",
		"pg_catalog.pg_stats_ext", "pg_catalog.pg_stats_ext_exprs":
		return "holds sample values of table data"
	case "pg_catalog.pg_largeobject":
		return "holds large-object data"
	}
	return ""
}

// restrictedName says why a relation name of either catalog schema is
// restricted, or "".
func restrictedName(n string) string {
	if why := pgRestrictedRelation("pg_catalog", n); why != "" {
		return why
	}
	return pgRestrictedRelation("information_schema", n)
}

// pgReviewedStatement is a statement allowed to read a restricted
// relation because what it returns was reviewed: the password-storage
// check (V-214130) reads pg_authid.rolpassword but returns only the
// storage method's name, never the hash. The text must match exactly.
func pgReviewedStatement(q string) bool {
	return strings.TrimSpace(q) == PasswordStorageQuery
}

// PasswordStorageQuery is the built-in check's query of how each role's
// password is stored; builtin/postgres-9x-oval.xml holds the same text.
const PasswordStorageQuery = `SELECT rolname, CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256' WHEN rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'md5' ELSE 'plaintext' END AS password_storage FROM pg_catalog.pg_authid ORDER BY rolname`

// pgSyntaxWord is a keyword that may stand before '(' without being a
// function call.
func pgSyntaxWord(w string) bool {
	switch w {
	case "select", "from", "where", "and", "or", "not", "in", "exists", "any", "all", "some",
		"array", "row", "values", "as", "on", "join", "using", "lateral", "when", "then", "else",
		"case", "by", "over", "filter", "within", "group", "partition", "rollup", "cube", "sets",
		"distinct", "is", "like", "ilike", "similar", "between", "having", "with", "recursive",
		"materialized", "union", "intersect", "except", "limit", "offset", "order", "window",
		"cast", "coalesce", "nullif", "greatest", "least", "extract", "position", "substring",
		"overlay", "trim", "grouping", "interval", "escape", "only", "ordinality", "asc", "desc",
		"end", "nulls", "first", "last", "collate", "at", "zone", "isnull", "notnull", "operator":
		return true
	}
	return false
}

// name is a name as PostgreSQL reads it: unquoted words fold to lower
// case, quoted identifiers stay as written.
func (t token) name() string {
	if t.kind == kWord {
		return strings.ToLower(t.text)
	}
	return t.text
}

func isName(t token) bool { return t.kind == kWord || t.kind == kQuoted }

func isPunct(t token, p string) bool { return t.kind == kPunct && t.text == p }

func isWord(t token, w string) bool { return t.kind == kWord && strings.EqualFold(t.text, w) }

// chainAt reads a dotted name starting at toks[i]: its components and the
// index after it.
func chainAt(toks []token, i int) ([]string, int) {
	comps := []string{toks[i].name()}
	j := i + 1
	for j+1 < len(toks) && isPunct(toks[j], ".") && isName(toks[j+1]) {
		comps = append(comps, toks[j+1].name())
		j += 2
	}
	return comps, j
}

// chainStart is the index where the dotted name ending at toks[j] begins.
func chainStart(toks []token, j int) int {
	for j >= 2 && isPunct(toks[j-1], ".") && isName(toks[j-2]) {
		j -= 2
	}
	return j
}

// isCast reports whether toks[i] follows "::".
func isCast(toks []token, i int) bool {
	return i >= 2 && isPunct(toks[i-1], ":") && isPunct(toks[i-2], ":")
}

// pgFrame is one level of parentheses or brackets.
type pgFrame struct {
	query   bool // a (sub)query: FROM and JOIN begin relation lists
	from    bool // inside this query's FROM clause: a comma starts a relation
	joined  bool // a parenthesized joined table: its items are relations
	bracket bool // [ ... ]
	args    bool // extract(... FROM ...) and the like: FROM separates arguments
}

// isDistinctFrom reports whether the FROM at toks[i] ends IS [NOT]
// DISTINCT FROM (SELECT DISTINCT FROM t, with an empty list, is a FROM
// clause).
func isDistinctFrom(toks []token, i int) bool {
	return i >= 2 && isWord(toks[i-1], "distinct") && (isWord(toks[i-2], "is") || isWord(toks[i-2], "not"))
}

// fromArgs are the functions whose special syntax uses FROM between
// arguments.
func fromArgs(t token) bool {
	return isWord(t, "extract") || isWord(t, "substring") || isWord(t, "trim") || isWord(t, "overlay")
}

// checkPostgres applies the allow-list to a lexed PostgreSQL statement.
func checkPostgres(query string, toks []token) error {
	reviewed := pgReviewedStatement(query)
	ctes := cteNames(toks)
	stack := []pgFrame{{query: true}}
	expectRel := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		top := &stack[len(stack)-1]
		switch {
		case isPunct(t, "(") || isPunct(t, "["):
			f := pgFrame{bracket: t.text == "["}
			if !f.bracket {
				f.args = i > 0 && fromArgs(toks[i-1])
				if i+1 < len(toks) && (isWord(toks[i+1], "select") || isWord(toks[i+1], "with") || isWord(toks[i+1], "values")) {
					f.query = true
				} else if expectRel {
					f.joined, f.from = true, true
				}
			}
			if err := checkCallAt(toks, i); err != nil {
				return err
			}
			if !f.joined {
				expectRel = false
			}
			stack = append(stack, f)
		case isPunct(t, ")") || isPunct(t, "]"):
			if len(stack) == 1 || stack[len(stack)-1].bracket != (t.text == "]") {
				return refuse(t.pos, "unbalanced "+t.text)
			}
			stack = stack[:len(stack)-1]
			expectRel = false
		case isPunct(t, ","):
			expectRel = top.from
		case t.kind == kWord:
			w := strings.ToLower(t.text)
			switch w {
			case "from":
				// Anywhere but between a special function's arguments, and
				// but IS DISTINCT FROM, FROM begins relations: read
				// strictly, so that no frame the guard misjudges hides one.
				if !top.args && !isDistinctFrom(toks, i) {
					top.from, expectRel = true, true
					continue
				}
			case "join":
				expectRel = true
				continue
			case "lateral", "only":
				if expectRel {
					continue
				}
			case "where", "group", "having", "window", "order", "limit", "offset", "fetch",
				"union", "intersect", "except", "select", "returning", "for":
				top.from, expectRel = false, false
				continue
			case "table":
				return refuse(t.pos, "TABLE is not allowed: name the relation in FROM")
			case "operator":
				if !(i+3 < len(toks) && isPunct(toks[i+1], "(") && isWord(toks[i+2], "pg_catalog") && isPunct(toks[i+3], ".")) {
					return refuse(t.pos, "OPERATOR(...) is allowed only with pg_catalog operators")
				}
			}
			fallthrough
		case t.kind == kQuoted:
			comps, next := chainAt(toks, i)
			if err := checkName(toks, i, next, comps, expectRel, ctes, reviewed); err != nil {
				return err
			}
			expectRel = false
			i = next - 1
		default:
			expectRel = false
		}
	}
	if len(stack) != 1 {
		return refuse(len(query), "unbalanced parentheses or brackets")
	}
	return nil
}

// checkName checks a (dotted) name toks[i:next] that is not a call.
func checkName(toks []token, i, next int, comps []string, rel bool, ctes map[string]bool, reviewed bool) error {
	full := strings.Join(comps, ".")
	if !reviewed {
		// A restricted relation's name is refused wherever it stands, so
		// that no reading of positions (a CTE of that name in another
		// scope, an alias) can let it through.
		for _, c := range comps {
			if why := restrictedName(c); why != "" {
				return refuse(toks[i].pos, "relation "+clipName(c)+" is not allowed: it "+why)
			}
		}
	}
	if next < len(toks) && isPunct(toks[next], "(") {
		return nil // a call: checkCallAt decides when the '(' is reached
	}
	typeish := isCast(toks, i) || (i > 0 && isWord(toks[i-1], "as")) || (next < len(toks) && toks[next].kind == kString)
	if len(comps) > 1 && typeish && comps[0] != "pg_catalog" {
		return refuse(toks[i].pos, "type "+clipName(full)+" is not in pg_catalog")
	}
	if !rel {
		return nil
	}
	var schema, name string
	switch len(comps) {
	case 1:
		if ctes[comps[0]] {
			return nil
		}
		schema, name = "pg_catalog", comps[0]
	case 2:
		schema, name = comps[0], comps[1]
	default:
		return refuse(toks[i].pos, "relation "+clipName(full)+" is not allowed: name it as schema.relation")
	}
	if why := pgRestrictedRelation(schema, name); why != "" {
		if reviewed {
			return nil
		}
		return refuse(toks[i].pos, "relation "+clipName(full)+" is not allowed: it "+why)
	}
	if !pgCatalogRelation(schema, name) {
		return refuse(toks[i].pos, "relation "+clipName(full)+" is not an allowed catalog relation (only pg_catalog and information_schema views and tables are)")
	}
	return nil
}

// checkCallAt checks what stands before the '(' at toks[i]: a function
// name must be allow-listed.
func checkCallAt(toks []token, i int) error {
	if i == 0 || !isName(toks[i-1]) || isPunct(toks[i], "[") {
		return nil
	}
	j := chainStart(toks, i-1)
	comps, _ := chainAt(toks, j)
	if len(comps) == 1 && toks[j].kind == kWord && pgSyntaxWord(comps[0]) {
		return nil
	}
	if j > 0 && (isCast(toks, j) || isWord(toks[j-1], "as")) {
		// A type with modifiers (::numeric(10,2)) or an alias with a
		// column list (AS t(a, b)); a qualified type must be pg_catalog's.
		if len(comps) > 1 && comps[0] != "pg_catalog" {
			return refuse(toks[j].pos, "type "+clipName(strings.Join(comps, "."))+" is not in pg_catalog")
		}
		return nil
	}
	if j > 0 && (isWord(toks[j-1], "with") || isWord(toks[j-1], "recursive")) && len(comps) == 1 {
		return nil // WITH name(columns) AS (...)
	}
	full := strings.Join(comps, ".")
	name := comps[len(comps)-1]
	switch {
	case len(comps) == 2 && comps[0] == "pg_catalog":
	case len(comps) == 1:
	default:
		return refuse(toks[j].pos, "function "+clipName(full)+" is not allowed: only pg_catalog functions are")
	}
	if why := pgFunction(name); why != "" {
		return refuse(toks[j].pos, "function "+clipName(name)+" "+why)
	}
	if why := pgExcludedFunction(name); why != "" {
		return refuse(toks[j].pos, "function "+clipName(name)+" "+why)
	}
	if !pgCatalogFunction(name) {
		return refuse(toks[j].pos, "function "+clipName(full)+" is not on the allow-list of side-effect-free pg_catalog functions")
	}
	return nil
}

// cteNames are the names a WITH clause defines: a name after WITH,
// RECURSIVE or a comma, followed by AS or a column list.
func cteNames(toks []token) map[string]bool {
	out := map[string]bool{}
	for i := 1; i+1 < len(toks); i++ {
		if !isName(toks[i]) {
			continue
		}
		p := toks[i-1]
		if !(isWord(p, "with") || isWord(p, "recursive") || isPunct(p, ",")) {
			continue
		}
		n := toks[i+1]
		if isWord(n, "as") || isPunct(n, "(") {
			out[toks[i].name()] = true
		}
	}
	return out
}

// clipName keeps names from content short in errors.
func clipName(s string) string { return clip.Cut(s, 64, "...") }
