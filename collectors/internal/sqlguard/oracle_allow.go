package sqlguard

import (
	"strings"
)

// The Oracle dialect is checked against allow-lists, after the generic
// checks of CheckDialect: a query may call only the built-in SQL functions
// of oracleFunction, read only the relations of oracleRelation, and name
// no column that holds a secret. Everything else is refused before the
// query reaches the server, with the name in the error. The rules, and why:
//
//   - No call through a qualified name (pkg.f(...), schema.f(...)): that is
//     how PL/SQL packages are reached (DBMS_*, UTL_*, SYS.URIFACTORY,
//     USER_LOCK, DBMS_XSLPROCESSOR...). No call of an unlisted name either:
//     XMLTYPE, BFILENAME, HTTPURITYPE, TABLE(...) and every site function
//     are unknown, hence refused.
//   - A qualified name that is not a call (t.col) must start with a table
//     alias, relation or CTE name of its own query block or of an
//     enclosing one; otherwise Oracle would read it as pkg.function and
//     call it without parentheses.
//   - FROM and JOIN name only listed dictionary views, unqualified or
//     qualified with SYS, or the query's own CTEs; a parenthesised FROM
//     item must be a subquery. Database links ('@') are refused.
//   - No identifier names a SYS base or X$ fixed table (any name with '$'
//     that is not a V$ or GV$ view) or a column that holds password
//     hashes, statement text or bind values; SELECT * and t.* are refused
//     so such a column cannot come back unnamed.
//   - Identifiers are ASCII, so that upper-casing them here and on the
//     server gives the same name; quoted identifiers are taken as written
//     (case-sensitive), as Oracle does.
//
// What the guard cannot see, a bare identifier that is neither a column
// nor a built-in and that Oracle resolves to a function without arguments,
// resolves through the session's current schema (the collector pins it to
// SYS) or a public synonym, which only an administrator can create; the
// read-only transaction and DISABLE COMMIT IN PROCEDURE stop it writing.

// oracleFunction reports whether an upper-case unqualified name is an
// Oracle built-in SQL function without side effects.
func oracleFunction(name string) bool {
	switch name {
	// Character.
	case "ASCII", "ASCIISTR", "CHR", "CONCAT", "INITCAP", "INSTR", "INSTRB", "INSTRC",
		"LENGTH", "LENGTHB", "LENGTHC", "LOWER", "LPAD", "LTRIM", "NLS_INITCAP", "NLS_LOWER",
		"NLS_UPPER", "NLSSORT", "REGEXP_COUNT", "REGEXP_INSTR", "REGEXP_LIKE", "REGEXP_REPLACE",
		"REGEXP_SUBSTR", "REPLACE", "RPAD", "RTRIM", "SOUNDEX", "SUBSTR", "SUBSTRB", "SUBSTRC",
		"TRANSLATE", "TRIM", "UPPER":
		return true
	// Numeric.
	case "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "BITAND", "CEIL", "COS", "COSH", "EXP", "FLOOR",
		"LN", "LOG", "MOD", "NANVL", "POWER", "REMAINDER", "ROUND", "SIGN", "SIN", "SINH", "SQRT",
		"TAN", "TANH", "TRUNC", "WIDTH_BUCKET", "GREATEST", "LEAST":
		return true
	// Date and time.
	case "ADD_MONTHS", "CURRENT_TIMESTAMP", "EXTRACT", "FROM_TZ", "LAST_DAY", "LOCALTIMESTAMP",
		"MONTHS_BETWEEN", "NEW_TIME", "NEXT_DAY", "NUMTODSINTERVAL", "NUMTOYMINTERVAL",
		"SYS_EXTRACT_UTC", "SYSTIMESTAMP", "TO_DSINTERVAL", "TO_YMINTERVAL", "TZ_OFFSET":
		return true
	// Conversion.
	case "CAST", "CHARTOROWID", "COMPOSE", "CONVERT", "DECOMPOSE", "HEXTORAW", "RAWTOHEX",
		"ROWIDTOCHAR", "TO_BINARY_DOUBLE", "TO_BINARY_FLOAT", "TO_CHAR", "TO_DATE", "TO_NCHAR",
		"TO_NUMBER", "TO_TIMESTAMP", "TO_TIMESTAMP_TZ", "UNISTR":
		return true
	// NULL handling and comparison.
	case "COALESCE", "DECODE", "LNNVL", "NULLIF", "NVL", "NVL2":
		return true
	// Aggregate and analytic.
	case "AVG", "COUNT", "MAX", "MIN", "SUM", "LISTAGG", "MEDIAN", "STDDEV", "STDDEV_POP",
		"STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "CORR", "COVAR_POP", "COVAR_SAMP",
		"GROUPING", "GROUPING_ID", "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD",
		"FIRST_VALUE", "LAST_VALUE", "NTILE", "PERCENT_RANK", "CUME_DIST", "RATIO_TO_REPORT",
		"PERCENTILE_CONT", "PERCENTILE_DISC":
		return true
	// Hashing and inspection of a value.
	case "ORA_HASH", "VSIZE", "DUMP":
		return true
	}
	return false
}

// oracleWordBeforeParen reports whether an unquoted upper-case word may
// stand before '(' without being a call, given the token before it: SQL
// reserved words and operators that open a subquery, a list or a
// condition; OVER and KEEP only after an aggregate's ')', GROUP only in
// WITHIN GROUP. Words Oracle does not reserve are not listed, since it
// would read them as a function's name.
func oracleWordBeforeParen(w string, prev token) bool {
	switch w {
	case "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "EXISTS", "ANY", "SOME", "ALL",
		"AS", "ON", "UNION", "INTERSECT", "MINUS", "WHEN", "THEN", "ELSE", "CASE", "BETWEEN",
		"LIKE", "IS", "BY", "HAVING", "PRIOR", "DISTINCT", "UNIQUE", "WITH":
		return true
	case "OVER", "KEEP":
		return prev.kind == kPunct && prev.text == ")"
	case "GROUP":
		return prev.kind == kWord && strings.EqualFold(prev.text, "WITHIN")
	}
	return false
}

// oracleTypeWord reports whether toks[i], followed by '(', is a type's
// precision: CAST(x AS VARCHAR2(30)), CAST(x AS INTERVAL DAY(2) TO
// SECOND(6)), INTERVAL '5' DAY(3).
func oracleTypeWord(toks []token, i int) bool {
	w := strings.ToUpper(toks[i].text)
	word := func(j int) string {
		if j >= 0 && toks[j].kind == kWord {
			return strings.ToUpper(toks[j].text)
		}
		return ""
	}
	switch w {
	case "VARCHAR2", "VARCHAR", "NVARCHAR2", "CHAR", "NCHAR", "NUMBER", "FLOAT", "RAW", "UROWID", "TIMESTAMP":
		return word(i-1) == "AS"
	case "DAY", "YEAR", "HOUR", "MINUTE", "SECOND", "MONTH":
		return word(i-1) == "INTERVAL" || word(i-1) == "TO" ||
			i >= 2 && toks[i-1].kind == kString && word(i-2) == "INTERVAL"
	}
	return false
}

// oracleKeyword: words that are never a table alias, so that the word
// after a relation is read as what follows it.
func oracleKeyword(w string) bool {
	switch w {
	case "WHERE", "GROUP", "ORDER", "HAVING", "CONNECT", "START", "UNION", "INTERSECT", "MINUS",
		"EXCEPT", "FETCH", "OFFSET", "MODEL", "WINDOW", "FOR", "JOIN", "LEFT", "RIGHT", "FULL",
		"INNER", "CROSS", "NATURAL", "OUTER", "ON", "USING", "PARTITION", "SAMPLE", "AS", "PIVOT",
		"UNPIVOT", "MATCH_RECOGNIZE", "SELECT", "FROM", "WITH", "AND", "OR", "NOT", "IN", "IS",
		"LATERAL", "APPLY", "VERSIONS", "SUBPARTITION", "TABLE", "THE", "ONLY", "CONTAINERS",
		"SHARDS", "SEARCH", "CYCLE", "LIMIT", "RETURNING", "LOG", "ERRORS", "WHEN", "THEN", "ELSE",
		"END", "CASE", "BY", "DISTINCT", "UNIQUE", "ALL":
		return true
	}
	return false
}

// oracleFromEnd ends a FROM clause at its own level.
func oracleFromEnd(w string) bool {
	switch w {
	case "WHERE", "GROUP", "ORDER", "HAVING", "CONNECT", "START", "UNION", "INTERSECT", "MINUS",
		"EXCEPT", "FETCH", "OFFSET", "MODEL", "WINDOW", "FOR":
		return true
	}
	return false
}

// oracleJoinWord may stand between two table references.
func oracleJoinWord(w string) bool {
	switch w {
	case "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL", "OUTER":
		return true
	}
	return false
}

// oracleRelation reports whether an upper-case relation name may be read,
// or why not. The dictionary's families (DBA_, ALL_, USER_, CDB_, V$,
// GV$) and the views the built-in checks read are allowed, less those
// that hold statement text, program source, bind or argument values, or
// password material: those can carry another application's secrets.
func oracleRelation(name string) (ok bool, why string) {
	for _, p := range [...]string{"V$SQL", "GV$SQL", "V$OPEN_CURSOR", "GV$OPEN_CURSOR"} {
		if strings.HasPrefix(name, p) {
			return false, "holds other sessions' statement text or bind values"
		}
	}
	for _, s := range [...]string{"_HIST_SQLTEXT", "_HIST_SQLBIND", "_HIST_SQL_BIND_METADATA", "_SOURCE", "_SOURCE_AE",
		"_SCHEDULER_JOB_ARGS", "_SCHEDULER_PROGRAM_ARGS", "_JOBS", "_SCHEDULER_JOBS", "_SCHEDULER_PROGRAMS",
		"_SCHEDULER_CREDENTIALS", "_CREDENTIALS"} {
		if strings.HasSuffix(name, s) {
			return false, "holds program text, job arguments or credentials"
		}
	}
	switch name {
	case "DUAL", "DICTIONARY", "DICT", "DATABASE_PROPERTIES", "GLOBAL_NAME", "PRODUCT_COMPONENT_VERSION",
		"NLS_SESSION_PARAMETERS", "NLS_DATABASE_PARAMETERS", "NLS_INSTANCE_PARAMETERS",
		"SESSION_PRIVS", "SESSION_ROLES", "ROLE_SYS_PRIVS", "ROLE_TAB_PRIVS", "ROLE_ROLE_PRIVS",
		"AUDIT_ACTIONS", "STMT_AUDIT_OPTION_MAP", "SYSTEM_PRIVILEGE_MAP", "TABLE_PRIVILEGE_MAP",
		"AUDIT_UNIFIED_ENABLED_POLICIES", "AUDIT_UNIFIED_POLICIES", "AUDIT_UNIFIED_POLICY_COMMENTS",
		"AUDIT_UNIFIED_CONTEXTS", "UNIFIED_AUDIT_TRAIL":
		return true, ""
	}
	for _, p := range [...]string{"DBA_", "ALL_", "USER_", "CDB_", "V$", "GV$"} {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return true, ""
		}
	}
	return false, "is not a dictionary view on the allow-list"
}

// oracleSecretColumn reports whether an upper-case identifier names a
// column that holds password hashes, statement text or bind values
// (USER$.PASSWORD and SPARE4, LINK$.PASSWORDX, the audit trails' SQL_TEXT
// and SQL_BINDS...). It is refused wherever it appears.
func oracleSecretColumn(name string) bool {
	switch name {
	case "PASSWORD", "PASSWORDX", "AUTHPWDX", "SPARE4", "SQL_TEXT", "SQL_FULLTEXT", "SQL_BIND",
		"SQL_BINDS", "BINDS_XML", "VALUE_STRING", "VALUE_ANYDATA", "BIND_DATA":
		return true
	}
	return false
}

// sysContextParam reports whether SYS_CONTEXT('USERENV', p) may be read:
// facts about the session and the instance, nothing an application put
// in a context.
func sysContextParam(p string) bool {
	switch strings.ToUpper(p) {
	case "CURRENT_SCHEMA", "CURRENT_USER", "SESSION_USER", "DB_NAME", "DB_UNIQUE_NAME", "CON_NAME",
		"CON_ID", "CDB_NAME", "INSTANCE_NAME", "SERVER_HOST", "ISDBA", "DATABASE_ROLE",
		"AUTHENTICATION_METHOD", "NETWORK_PROTOCOL", "LANGUAGE", "DB_DOMAIN", "SERVICE_NAME":
		return true
	}
	return false
}

// oraIdent is an identifier token as Oracle names it: unquoted words
// upper-cased, quoted identifiers as written.
func oraIdent(t token) string {
	if t.kind == kQuoted {
		return t.text
	}
	return strings.ToUpper(t.text)
}

// oracleBlock is one query block (one SELECT) and the names its FROM
// clause declares: relations, CTE names and aliases, which qualified
// names may start with.
type oracleBlock struct {
	parent   int // index of the enclosing block, -1 for none
	isolated bool
	names    map[string]bool
}

// oracleFrame is one level of parentheses.
type oracleFrame struct {
	call  bool // a function call's arguments: FROM there is EXTRACT's or TRIM's
	base  int  // the block around the frame: a SELECT in it opens a block under base
	block int  // the block its tokens belong to now
	// inFrom: inside the FROM clause of block; wantRef: a table
	// reference comes next; afterRef: a relation was just read, so an
	// alias may follow.
	inFrom, wantRef, afterRef bool
	// mustQuery: opened where a table reference was expected, so it must
	// hold a subquery, not a parenthesised join the FROM walk would not see.
	mustQuery bool
	// inlineView: its ')' is followed by the view's alias.
	inlineView bool
}

type qualifiedRef struct {
	tok   token
	block int
}

// checkOracleAllowed applies the Oracle allow-lists to a query the generic
// checks accepted; q is the query, toks its tokens without a final ';'.
func checkOracleAllowed(q string, toks []token) error {
	if err := scanOracleNames(toks); err != nil {
		return err
	}
	ctes := leadingCTEs(toks)
	blocks := []oracleBlock{{parent: -1, names: map[string]bool{}}}
	newBlock := func(parent int, isolated bool) int {
		blocks = append(blocks, oracleBlock{parent: parent, isolated: isolated, names: map[string]bool{}})
		return len(blocks) - 1
	}
	frames := []oracleFrame{{}}
	var refs []qualifiedRef
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		f := &frames[len(frames)-1]
		inline := f.mustQuery
		if f.mustQuery {
			f.mustQuery = false
			if !(t.kind == kWord && (strings.EqualFold(t.text, "SELECT") || strings.EqualFold(t.text, "WITH")) || t.kind == kPunct && t.text == "(") {
				return refuse(t.pos, "a parenthesised FROM item must be a subquery")
			}
		}
		afterRef := f.afterRef
		f.afterRef = false
		switch t.kind {
		case kPunct:
			switch t.text {
			case "(":
				if f.wantRef || inline {
					// An inline view: Oracle lets it see no alias of
					// the blocks around it.
					f.wantRef = false
					b := newBlock(f.block, true)
					frames = append(frames, oracleFrame{base: b, block: b, mustQuery: true, inlineView: true})
					continue
				}
				frames = append(frames, oracleFrame{base: f.block, block: f.block})
			case ")":
				if len(frames) == 1 {
					return refuse(t.pos, "unbalanced ')'")
				}
				view := f.inlineView
				frames = frames[:len(frames)-1]
				frames[len(frames)-1].afterRef = view
			case ",":
				if f.inFrom {
					f.wantRef = true
				}
			case ".":
				// Names are read whole (a.b.c), so a '.' seen here follows
				// a keyword or nothing: LEFT.f(1) would be package LEFT.
				return refuse(t.pos, "'.' must join the parts of a name")
			}
			continue
		case kString, kNumber, kParam:
			if f.wantRef {
				return refuse(t.pos, "a table reference must be a name or a subquery")
			}
			continue
		}
		// A word or a quoted identifier.
		w := ""
		if t.kind == kWord {
			w = strings.ToUpper(t.text)
		}
		if t.kind == kWord && !f.wantRef {
			switch {
			case w == "SELECT":
				// Each SELECT is its own block: siblings under a set
				// operator do not see each other's aliases.
				f.call = false
				f.block = newBlock(f.base, false)
				f.inFrom = false
				continue
			case w == "FROM" && !f.call:
				f.inFrom, f.wantRef = true, true
				continue
			case w == "JOIN":
				if !f.inFrom {
					// Oracle would read a column named JOIN; refused so that
					// every JOIN the guard passes is one it walked.
					return refuse(t.pos, "JOIN outside a FROM clause")
				}
				f.wantRef = true
				continue
			case f.inFrom && (oracleJoinWord(w) || w == "ON" || w == "USING"):
				continue
			case f.inFrom && oracleFromEnd(w):
				f.inFrom = false
			}
		}
		if afterRef && f.inFrom && !f.wantRef && (t.kind == kQuoted || !oracleKeyword(w)) && !isCallOrDotted(toks, i) {
			// The alias of the relation just read.
			blocks[f.block].names[oraIdent(t)] = true
			continue
		}
		end := nameEnd(toks, i)
		parts := make([]token, 0, 3)
		for k := i; k < end; k += 2 {
			parts = append(parts, toks[k])
		}
		callNext := end < len(toks) && toks[end].kind == kPunct && toks[end].text == "("
		if f.wantRef {
			f.wantRef = false
			if err := checkOracleRelation(parts, ctes, i); err != nil {
				return err
			}
			if callNext {
				return refuse(t.pos, "table function "+clipName(oraIdent(parts[len(parts)-1]))+" is not allowed")
			}
			blocks[f.block].names[oraIdent(parts[len(parts)-1])] = true
			f.afterRef = true
			i = end - 1
			continue
		}
		if !callNext {
			if len(parts) > 1 {
				refs = append(refs, qualifiedRef{tok: parts[0], block: f.block})
			}
			i = end - 1
			continue
		}
		// Outer-join marker: t.col(+).
		if end+2 < len(toks) && toks[end+1].kind == kPunct && toks[end+1].text == "+" && toks[end+2].kind == kPunct && toks[end+2].text == ")" {
			if len(parts) > 1 {
				refs = append(refs, qualifiedRef{tok: parts[0], block: f.block})
			}
			i = end + 2
			continue
		}
		if len(parts) > 1 {
			return refuse(t.pos, "call of qualified name "+clipName(dotted(parts))+" is not allowed (PL/SQL packages and schema functions are refused)")
		}
		if t.kind == kQuoted {
			return refuse(t.pos, "call of quoted name "+clipName(t.text)+" is not allowed")
		}
		switch {
		case oracleWordBeforeParen(w, prevTok(toks, i)), oracleTypeWord(toks, i):
		case cteAt(ctes, w, i) && cteEnd(toks, i) > 0:
			// WITH t (a, b) AS (...): a column list, names only.
			i = cteEnd(toks, i) - 1
		case w == "SYS_CONTEXT":
			next, err := checkSysContext(q, toks, end)
			if err != nil {
				return err
			}
			i = next - 1
		case oracleFunction(w):
			frames = append(frames, oracleFrame{call: true, base: f.block, block: f.block})
			i = end
		default:
			return refuse(t.pos, "function "+clipName(w)+" is not on the Oracle allow-list")
		}
	}
	for _, r := range refs {
		if !blockSees(blocks, r.block, oraIdent(r.tok)) {
			n := clipName(oraIdent(r.tok))
			return refuse(r.tok.pos, "qualifier "+n+" is not a table alias or relation of its query (Oracle would read "+n+".name as a package function or another schema's object)")
		}
	}
	return nil
}

// scanOracleNames refuses database links, star projections and the
// identifiers no query may hold.
func scanOracleNames(toks []token) error {
	for i, t := range toks {
		switch {
		case t.kind == kPunct && t.text == "@":
			return refuse(t.pos, "database links (@) are not allowed")
		case t.kind == kPunct && t.text == "*" && i > 0:
			p := toks[i-1]
			pw := ""
			if p.kind == kWord {
				pw = strings.ToUpper(p.text)
			}
			if pw == "SELECT" || pw == "DISTINCT" || pw == "UNIQUE" || pw == "ALL" || p.kind == kPunct && p.text == "." {
				return refuse(t.pos, "SELECT * is not allowed: name the columns")
			}
		case t.kind == kWord || t.kind == kQuoted:
			for k := 0; k < len(t.text); k++ {
				if t.text[k] >= 0x80 {
					return refuse(t.pos, "non-ASCII identifiers are not allowed")
				}
			}
			n := oraIdent(t)
			if n == "" {
				return refuse(t.pos, "empty quoted identifier")
			}
			if strings.Contains(n, "$") && !strings.HasPrefix(n, "V$") && !strings.HasPrefix(n, "GV$") {
				return refuse(t.pos, "name "+clipName(n)+" is not allowed (SYS base tables and X$ fixed tables)")
			}
			if oracleSecretColumn(n) {
				return refuse(t.pos, "column "+n+" holds secrets and may not be read")
			}
		}
	}
	return nil
}

// leadingCTEs returns the names the statement's leading WITH clause
// defines, each with the index of its defining token. Only that clause
// is read: a WITH inside a subquery defines nothing here, so its names
// are refused as relations (fail closed), and a name is a CTE only after
// its definition starts, as Oracle scopes it (a CTE may use itself and
// earlier ones; before that the name is a table's).
func leadingCTEs(toks []token) map[string]int {
	ctes := map[string]int{}
	i := 0
	for i < len(toks) && toks[i].kind == kPunct && toks[i].text == "(" {
		i++
	}
	if i >= len(toks) || toks[i].kind != kWord || !strings.EqualFold(toks[i].text, "WITH") {
		return ctes
	}
	i++
	for i < len(toks) {
		as := cteEnd(toks, i)
		if as == 0 {
			return ctes
		}
		if _, dup := ctes[oraIdent(toks[i])]; !dup {
			ctes[oraIdent(toks[i])] = i
		}
		// Past the body's parentheses.
		k, depth := as+1, 0
		for ; k < len(toks); k++ {
			if toks[k].kind == kPunct && toks[k].text == "(" {
				depth++
			} else if toks[k].kind == kPunct && toks[k].text == ")" {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		k++
		if k < len(toks) && toks[k].kind == kPunct && toks[k].text == "," {
			i = k + 1
			continue
		}
		return ctes
	}
	return ctes
}

// cteAt reports whether toks[i] is the defining name of a CTE.
func cteAt(ctes map[string]int, name string, i int) bool {
	at, ok := ctes[name]
	return ok && at == i
}

// isCallOrDotted reports whether the name at i is followed by '(' or '.'.
func isCallOrDotted(toks []token, i int) bool {
	return i+1 < len(toks) && toks[i+1].kind == kPunct && (toks[i+1].text == "(" || toks[i+1].text == ".")
}

// blockSees reports whether name is declared in block b or, unless b is
// an inline view, in a block around it.
func blockSees(blocks []oracleBlock, b int, name string) bool {
	for b >= 0 {
		if blocks[b].names[name] {
			return true
		}
		if blocks[b].isolated {
			return false
		}
		b = blocks[b].parent
	}
	return false
}

// checkOracleRelation accepts a FROM item's name at token index use: an
// allowed dictionary view, bare or qualified with SYS, or a CTE of the
// leading WITH clause defined before use (bare).
func checkOracleRelation(parts []token, ctes map[string]int, use int) error {
	name := oraIdent(parts[len(parts)-1])
	switch len(parts) {
	case 1:
		if at, ok := ctes[name]; ok && at < use {
			return nil
		}
	case 2:
		if oraIdent(parts[0]) != "SYS" {
			return refuse(parts[0].pos, "relation "+clipName(dotted(parts))+" is not allowed: only SYS may qualify a dictionary view")
		}
	default:
		return refuse(parts[0].pos, "relation "+clipName(dotted(parts))+" is not allowed")
	}
	if ok, why := oracleRelation(name); !ok {
		return refuse(parts[len(parts)-1].pos, "relation "+clipName(name)+" "+why)
	}
	return nil
}

// checkSysContext accepts SYS_CONTEXT('USERENV', 'param'[, length]) with
// a listed parameter; open is the index of '('. It returns the index after
// the closing ')'.
func checkSysContext(q string, toks []token, open int) (int, error) {
	at := toks[open-1].pos
	bad := refuse(at, "SYS_CONTEXT is allowed only as SYS_CONTEXT('USERENV', 'parameter') with a listed parameter")
	k := open + 1
	if k+2 >= len(toks) || toks[k].kind != kString || toks[k+1].kind != kPunct || toks[k+1].text != "," || toks[k+2].kind != kString {
		return 0, bad
	}
	ns, ok1 := plainString(q, toks[k].pos)
	param, ok2 := plainString(q, toks[k+2].pos)
	if !ok1 || !ok2 || !strings.EqualFold(ns, "USERENV") || !sysContextParam(param) {
		return 0, bad
	}
	k += 3
	if k+1 < len(toks) && toks[k].kind == kPunct && toks[k].text == "," && toks[k+1].kind == kNumber {
		k += 2
	}
	if k >= len(toks) || toks[k].kind != kPunct || toks[k].text != ")" {
		return 0, bad
	}
	return k + 1, nil
}

// plainString reads the value of the '...' literal at pos; ok is false
// for any other kind of literal (q'...', N'...').
func plainString(q string, pos int) (string, bool) {
	if pos >= len(q) || q[pos] != '\'' {
		return "", false
	}
	end, err := quoted(q, pos, '\'', false)
	if err != nil {
		return "", false
	}
	return strings.ReplaceAll(q[pos+1:end-1], "''", "'"), true
}

// nameEnd returns the index after the dotted name starting at i.
func nameEnd(toks []token, i int) int {
	j := i + 1
	for j+1 < len(toks) && toks[j].kind == kPunct && toks[j].text == "." && (toks[j+1].kind == kWord || toks[j+1].kind == kQuoted) {
		j += 2
	}
	return j
}

// cteEnd returns, when toks[i] names a CTE (name AS ( or name ( a, b )
// AS (), the index of the AS; 0 otherwise.
func cteEnd(toks []token, i int) int {
	if !(toks[i].kind == kWord || toks[i].kind == kQuoted) {
		return 0
	}
	j := i + 1
	if j < len(toks) && toks[j].kind == kPunct && toks[j].text == "(" {
		j++
		for j < len(toks) && (toks[j].kind == kWord || toks[j].kind == kQuoted) {
			j++
			if j < len(toks) && toks[j].kind == kPunct && toks[j].text == "," {
				j++
				continue
			}
			break
		}
		if j >= len(toks) || toks[j].kind != kPunct || toks[j].text != ")" {
			return 0
		}
		j++
	}
	if j+1 < len(toks) && toks[j].kind == kWord && strings.EqualFold(toks[j].text, "AS") && toks[j+1].kind == kPunct && toks[j+1].text == "(" {
		return j
	}
	return 0
}

func prevTok(toks []token, i int) token {
	if i == 0 {
		return token{}
	}
	return toks[i-1]
}

func dotted(parts []token) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = oraIdent(p)
	}
	return strings.Join(s, ".")
}
