package netconf

import (
	"strings"
)

// maxDepth bounds parenthesis nesting; real files use fewer than ten levels.
const maxDepth = 64

// Parse reads the text of one file. name is recorded in every parameter
// and problem. It never fails: unreadable text becomes a Problem.
func Parse(name string, data []byte) *File {
	f := &File{Path: name}
	for _, s := range splitParams(string(data)) {
		p := &parser{file: f, toks: tokenize(s.text, s.line)}
		p.top()
	}
	return f
}

// stmt is the text of one top-level parameter, comments removed, lines
// joined with '\n', and the line it starts on.
type stmt struct {
	text string
	line int
}

// splitParams removes comments and groups lines into parameters.
func splitParams(src string) []stmt {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	lines := strings.Split(src, "\n")
	var out []stmt
	var cur *strings.Builder
	curLine := 0
	flush := func() {
		if cur != nil && strings.TrimSpace(cur.String()) != "" {
			out = append(out, stmt{text: cur.String(), line: curLine})
		}
		cur = nil
	}
	for i, raw := range lines {
		line := stripComment(raw)
		if strings.TrimSpace(line) == "" {
			if cur != nil {
				// Keep line numbers of what follows right.
				cur.WriteByte('\n')
			}
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		cont := cur != nil && (indented || needsMore(cur.String()) || startsWithParen(line))
		if !cont {
			flush()
			cur = &strings.Builder{}
			curLine = i + 1
		} else {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
	}
	flush()
	return out
}

func startsWithParen(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "(") || strings.HasPrefix(t, ")")
}

// needsMore reports whether a parameter's text so far has an open
// parenthesis.
func needsMore(s string) bool {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		}
	}
	return depth > 0
}

// stripComment removes a '#' comment outside quotes and escapes.
func stripComment(line string) string {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\\':
			i++
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return line[:i]
		}
	}
	return line
}

type tokKind int

const (
	tWord tokKind = iota
	tLParen
	tRParen
	tEq
	tComma
)

type token struct {
	kind tokKind
	text string
	line int
	// spaced reports whether whitespace came before the token, so words
	// of one value are joined as written.
	spaced bool
}

func tokenize(s string, line int) []token {
	var toks []token
	spaced := false
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\n':
			line++
			spaced = true
			i++
			continue
		case ' ', '\t', '\r', '\f', '\v':
			spaced = true
			i++
			continue
		case '(':
			toks = append(toks, token{kind: tLParen, text: "(", line: line, spaced: spaced})
			i++
		case ')':
			toks = append(toks, token{kind: tRParen, text: ")", line: line, spaced: spaced})
			i++
		case '=':
			toks = append(toks, token{kind: tEq, text: "=", line: line, spaced: spaced})
			i++
		case ',':
			toks = append(toks, token{kind: tComma, text: ",", line: line, spaced: spaced})
			i++
		default:
			var b strings.Builder
			start := line
		word:
			for i < len(s) {
				c := s[i]
				switch {
				case c == '"' || c == '\'':
					// Quoted text: up to the matching quote, escapes kept
					// literal; an unterminated quote runs to the end.
					i++
					for i < len(s) && s[i] != c {
						if s[i] == '\\' && i+1 < len(s) {
							i++
						}
						if s[i] == '\n' {
							line++
						}
						b.WriteByte(s[i])
						i++
					}
					i++
				case c == '\\' && i+1 < len(s):
					b.WriteByte(s[i+1])
					i += 2
				case strings.IndexByte(" \t\r\n\f\v()=,", c) >= 0:
					break word
				default:
					b.WriteByte(c)
					i++
				}
			}
			toks = append(toks, token{kind: tWord, text: b.String(), line: start, spaced: spaced})
		}
		spaced = false
	}
	return toks
}

type parser struct {
	file *File
	toks []token
	pos  int
}

func (p *parser) peek(off int) (token, bool) {
	if p.pos+off < len(p.toks) {
		return p.toks[p.pos+off], true
	}
	return token{}, false
}

func (p *parser) problem(line int, msg string) {
	p.file.Problems = append(p.file.Problems, Problem{File: p.file.Path, Line: line, Msg: msg})
}

func (p *parser) line() int {
	if t, ok := p.peek(0); ok {
		return t.line
	}
	if len(p.toks) > 0 {
		return p.toks[len(p.toks)-1].line
	}
	return 0
}

// top reads one top-level parameter: NAME = value.
func (p *parser) top() {
	name, ok := p.peek(0)
	if !ok {
		return
	}
	if name.kind != tWord {
		p.problem(name.line, "a parameter must start with a name")
		return
	}
	eq, ok := p.peek(1)
	if !ok || eq.kind != tEq {
		p.problem(name.line, "expected '=' after "+quoteName(name.text))
		return
	}
	p.pos += 2
	param := &Param{Name: name.text, File: p.file.Path, Line: name.line}
	param.Value = p.value(0, true)
	p.file.Params = append(p.file.Params, param)
	if t, ok := p.peek(0); ok {
		p.problem(t.line, "unexpected "+describe(t)+" after the value of "+quoteName(name.text))
	}
}

// value reads a value up to a ')' that closes an enclosing group, or the
// end. At the top level, an unparenthesized comma list is read as a list.
func (p *parser) value(depth int, top bool) Value {
	t, ok := p.peek(0)
	if !ok || t.kind == tRParen {
		return Value{}
	}
	if depth >= maxDepth {
		p.problem(t.line, "parentheses nested too deeply")
		p.skipToClose()
		return Value{}
	}
	if t.kind == tLParen {
		if p.isGroup() {
			return Value{Children: p.groups(depth)}
		}
		return Value{List: p.list(depth)}
	}
	text := p.scalar(depth)
	if nt, ok := p.peek(0); ok && nt.kind == tComma && top {
		list := []string{text}
		for {
			nt, ok := p.peek(0)
			if !ok || nt.kind != tComma {
				break
			}
			p.pos++
			list = append(list, p.scalar(depth))
		}
		return Value{List: list}
	}
	return Value{Text: text}
}

// isGroup reports whether the tokens at pos start "( NAME =".
func (p *parser) isGroup() bool {
	a, ok1 := p.peek(1)
	b, ok2 := p.peek(2)
	return ok1 && ok2 && a.kind == tWord && b.kind == tEq
}

// groups reads consecutive (NAME = value) groups.
func (p *parser) groups(depth int) []*Param {
	out := []*Param{}
	for {
		t, ok := p.peek(0)
		if !ok || t.kind != tLParen {
			return out
		}
		if !p.isGroup() {
			p.problem(t.line, "expected (NAME = value)")
			p.pos++
			p.skipToClose()
			continue
		}
		name := p.toks[p.pos+1]
		p.pos += 3
		c := &Param{Name: name.text, File: p.file.Path, Line: name.line}
		c.Value = p.value(depth+1, false)
		out = append(out, c)
		p.expectClose(name)
	}
}

// list reads "( a, b, ... )".
func (p *parser) list(depth int) []string {
	open := p.toks[p.pos]
	p.pos++
	out := []string{}
	for {
		t, ok := p.peek(0)
		if !ok {
			p.problem(open.line, "unclosed '('")
			return out
		}
		switch t.kind {
		case tRParen:
			p.pos++
			return out
		case tComma:
			p.pos++
			continue
		}
		out = append(out, p.scalar(depth+1))
	}
}

// scalar reads words (and '=' or nested parentheses, kept as text) up to a
// ',' or a ')' of the enclosing level, or the end.
func (p *parser) scalar(depth int) string {
	var b strings.Builder
	level := 0
	for {
		t, ok := p.peek(0)
		if !ok {
			return b.String()
		}
		switch t.kind {
		case tComma:
			if level == 0 {
				return b.String()
			}
		case tRParen:
			if level == 0 {
				return b.String()
			}
			level--
		case tLParen:
			if depth+level >= maxDepth {
				p.problem(t.line, "parentheses nested too deeply")
				p.skipToClose()
				return b.String()
			}
			level++
		}
		if t.spaced && b.Len() > 0 && t.kind == tWord {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
		p.pos++
	}
}

func (p *parser) expectClose(name token) {
	t, ok := p.peek(0)
	switch {
	case !ok:
		p.problem(name.line, "unclosed '(' of "+quoteName(name.text))
	case t.kind == tRParen:
		p.pos++
	default:
		p.problem(t.line, "unexpected "+describe(t)+" in "+quoteName(name.text))
		p.skipToClose()
		if t, ok := p.peek(0); ok && t.kind == tRParen {
			p.pos++
		}
	}
}

// skipToClose advances to the ')' closing the current level (not past it).
func (p *parser) skipToClose() {
	level := 0
	for p.pos < len(p.toks) {
		switch p.toks[p.pos].kind {
		case tLParen:
			level++
		case tRParen:
			if level == 0 {
				return
			}
			level--
		}
		p.pos++
	}
}

func describe(t token) string {
	if t.kind == tWord {
		return "text " + quoteName(t.text)
	}
	return "'" + t.text + "'"
}

// quoteName shows a name in a message, shortened so that a long stray
// value (which could be a secret typed in the wrong place) is not repeated.
func quoteName(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "\"" + s + "\""
}
