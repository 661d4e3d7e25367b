package sqlguard

import "strings"

// The MySQL and MariaDB lexer. It reads a query as the server does in the
// session the mysql collector pins (sql_mode without ANSI_QUOTES and
// without NO_BACKSLASH_ESCAPES, character_set_client utf8mb4):
//
//   - '...' and "..." are strings; a backslash escapes the next byte and
//     a doubled quote stands for one;
//   - `...` is an identifier, a doubled backquote standing for one;
//   - '#' and "-- " (two dashes and a space or control character, or the
//     end of the query) start comments to the end of the line; "--1" is
//     two minus signs, as the server reads it;
//   - /* ... */ is a comment, not nested; one holding "/*" is refused;
//   - /*! ... */, /*!NNNNN ... */ and /*M! ... */, /*M!NNNNNN ... */ are
//     executable comments: the server runs their content (always, or when
//     its version is at least NNNNN; MySQL ignores /*M!). Their content is
//     lexed as code, each token marked with the comment it came from
//     (token.cond), so that the checker can check every reading: with and
//     without each comment's code. Inside one, anything whose end the two
//     readings would disagree on ("*/" in a string, a line comment, a
//     nested comment) is refused;
//   - /*+ ... */ optimizer hints are refused: SET_VAR and
//     MAX_EXECUTION_TIME hints change the pinned session for the statement;
//   - a digit-led run holding letters (1abc) is an identifier, as MySQL
//     reads it, except hexadecimal (0x1F), binary (0b01) and exponent
//     forms.

// maxExecComments bounds the executable comments of one query: each
// doubles the readings the checker goes through.
const maxExecComments = 4

func lexMySQL(q string) ([]token, int, error) {
	var toks []token
	cond, nCond := 0, 0 // cond: the executable comment being read (1-based), 0 outside
	i := 0
	add := func(t token) {
		t.cond = cond
		toks = append(toks, t)
	}
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case cond > 0 && c == '*' && i+1 < len(q) && q[i+1] == '/':
			cond = 0
			i += 2
		case c == '#' || c == '-' && i+1 < len(q) && q[i+1] == '-' && (i+2 >= len(q) || q[i+2] <= ' ' || q[i+2] == 0x7f):
			if cond > 0 {
				return nil, 0, refuse(i, "a line comment inside an executable comment is not accepted")
			}
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				i = len(q)
			} else {
				i += j
			}
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			if cond > 0 {
				return nil, 0, refuse(i, "a comment inside an executable comment is not accepted")
			}
			body, exec, err := mysqlCommentStart(q, i)
			if err != nil {
				return nil, 0, err
			}
			if exec {
				nCond++
				if nCond > maxExecComments {
					return nil, 0, refuse(i, "more than 4 executable comments")
				}
				cond = nCond
				i = body
				continue
			}
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				return nil, 0, refuse(i, "unterminated block comment")
			}
			if strings.Contains(q[i+2:i+2+end], "/*") {
				return nil, 0, refuse(i, "a comment inside a comment is not accepted")
			}
			i += 2 + end + 2
		case c == '\'' || c == '"':
			end, err := quoted(q, i, c, true)
			if err != nil {
				return nil, 0, err
			}
			if cond > 0 && strings.Contains(q[i:end], "*/") {
				return nil, 0, refuse(i, `"*/" inside a string inside an executable comment is not accepted`)
			}
			add(token{kind: kString, pos: i, text: q[i : i+1]})
			i = end
		case c == '`':
			end, err := quoted(q, i, '`', false)
			if err != nil {
				return nil, 0, refuse(i, "unterminated quoted identifier")
			}
			if cond > 0 && strings.Contains(q[i:end], "*/") {
				return nil, 0, refuse(i, `"*/" inside an identifier inside an executable comment is not accepted`)
			}
			add(token{kind: kQuoted, text: strings.ReplaceAll(q[i+1:end-1], "``", "`"), pos: i})
			i = end
		case c == '.' && len(toks) > 0 && isName(toks[len(toks)-1]) && afterName(q, toks[len(toks)-1]) == i:
			// db.1f: the dot of a qualified name, not a number's.
			add(token{kind: kPunct, text: ".", pos: i})
			i++
		case isDigit(c) || (c == '.' && i+1 < len(q) && isDigit(q[i+1])):
			end := number(q, i)
			run := end
			for run < len(q) && isIdentCont(MySQL, q[run]) {
				run++
			}
			switch {
			case run == end:
				add(token{kind: kNumber, text: q[i:end], pos: i})
			case c == '0' && end == i+1 && run > i+2 && (q[i+1] == 'x' && isHex(q[i+2:run]) || q[i+1] == 'b' && isBin(q[i+2:run])):
				add(token{kind: kNumber, text: q[i:run], pos: i})
				end = run
			case c == '.' || strings.ContainsAny(q[i:end], "."):
				// 1.5abc: the server reads a number and then a word.
				add(token{kind: kNumber, text: q[i:end], pos: i})
			default:
				// 1abc, 1e5x: an identifier.
				add(token{kind: kWord, text: q[i:run], pos: i})
				end = run
			}
			i = end
		case isIdentStart(c):
			end := i + 1
			for end < len(q) && isIdentCont(MySQL, q[end]) {
				end++
			}
			add(token{kind: kWord, text: q[i:end], pos: i})
			i = end
		default:
			add(token{kind: kPunct, text: q[i : i+1], pos: i})
			i++
		}
	}
	if cond > 0 {
		return nil, 0, refuse(len(q), "unterminated executable comment")
	}
	return toks, nCond, nil
}

// mysqlCommentStart reads the opening of the block comment at i: for an
// executable comment, exec and the offset of its code; hints are refused.
func mysqlCommentStart(q string, i int) (body int, exec bool, err error) {
	j := i + 2
	switch {
	case strings.HasPrefix(q[j:], "+"):
		return 0, false, refuse(i, "optimizer hints (/*+ ... */) are not accepted: they can change the session's settings")
	case strings.HasPrefix(q[j:], "!"):
		j++
		return execVersion(q, i, j, 5, 5)
	case strings.HasPrefix(q[j:], "M!"):
		j += 2
		return execVersion(q, i, j, 5, 6)
	}
	return 0, false, nil
}

// execVersion skips an executable comment's version: none, or a run of
// digits of an accepted length. Any other run is refused, since servers
// differ in how many digits they take as the version.
func execVersion(q string, start, j, minDigits, maxDigits int) (int, bool, error) {
	k := j
	for k < len(q) && isDigit(q[k]) {
		k++
	}
	if n := k - j; n != 0 && (n < minDigits || n > maxDigits) {
		return 0, false, refuse(start, "an executable comment's version must have 5 digits (or 6 after /*M!)")
	}
	return k, true, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

func isBin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' && s[i] != '1' {
			return false
		}
	}
	return s != ""
}

// readings are the token lists the server may see: for each subset of
// the n executable comments, the tokens outside comments plus those of
// the comments in the subset.
func readings(toks []token, n int) [][]token {
	out := make([][]token, 0, 1<<n)
	for mask := 0; mask < 1<<n; mask++ {
		r := make([]token, 0, len(toks))
		for _, t := range toks {
			if t.cond == 0 || mask&(1<<(t.cond-1)) != 0 {
				r = append(r, t)
			}
		}
		out = append(out, r)
	}
	return out
}

// afterName is the offset just past the name token t.
func afterName(q string, t token) int {
	if t.kind == kWord {
		return t.pos + len(t.text)
	}
	// A quoted identifier: find its closing quote again.
	end, err := quoted(q, t.pos, q[t.pos], false)
	if err != nil {
		return -1
	}
	return end
}
