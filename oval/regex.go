package oval

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
)

// regexTimeout bounds one backtracking match, so a pathological Perl
// pattern becomes an error result instead of a hang.
const regexTimeout = 5 * time.Second

// pattern is a compiled Perl-style regular expression: Go's RE2 engine when
// it accepts the pattern, the backtracking regexp2 engine otherwise
// (lookaround, backreferences, possessive quantifiers, \Z).
type pattern struct {
	src string
	std *regexp.Regexp
	alt *regexp2.Regexp
}

// compilePattern compiles src. flags are Go-style inline flags such as "m"
// or "ms" prepended to the pattern.
func compilePattern(src, flags string) (*pattern, error) {
	full := src
	if flags != "" {
		full = "(?" + flags + ")" + src
	}
	if re, err := regexp.Compile(full); err == nil {
		return &pattern{src: src, std: re}, nil
	}
	var opt regexp2.RegexOptions
	if strings.Contains(flags, "m") {
		opt |= regexp2.Multiline
	}
	if strings.Contains(flags, "s") {
		opt |= regexp2.Singleline
	}
	re, err := regexp2.Compile(atomicPossessive(src), opt)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %s: %w", quote(src), err)
	}
	re.MatchTimeout = regexTimeout
	return &pattern{src: src, alt: re}, nil
}

// match reports whether s matches, metered by b.
func (p *pattern) match(b *regexBudget, s string) (bool, error) {
	if err := b.check(); err != nil {
		return false, err
	}
	t0 := time.Now()
	defer func() { b.spend(time.Since(t0)) }()
	if p.std != nil {
		return p.std.MatchString(s), nil
	}
	if len(s) > maxBacktrackInput {
		return false, backtrackTooLarge(p, s)
	}
	ok, err := p.alt.MatchString(s)
	return ok, p.matchErr(err, s)
}

// maxBacktrackInput caps the text the backtracking engine is given: it
// works on a copy of its input as runes, four bytes for each.
const maxBacktrackInput = 16 << 20

func backtrackTooLarge(p *pattern, s string) error {
	return &limitError{text: fmt.Sprintf("regular expression %s needs the backtracking engine, which takes at most %d bytes of input, not %d", quote(p.src), maxBacktrackInput, len(s))}
}

// matchErr replaces the backtracking engine's error, whose text holds the
// whole input, with one that gives its length.
func (p *pattern) matchErr(err error, s string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("regular expression %s: match gave up after %v on %d bytes of input", quote(p.src), regexTimeout, len(s))
}

// findAll returns every non-overlapping match with its subexpressions,
// metered by b, and fails with tooManyItems past max matches (max <= 0:
// no cap). As in PCRE, an empty match after a final newline is not a
// match.
func (p *pattern) findAll(b *regexBudget, s string, max int) ([][]string, error) {
	return p.find(b, s, max, true)
}

// findFirst returns the first match with its subexpressions, if any.
func (p *pattern) findFirst(b *regexBudget, s string) ([][]string, error) {
	return p.find(b, s, 1, false)
}

// find returns up to max matches (max <= 0: all); past max, capErr says
// whether that is a tooManyItems error or the end of the search.
func (p *pattern) find(b *regexBudget, s string, max int, capErr bool) ([][]string, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	defer func() { b.spend(time.Since(t0)) }()
	trailing := func(start, end int) bool {
		return start == end && start == len(s) && start > 0 && s[start-1] == '\n'
	}
	n := -1
	if max > 0 {
		n = max + 2 // one more than max, and the trailing empty match
	}
	var out [][]string
	if p.std != nil {
		for _, loc := range p.std.FindAllStringSubmatchIndex(s, n) {
			if trailing(loc[0], loc[1]) {
				continue
			}
			if max > 0 && len(out) == max {
				if !capErr {
					return out, nil
				}
				return nil, tooManyItems(max)
			}
			row := make([]string, len(loc)/2)
			for i := range row {
				if loc[2*i] >= 0 {
					row[i] = s[loc[2*i]:loc[2*i+1]]
				}
			}
			out = append(out, row)
		}
		return out, nil
	}
	if len(s) > maxBacktrackInput {
		return nil, backtrackTooLarge(p, s)
	}
	m, err := p.alt.FindStringMatch(s)
	for m != nil && err == nil {
		groups := m.Groups()
		row := make([]string, len(groups))
		for i, g := range groups {
			row[i] = g.String()
		}
		if !trailing(m.Index, m.Index+m.Length) {
			if max > 0 && len(out) == max {
				if !capErr {
					return out, nil
				}
				return nil, tooManyItems(max)
			}
			out = append(out, row)
		}
		now := time.Now()
		b.spend(now.Sub(t0))
		t0 = now
		if err := b.check(); err != nil {
			return nil, err
		}
		m, err = p.alt.FindNextMatch(m)
	}
	return out, p.matchErr(err, s)
}

// literalPrefix returns the literal text an anchored pattern must start
// with ("" when it is not anchored at the beginning or has no literal).
func literalPrefix(src string) string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return ""
	}
	if re.Sub[0].Op != syntax.OpBeginText && re.Sub[0].Op != syntax.OpBeginLine {
		return ""
	}
	var b strings.Builder
	for _, s := range re.Sub[1:] {
		if s.Op != syntax.OpLiteral || s.Flags&syntax.FoldCase != 0 {
			break
		}
		b.WriteString(string(s.Rune))
	}
	return b.String()
}

// patternCache compiles patterns met at evaluation time (values from
// variables) once per Prepared. Safe for concurrent use.
type patternCache struct {
	m sync.Map // key flags+"\x00"+src → *pattern or error
}

type patternErr struct{ err error }

func (c *patternCache) get(src, flags string) (*pattern, error) {
	key := flags + "\x00" + src
	if v, ok := c.m.Load(key); ok {
		if e, ok := v.(patternErr); ok {
			return nil, e.err
		}
		return v.(*pattern), nil
	}
	p, err := compilePattern(src, flags)
	if err != nil {
		c.m.Store(key, patternErr{err})
		return nil, err
	}
	c.m.Store(key, p)
	return p, nil
}

// atomicPossessive rewrites Perl's possessive quantifiers (a++, [x]*+,
// (ab)?+, a{2,}+), which the backtracking engine lacks, as the equivalent
// atomic groups: (?>a+).
func atomicPossessive(src string) string {
	var out []byte
	atomStart := -1 // index in out where the last atom starts
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			atomStart = len(out)
			out = append(out, c, src[i+1])
			i++
		case c == '[':
			atomStart = len(out)
			j := i + 1
			if j < len(src) && src[j] == '^' {
				j++
			}
			if j < len(src) && src[j] == ']' {
				j++
			}
			for j < len(src) && src[j] != ']' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return src
			}
			out = append(out, src[i:j+1]...)
			i = j
		case c == '(':
			atomStart = len(out)
			depth, j := 0, i
			for ; j < len(src); j++ {
				if src[j] == '\\' {
					j++
					continue
				}
				if src[j] == '(' {
					depth++
				} else if src[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j >= len(src) {
				return src
			}
			out = append(out, atomicPossessive(src[i+1:j])...)
			out = append(append([]byte{}, out[:atomStart]...), append([]byte{'('}, append(out[atomStart:], ')')...)...)
			i = j
		case c == '*' || c == '+' || c == '?' || c == '{':
			q := string(c)
			if c == '{' {
				j := strings.IndexByte(src[i:], '}')
				if j < 0 {
					out = append(out, c)
					continue
				}
				q = src[i : i+j+1]
			}
			if atomStart >= 0 && i+len(q) < len(src) && src[i+len(q)] == '+' {
				atom := string(out[atomStart:])
				out = append(out[:atomStart], "(?>"+atom+q+")"...)
				i += len(q)
				atomStart = -1
				continue
			}
			out = append(out, q...)
			i += len(q) - 1
			atomStart = -1
		default:
			atomStart = len(out)
			out = append(out, c)
		}
	}
	return string(out)
}
