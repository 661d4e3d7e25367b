package sqlguard

import (
	"strings"
)

// The MySQL and MariaDB dialect (lexer: mysql_lex.go). A query is one
// SELECT or WITH ... SELECT, checked against allow-lists in every reading
// its executable comments allow; everything else is refused before the
// query reaches the server, with the name in the error. The rules, and
// why:
//
//   - SHOW and the other statements are refused: everything a scan needs
//     from SHOW VARIABLES, SHOW GRANTS or SHOW STATUS is in
//     information_schema and performance_schema, and one statement kind is
//     one grammar to get right.
//   - INTO anywhere (INTO OUTFILE and INTO DUMPFILE write server files,
//     INTO @var sets variables), OUTFILE, DUMPFILE, LOCK (LOCK IN SHARE
//     MODE), PROCEDURE (PROCEDURE ANALYSE), NEXT/PREVIOUS VALUE FOR (MariaDB
//     sequences) and FOR anywhere but in SUBSTRING(s FROM i FOR n) (FOR
//     UPDATE, FOR SHARE) are refused as words, so a column so named must be
//     backquoted.
//   - User variables (@v, @'v') and ":=" are refused, and so are a
//     backslash, '$', '?', '{' and '}' outside strings and names ($f would
//     be a name the guard does not see as one); so is TABLE (the MySQL 8
//     statement, also after UNION). System variables (@@v, @@global.v,
//     @@session.v) may be read.
//   - A call is an unquoted, unqualified name directly followed by '(' that
//     mysqlFunction lists: built-in functions without side effects. A
//     qualified (db.f()), backquoted (`f`()) or spaced (f ()) name before
//     '(' is how MySQL reaches stored and user-defined functions, and is
//     refused. GET_LOCK and the other lock functions, SLEEP, BENCHMARK,
//     LOAD_FILE, the replication waits and every unknown name are not on
//     the list; mysqlDenied names why for the known ones.
//   - FROM and JOIN name only schema-qualified relations of
//     information_schema, performance_schema and mysql (the latter spelled
//     in lower case, as the server's own database is), the query's CTEs or
//     DUAL, or a subquery; mysql.global_priv (password hashes), the general
//     and slow query logs (statement text) are refused, and so are the
//     column names authentication_string and password wherever they
//     stand, and SELECT * / t.*, so that no hash comes back unnamed.
//   - A string directly before '(' or '.' is refused: with ANSI_QUOTES a
//     "..." would be a name. The collector pins sql_mode without it; this
//     keeps a misread harmless.

// mysqlFunction reports whether an upper-case name is a MySQL or MariaDB
// built-in function without side effects.
func mysqlFunction(name string) bool {
	switch name {
	// String.
	case "ASCII", "BIN", "BIT_LENGTH", "CHAR", "CHAR_LENGTH", "CHARACTER_LENGTH", "CONCAT",
		"CONCAT_WS", "ELT", "FIELD", "FIND_IN_SET", "FORMAT", "HEX", "INSTR", "LCASE", "LEFT",
		"LENGTH", "LOCATE", "LOWER", "LPAD", "LTRIM", "MID", "OCT", "OCTET_LENGTH", "ORD",
		"POSITION", "QUOTE", "REPEAT", "REPLACE", "REVERSE", "RIGHT", "RPAD", "RTRIM", "SPACE",
		"STRCMP", "SUBSTR", "SUBSTRING", "SUBSTRING_INDEX", "TRIM", "UCASE", "UNHEX", "UPPER",
		"REGEXP_LIKE", "REGEXP_INSTR", "REGEXP_REPLACE", "REGEXP_SUBSTR", "COLLATION", "CHARSET",
		"COERCIBILITY", "WEIGHT_STRING":
		return true
	// Numeric.
	case "ABS", "CEIL", "CEILING", "CONV", "FLOOR", "GREATEST", "LEAST", "MOD", "POW", "POWER",
		"ROUND", "SIGN", "SQRT", "TRUNCATE", "EXP", "LN", "LOG", "LOG10", "LOG2":
		return true
	// Conversion, comparison and control flow.
	case "CAST", "CONVERT", "COALESCE", "IF", "IFNULL", "NULLIF", "ISNULL", "NVL", "INTERVAL",
		"BINARY":
		return true
	// Date and time.
	case "NOW", "CURDATE", "CURTIME", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
		"UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "UNIX_TIMESTAMP", "FROM_UNIXTIME", "DATE",
		"TIME", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "DATE_FORMAT", "TIME_FORMAT",
		"DATE_ADD", "DATE_SUB", "ADDDATE", "SUBDATE", "DATEDIFF", "TIMEDIFF", "TIMESTAMPDIFF",
		"TIMESTAMPADD", "STR_TO_DATE", "SEC_TO_TIME", "TIME_TO_SEC", "TO_DAYS", "TO_SECONDS",
		"EXTRACT", "LAST_DAY", "DAYOFWEEK", "DAYOFMONTH", "DAYOFYEAR", "WEEKDAY", "TIMESTAMP":
		return true
	// Aggregate and window.
	case "COUNT", "SUM", "MIN", "MAX", "AVG", "GROUP_CONCAT", "BIT_AND", "BIT_OR", "BIT_XOR",
		"STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP",
		"JSON_ARRAYAGG", "JSON_OBJECTAGG", "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD",
		"FIRST_VALUE", "LAST_VALUE", "NTH_VALUE", "NTILE", "PERCENT_RANK", "CUME_DIST":
		return true
	// The session and server.
	case "VERSION", "DATABASE", "SCHEMA", "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER",
		"CONNECTION_ID", "CURRENT_ROLE":
		return true
	// JSON values.
	case "JSON_EXTRACT", "JSON_UNQUOTE", "JSON_CONTAINS", "JSON_CONTAINS_PATH", "JSON_LENGTH",
		"JSON_TYPE", "JSON_VALID", "JSON_KEYS", "JSON_VALUE", "JSON_OBJECT", "JSON_ARRAY",
		"JSON_SEARCH", "JSON_QUOTE", "JSON_DEPTH":
		return true
	// Addresses and hashes of values.
	case "INET_ATON", "INET_NTOA", "INET6_ATON", "INET6_NTOA", "IS_IPV4", "IS_IPV6", "MD5",
		"SHA1", "SHA2", "CRC32":
		return true
	}
	return false
}

// mysqlDenied says why a known function is refused, or "". Only the
// refusal's wording depends on it: mysqlFunction alone decides.
func mysqlDenied(name string) string {
	switch name {
	case "SLEEP", "BENCHMARK":
		return "makes the server wait or burn time"
	case "GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_FREE_LOCK", "IS_USED_LOCK":
		return "takes or inspects named locks"
	case "LOAD_FILE":
		return "reads a server file"
	case "MASTER_POS_WAIT", "SOURCE_POS_WAIT", "MASTER_GTID_WAIT", "WAIT_FOR_EXECUTED_GTID_SET",
		"WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS":
		return "waits for replication"
	case "LAST_INSERT_ID", "SETVAL", "NEXTVAL", "LASTVAL":
		return "sets or advances session or sequence state"
	case "NAME_CONST", "JSON_TABLE", "VALUES":
		return "is not needed by a scan"
	case "SYS_EXEC", "SYS_EVAL", "SYS_GET", "SYS_SET":
		return "is a user-defined function that runs commands"
	case "PASSWORD", "OLD_PASSWORD", "ENCRYPT", "AES_DECRYPT", "DES_DECRYPT", "DECODE":
		return "handles passwords or keys"
	}
	return ""
}

// mysqlSyntaxWord is a keyword that may stand before '(' without being a
// call.
func mysqlSyntaxWord(w string) bool {
	switch w {
	case "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "XOR", "IN", "EXISTS", "ANY", "SOME", "ALL",
		"AS", "ON", "USING", "JOIN", "STRAIGHT_JOIN", "LATERAL", "WHEN", "THEN", "ELSE", "CASE",
		"BY", "OVER", "IS", "LIKE", "RLIKE", "REGEXP", "BETWEEN", "HAVING", "DISTINCT", "WITH",
		"RECURSIVE", "UNION", "INTERSECT", "EXCEPT", "ROW", "ESCAPE", "DIV", "END", "ASC", "DESC":
		return true
	}
	return false
}

// mysqlTypeWord is a type that takes a length in CAST(x AS CHAR(10)) and
// CONVERT(x, DECIMAL(10,2)).
func mysqlTypeWord(w string) bool {
	switch w {
	case "CHAR", "NCHAR", "VARCHAR", "BINARY", "DECIMAL", "DEC", "NUMERIC", "FLOAT", "DOUBLE",
		"DATETIME", "TIME", "TIMESTAMP":
		return true
	}
	return false
}

// mysqlSecretName is a column that holds a password hash.
func mysqlSecretName(n string) bool {
	switch strings.ToLower(n) {
	case "authentication_string", "password":
		return true
	}
	return false
}

// mysqlRelation says whether schema.name may be read, and why not.
func mysqlRelation(schema, name string) (bool, string) {
	switch strings.ToLower(schema) {
	case "information_schema", "performance_schema":
		return true, ""
	}
	if schema != "mysql" {
		return false, "only relations of information_schema, performance_schema and mysql are"
	}
	switch strings.ToLower(name) {
	case "global_priv":
		return false, "it holds password hashes"
	case "general_log", "slow_log":
		return false, "it holds statement text"
	}
	return true, ""
}

// myFrame is one level of parentheses.
type myFrame struct {
	from   bool   // inside this level's FROM clause: a comma starts a relation
	joined bool   // a parenthesized joined table
	opener string // the function whose arguments these are, upper case; "" otherwise
}

// argsFrom are the functions whose syntax uses FROM (and FOR) between
// arguments.
func argsFrom(w string) bool {
	switch w {
	case "EXTRACT", "SUBSTRING", "SUBSTR", "TRIM":
		return true
	}
	return false
}

// checkMySQL checks every reading of a MySQL query.
func checkMySQL(q string) error {
	toks, n, err := lexMySQL(q)
	if err != nil {
		return err
	}
	for _, r := range readings(toks, n) {
		if err := checkMySQLReading(q, r); err != nil {
			return err
		}
	}
	return nil
}

// checkMySQLReading checks one token list the server may see.
func checkMySQLReading(q string, toks []token) error {
	if k := len(toks); k > 0 && isPunct(toks[k-1], ";") {
		toks = toks[:k-1]
	}
	for _, t := range toks {
		if isPunct(t, ";") {
			return refuse(t.pos, "more than one statement")
		}
	}
	if len(toks) == 0 {
		return refuse(0, "no statement")
	}
	if err := checkLead(toks); err != nil {
		return err
	}
	ctes, defs := mysqlCTEs(toks)
	stack := []myFrame{{}}
	expectRel := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		top := &stack[len(stack)-1]
		switch t.kind {
		case kPunct:
			switch t.text {
			case "(":
				if err := checkMySQLCall(toks, i, defs); err != nil {
					return err
				}
				f := myFrame{}
				if i > 0 && toks[i-1].kind == kWord {
					if w := strings.ToUpper(toks[i-1].text); argsFrom(w) {
						f.opener = w
					}
				}
				if expectRel && !(i+1 < len(toks) && (isWord(toks[i+1], "select") || isWord(toks[i+1], "with"))) {
					f.joined, f.from = true, true
				}
				if !f.joined {
					expectRel = false
				}
				stack = append(stack, f)
				continue
			case ")":
				if len(stack) == 1 {
					return refuse(t.pos, "unbalanced )")
				}
				stack = stack[:len(stack)-1]
				expectRel = false
				continue
			case ",":
				expectRel = top.from
				if err := checkStar(toks, i+1); err != nil {
					return err
				}
				continue
			case "@":
				if i+1 < len(toks) && isPunct(toks[i+1], "@") && toks[i+1].pos == t.pos+1 &&
					i+2 < len(toks) && toks[i+2].kind == kWord && toks[i+2].pos == t.pos+2 {
					// @@name, @@global.name: a system variable, read.
					_, next := chainAt(toks, i+2)
					i = next - 1
					expectRel = false
					continue
				}
				return refuse(t.pos, "user variables (@name) are not accepted")
			case ":":
				return refuse(t.pos, "assignments (:=) are not accepted")
			case "\\", "{", "}", "?", "$":
				return refuse(t.pos, "'"+t.text+"' outside a string is not accepted")
			case ".":
				if err := checkStar(toks, i+1); err != nil {
					return err
				}
			}
			expectRel = false
		case kString, kNumber:
			if t.kind == kString && i+1 < len(toks) && (isPunct(toks[i+1], "(") || isPunct(toks[i+1], ".")) {
				return refuse(t.pos, "a string before '(' or '.' is not accepted")
			}
			expectRel = false
		case kWord, kQuoted:
			if t.kind == kWord {
				w := strings.ToUpper(t.text)
				call := i+1 < len(toks) && isPunct(toks[i+1], "(")
				switch w {
				case "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT":
					return refuse(t.pos, "data-modifying "+w+" is not allowed")
				case "REPLACE":
					if !call {
						return refuse(t.pos, "data-modifying REPLACE is not allowed")
					}
				case "INTO":
					return refuse(t.pos, "INTO is not allowed (INTO OUTFILE and INTO DUMPFILE write server files, INTO @var sets variables)")
				case "OUTFILE", "DUMPFILE":
					return refuse(t.pos, w+" is not allowed: it writes a server file")
				case "LOCK":
					return refuse(t.pos, "locking reads (LOCK IN SHARE MODE) are not allowed")
				case "FOR":
					if top.opener != "SUBSTRING" && top.opener != "SUBSTR" {
						return refuse(t.pos, "FOR is not allowed outside SUBSTRING(... FOR n): FOR UPDATE and FOR SHARE are locking reads")
					}
				case "TABLE":
					return refuse(t.pos, "TABLE is not allowed: name the relation in FROM")
				case "PROCEDURE", "HANDLER":
					return refuse(t.pos, w+" is not allowed")
				case "NEXT", "PREVIOUS", "NEXTVAL", "LASTVAL", "SETVAL":
					if w == "NEXT" || w == "PREVIOUS" {
						if i+1 < len(toks) && isWord(toks[i+1], "value") {
							return refuse(t.pos, w+" VALUE FOR reads or advances a sequence")
						}
					}
				case "FROM":
					if top.opener == "" {
						top.from, expectRel = true, true
						continue
					}
				case "JOIN", "STRAIGHT_JOIN":
					expectRel = true
					continue
				case "LATERAL":
					if expectRel {
						continue
					}
				case "SELECT", "DISTINCT", "ALL", "DISTINCTROW":
					if w == "SELECT" {
						top.from, expectRel = false, false
					}
					if err := checkStar(toks, i+1); err != nil {
						return err
					}
					continue
				case "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT":
					top.from, expectRel = false, false
					continue
				}
			}
			comps, next := rawChainAt(toks, i)
			for _, c := range comps {
				if mysqlSecretName(c) {
					return refuse(t.pos, "column "+clipName(c)+" is not allowed: it holds password hashes")
				}
			}
			if expectRel && !(next < len(toks) && isPunct(toks[next], "(")) {
				if err := checkMySQLRelation(toks[i], comps, ctes); err != nil {
					return err
				}
			}
			expectRel = false
			i = next - 1
		}
	}
	if len(stack) != 1 {
		return refuse(len(q), "unbalanced parentheses")
	}
	return nil
}

// checkStar refuses a '*' at toks[i] that selects every column (after
// SELECT, DISTINCT, ',' or '.'); COUNT(*) and a * b are left alone.
func checkStar(toks []token, i int) error {
	if i < len(toks) && isPunct(toks[i], "*") {
		return refuse(toks[i].pos, "* is not accepted: name the columns, so that no secret column comes back unnamed")
	}
	return nil
}

// checkMySQLRelation checks a name read where FROM or JOIN expects a
// relation.
func checkMySQLRelation(t token, comps []string, ctes map[string]bool) error {
	full := strings.Join(comps, ".")
	for _, c := range comps {
		if !isASCII(c) {
			return refuse(t.pos, "relation "+clipName(full)+" is not allowed: names must be ASCII")
		}
	}
	switch len(comps) {
	case 1:
		if ctes[strings.ToLower(comps[0])] || t.kind == kWord && strings.EqualFold(comps[0], "dual") {
			return nil
		}
		return refuse(t.pos, "relation "+clipName(full)+" is not allowed: name it as information_schema.x, performance_schema.x or mysql.x")
	case 2:
		if ok, why := mysqlRelation(comps[0], comps[1]); !ok {
			return refuse(t.pos, "relation "+clipName(full)+" is not allowed: "+why)
		}
		return nil
	}
	return refuse(t.pos, "relation "+clipName(full)+" is not allowed: name it as schema.relation")
}

// checkMySQLCall checks what stands before the '(' at toks[i].
func checkMySQLCall(toks []token, i int, defs map[int]bool) error {
	if i == 0 {
		return nil
	}
	p := toks[i-1]
	if p.kind == kQuoted {
		if defs[i-1] {
			return nil // WITH `c`(a, b) AS (...)
		}
		return refuse(p.pos, "a quoted name before '(' calls a stored or user-defined function")
	}
	if p.kind != kWord {
		return nil
	}
	w := strings.ToUpper(p.text)
	var before token
	if i >= 2 {
		before = toks[i-2]
	}
	switch {
	case mysqlSyntaxWord(w):
		return nil
	case mysqlTypeWord(w) && (isWord(before, "as") || isPunct(before, ",")):
		return nil // CAST(x AS CHAR(10)), CONVERT(x, DECIMAL(10, 2))
	case defs[i-1]:
		return nil // WITH c(a, b) AS (...)
	case isPunct(before, "."):
		return refuse(p.pos, "a qualified call (db.f(...)) calls a stored function")
	}
	if !isASCII(p.text) {
		// Upper-casing could turn a stored function's name into a
		// built-in's ("abſ" is "ABS").
		return refuse(p.pos, "a function name must be ASCII")
	}
	if p.pos+len(p.text) != toks[i].pos {
		return refuse(p.pos, "a space between "+clipName(w)+" and '(' makes the server look for a stored function")
	}
	if why := mysqlDenied(w); why != "" {
		return refuse(p.pos, "function "+clipName(w)+" "+why)
	}
	if !mysqlFunction(w) {
		return refuse(p.pos, "function "+clipName(w)+" is not on the allow-list of built-in functions")
	}
	return nil
}

// rawChainAt reads a dotted name starting at toks[i] as written (MySQL
// database names are case-sensitive): its components and the index after
// it.
func rawChainAt(toks []token, i int) ([]string, int) {
	comps := []string{toks[i].text}
	j := i + 1
	for j+1 < len(toks) && isPunct(toks[j], ".") && isName(toks[j+1]) {
		comps = append(comps, toks[j+1].text)
		j += 2
	}
	return comps, j
}

// mysqlCTEs reads every WITH clause strictly: WITH [RECURSIVE] name
// [(columns)] AS (query) [, ...]. It returns the names defined (lower
// case) and the indexes of the defining tokens, so that only a name at
// such a place may stand before a column list.
func mysqlCTEs(toks []token) (map[string]bool, map[int]bool) {
	names, defs := map[string]bool{}, map[int]bool{}
	skip := func(j int) int { // past the ')' matching the '(' at j
		depth := 0
		for ; j < len(toks); j++ {
			switch {
			case isPunct(toks[j], "("):
				depth++
			case isPunct(toks[j], ")"):
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return j
	}
	for i := range toks {
		if !isWord(toks[i], "with") {
			continue
		}
		j := i + 1
		if j < len(toks) && isWord(toks[j], "recursive") {
			j++
		}
		for j < len(toks) && isName(toks[j]) {
			def := j
			j++
			if j < len(toks) && isPunct(toks[j], "(") {
				j = skip(j)
			}
			if !(j+1 < len(toks) && isWord(toks[j], "as") && isPunct(toks[j+1], "(")) {
				break
			}
			names[strings.ToLower(toks[def].text)], defs[def] = true, true
			j = skip(j + 1)
			if j < len(toks) && isPunct(toks[j], ",") {
				j++
				continue
			}
			break
		}
	}
	return names, defs
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
