package sqlguard

import "strings"

// kind is the class of a significant token. Comments and whitespace are
// dropped by the lexer; string literals keep only their position.
type kind int

const (
	kWord   kind = iota + 1 // unquoted keyword or identifier, as written
	kQuoted                 // quoted identifier, unquoted text in text
	kString                 // any string literal (plain, E, U&, dollar, q-quote)
	kNumber                 // numeric literal
	kParam                  // $1
	kPunct                  // one byte of punctuation or operator
)

type token struct {
	kind kind
	text string // word as written; quoted identifier's name; punct byte
	pos  int    // byte offset in the query
	cond int    // MySQL: the executable comment (1-based) the token is in, 0 outside
}

// lex splits a query into significant tokens the way the dialect's server
// does, so that the text outside literals and comments is exactly what the
// server parses as SQL. Anything the server would read differently (an
// unterminated literal or comment, a construct whose meaning we do not
// model) is an error: the guard fails closed.
func lex(d Dialect, q string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			// Line comment: to the end of the line (PostgreSQL also ends
			// it at \r).
			j := strings.IndexAny(q[i:], "\n\r")
			if j < 0 {
				i = len(q)
			} else {
				i += j
			}
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			end, err := blockComment(d, q, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == '\'':
			end, err := quoted(q, i, '\'', false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: kString, pos: i})
			i = end
		case c == '"':
			end, err := quoted(q, i, '"', false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: kQuoted, text: strings.ReplaceAll(q[i+1:end-1], `""`, `"`), pos: i})
			i = end
		case d == PostgreSQL && c == '$':
			end, tok, err := dollar(q, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = end
		case isDigit(c) || (c == '.' && i+1 < len(q) && isDigit(q[i+1])):
			end := number(q, i)
			toks = append(toks, token{kind: kNumber, text: q[i:end], pos: i})
			i = end
		case isIdentStart(c):
			end := i + 1
			for end < len(q) && isIdentCont(d, q[end]) {
				end++
			}
			word := q[i:end]
			next, tok, handled, err := prefixedLiteral(d, q, i, end, word)
			if err != nil {
				return nil, err
			}
			if handled {
				toks = append(toks, tok)
				i = next
				continue
			}
			toks = append(toks, token{kind: kWord, text: word, pos: i})
			i = end
		default:
			toks = append(toks, token{kind: kPunct, text: q[i : i+1], pos: i})
			i++
		}
	}
	return toks, nil
}

// blockComment returns the offset just past the comment that starts at i.
// PostgreSQL nests block comments; Oracle ends one at the first "*/".
func blockComment(d Dialect, q string, i int) (int, error) {
	depth := 0
	j := i
	for j < len(q) {
		switch {
		case d == PostgreSQL && q[j] == '/' && j+1 < len(q) && q[j+1] == '*':
			depth++
			j += 2
		case d != PostgreSQL && q[j] == '/' && j+1 < len(q) && q[j+1] == '*' && depth == 0:
			depth = 1
			j += 2
		case q[j] == '*' && j+1 < len(q) && q[j+1] == '/':
			depth--
			j += 2
			if depth == 0 {
				return j, nil
			}
		default:
			j++
		}
	}
	return 0, refuse(i, "unterminated block comment")
}

// quoted returns the offset just past a literal or identifier delimited by
// quote and starting at i; a doubled quote stands for one. With backslash,
// a backslash escapes the next byte (PostgreSQL E'...' strings).
func quoted(q string, i int, quote byte, backslash bool) (int, error) {
	j := i + 1
	for j < len(q) {
		switch {
		case backslash && q[j] == '\\':
			j += 2
		case q[j] == quote:
			if j+1 < len(q) && q[j+1] == quote {
				j += 2
				continue
			}
			return j + 1, nil
		default:
			j++
		}
	}
	what := "string literal"
	if quote == '"' {
		what = "quoted identifier"
	}
	return 0, refuse(i, "unterminated "+what)
}

// dollar reads what starts with '$' in PostgreSQL: a positional parameter,
// a dollar-quoted string, or a lone '$' (which the server rejects).
func dollar(q string, i int) (int, token, error) {
	j := i + 1
	if j < len(q) && isDigit(q[j]) {
		for j < len(q) && isDigit(q[j]) {
			j++
		}
		return j, token{kind: kParam, text: q[i:j], pos: i}, nil
	}
	if j < len(q) && isIdentStart(q[j]) {
		for j < len(q) && isIdentStart(q[j]) || j < len(q) && isDigit(q[j]) {
			j++
		}
	}
	if j >= len(q) || q[j] != '$' {
		return i + 1, token{kind: kPunct, text: "$", pos: i}, nil
	}
	delim := q[i : j+1]
	body := j + 1
	k := strings.Index(q[body:], delim)
	if k < 0 {
		return 0, token{}, refuse(i, "unterminated dollar-quoted string")
	}
	return body + k + len(delim), token{kind: kString, pos: i}, nil
}

// number returns the end of a numeric literal: digits, an optional
// fraction and an optional exponent. Letters after it are left to the next
// token, as PostgreSQL 15 and Oracle do.
func number(q string, i int) int {
	j := i
	for j < len(q) && isDigit(q[j]) {
		j++
	}
	if j < len(q) && q[j] == '.' && !(j+1 < len(q) && q[j+1] == '.') {
		j++
		for j < len(q) && isDigit(q[j]) {
			j++
		}
	}
	if j < len(q) && (q[j] == 'e' || q[j] == 'E') {
		k := j + 1
		if k < len(q) && (q[k] == '+' || q[k] == '-') {
			k++
		}
		if k < len(q) && isDigit(q[k]) {
			for k < len(q) && isDigit(q[k]) {
				k++
			}
			j = k
		}
	}
	return j
}

// prefixedLiteral handles a word that introduces a literal: E'...' and
// U&'...' / U&"..." in PostgreSQL, q'[...]' and nq'[...]' in Oracle.
// handled is false when word is an ordinary word.
func prefixedLiteral(d Dialect, q string, start, end int, word string) (next int, tok token, handled bool, err error) {
	lw := strings.ToLower(word)
	switch d {
	case PostgreSQL:
		if lw == "e" && end < len(q) && q[end] == '\'' {
			next, err := quoted(q, end, '\'', true)
			return next, token{kind: kString, pos: start}, true, err
		}
		if lw == "u" && end+1 < len(q) && q[end] == '&' && q[end+1] == '"' {
			// The name behind Unicode escapes is not what is written, so
			// a deny-listed function could hide behind it.
			return 0, token{}, true, refuse(start, `Unicode-escaped identifiers (U&"...") are not accepted`)
		}
	case Oracle:
		if (lw == "q" || lw == "nq") && end < len(q) && q[end] == '\'' {
			next, err := oracleQ(q, start, end)
			return next, token{kind: kString, pos: start}, true, err
		}
	}
	return 0, token{}, false, nil
}

// oracleQ reads Oracle's alternative quoting q'<d>...<d>'; quote is the
// offset of the opening quote.
func oracleQ(q string, start, quote int) (int, error) {
	if quote+1 >= len(q) {
		return 0, refuse(start, "unterminated q-quoted string")
	}
	open := q[quote+1]
	if open == ' ' || open == '\t' || open == '\n' || open == '\r' || open == '\'' {
		return 0, refuse(start, "invalid q-quote delimiter")
	}
	closer := open
	switch open {
	case '[':
		closer = ']'
	case '{':
		closer = '}'
	case '(':
		closer = ')'
	case '<':
		closer = '>'
	}
	k := strings.Index(q[quote+2:], string([]byte{closer, '\''}))
	if k < 0 {
		return 0, refuse(start, "unterminated q-quoted string")
	}
	return quote + 2 + k + 2, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isIdentStart: letters, underscore and every non-ASCII byte (both servers
// accept non-ASCII letters in identifiers).
func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(d Dialect, c byte) bool {
	if isIdentStart(c) || isDigit(c) || c == '$' {
		return true
	}
	return d == Oracle && c == '#'
}
