package oval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareValues(t *testing.T) {
	tests := []struct {
		name              string
		op, dt, sys, want string
		res               Result
		wantErr           bool
	}{
		{name: "string equals", op: opEquals, dt: "string", sys: "a", want: "a", res: True},
		{name: "string ci equals", op: opCIEquals, dt: "string", sys: "YES", want: "yes", res: True},
		{name: "string ci not equal", op: opCINotEqual, dt: "string", sys: "YES", want: "yes", res: False},
		{name: "string greater is undefined", op: opGreater, dt: "string", sys: "b", want: "a", res: Error, wantErr: true},
		{name: "int greater", op: opGreater, dt: "int", sys: "10", want: "9", res: True},
		{name: "int big", op: opLess, dt: "int", sys: "-99999999999999999999", want: "0", res: True},
		{name: "int not a number", op: opEquals, dt: "int", sys: "never", want: "0", res: Error, wantErr: true},
		{name: "bitwise and", op: opBitAnd, dt: "int", sys: "7", want: "5", res: True},
		{name: "bitwise and misses", op: opBitAnd, dt: "int", sys: "6", want: "5", res: False},
		{name: "bitwise or", op: opBitOr, dt: "int", sys: "4", want: "5", res: True},
		{name: "float", op: opLessEq, dt: "float", sys: "-.4323e-3", want: "0", res: True},
		{name: "float NaN not equal", op: opNotEqual, dt: "float", sys: "NaN", want: "NaN", res: True},
		{name: "boolean 1 is true", op: opEquals, dt: "boolean", sys: "1", want: "true", res: True},
		{name: "binary case", op: opEquals, dt: "binary", sys: "0aFF", want: "0AFF", res: True},
		{name: "version numeric", op: opGreater, dt: "version", sys: "1.10", want: "1.9", res: True},
		{name: "version letters are delimiters", op: opEquals, dt: "version", sys: "1a2s3d4", want: "1.2.3.4", res: True},
		{name: "version padding", op: opEquals, dt: "version", sys: "1.2", want: "1.2.0", res: True},
		{name: "rpm tilde sorts first", op: opLess, dt: "evr_string", sys: "0:1.0~rc1-1", want: "0:1.0-1", res: True},
		{name: "rpm caret sorts after", op: opGreater, dt: "evr_string", sys: "0:1.0^git1-1", want: "0:1.0-1", res: True},
		{name: "rpm epoch wins", op: opGreater, dt: "evr_string", sys: "1:0.1-1", want: "0:9.9-9", res: True},
		{name: "rpm missing epoch is zero", op: opEquals, dt: "evr_string", sys: "1.2-3", want: "0:1.2-3", res: True},
		{name: "rpm alpha vs numeric", op: opGreater, dt: "evr_string", sys: "0:1.0.1-1", want: "0:1.0a-1", res: True},
		{name: "dpkg tilde", op: opLess, dt: "debian_evr_string", sys: "1.0~rc1-1", want: "1.0-1", res: True},
		{name: "dpkg plus", op: opGreater, dt: "debian_evr_string", sys: "1.0+b1", want: "1.0", res: True},
		{name: "dpkg letters before symbols", op: opLess, dt: "debian_evr_string", sys: "1.0a", want: "1.0+", res: True},
		{name: "dpkg revision", op: opLess, dt: "debian_evr_string", sys: "2:9.2p1-2+deb12u2", want: "2:9.2p1-2+deb12u10", res: True},
		{name: "dpkg epoch", op: opGreater, dt: "debian_evr_string", sys: "1:0.1", want: "2.0", res: True},
		{name: "dpkg leading zeros", op: opEquals, dt: "debian_evr_string", sys: "0:1.01-1", want: "1.1-1", res: True},
		{name: "ipv4 equals with mask", op: opEquals, dt: "ipv4_address", sys: "10.0.0.0/255.0.0.0", want: "10.1.2.3/8", res: True},
		{name: "ipv4 subset", op: opSubsetOf, dt: "ipv4_address", sys: "10.1.0.0/16", want: "10.0.0.0/8", res: True},
		{name: "ipv4 superset", op: opSupersetOf, dt: "ipv4_address", sys: "10.1.0.0/16", want: "10.0.0.0/8", res: False},
		{name: "ipv4 ordering needs equal prefixes", op: opGreater, dt: "ipv4_address", sys: "10.0.0.2/24", want: "10.0.0.1/16", res: Error, wantErr: true},
		{name: "ipv6 subset", op: opSubsetOf, dt: "ipv6_address", sys: "2001:db8:1::/48", want: "2001:db8::/32", res: True},
		{name: "ipv6 not ipv4", op: opEquals, dt: "ipv6_address", sys: "10.0.0.1", want: "::1", res: Error, wantErr: true},
		{name: "fileset revision falls back to string", op: opEquals, dt: "fileset_revision", sys: "2", want: "2", res: True},
		{name: "unknown datatype", op: opEquals, dt: "quaternion", sys: "1", want: "1", res: Error, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := compareValues(nil, tc.op, tc.dt, tc.sys, tc.want, nil)
			assert.Equal(t, tc.res.String(), res.String())
			assert.Equal(t, tc.wantErr, err != nil, "error: %v", err)
		})
	}
}

func TestPatterns(t *testing.T) {
	tests := []struct {
		name, src, flags, text string
		match                  bool
		fallback               bool // needs the backtracking engine
	}{
		{name: "re2", src: `^\s*PASS_MAX_DAYS\s+(\d+)`, text: "PASS_MAX_DAYS 60", match: true},
		{name: "lookahead", src: `^foo(?!bar)`, text: "foobaz", match: true, fallback: true},
		{name: "backreference", src: `^(a)\1$`, text: "aa", match: true, fallback: true},
		{name: "possessive", src: `^a++b`, text: "aab", match: true, fallback: true},
		{name: "multiline", src: `^b$`, flags: "m", text: "a\nb\nc", match: true},
		{name: "not multiline", src: `^b$`, text: "a\nb\nc", match: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compilePattern(tc.src, tc.flags)
			require.NoError(t, err)
			assert.Equal(t, tc.fallback, p.std == nil)
			ok, err := p.match(nil, tc.text)
			require.NoError(t, err)
			assert.Equal(t, tc.match, ok)
		})
	}
	_, err := compilePattern(`abcd\`, "")
	assert.ErrorContains(t, err, "invalid regular expression")
}

func TestFindAllSkipsMatchAfterFinalNewline(t *testing.T) {
	p, err := compilePattern(`^.*$`, "m")
	require.NoError(t, err)
	ms, err := p.findAll(nil, "a\nb\n", 0)
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"a"}, {"b"}}, ms)
}

func TestLiteralPrefix(t *testing.T) {
	for src, want := range map[string]string{
		`^/etc/audit/rules\.d/.*\.rules$`: "/etc/audit/rules.d/",
		`^/etc/sudoers(|\.d/.*)$`:         "/etc/sudoers",
		`/etc/passwd`:                     "",
		`^(?i)/etc`:                       "",
	} {
		assert.Equal(t, want, literalPrefix(src), src)
	}
}

func TestCombine(t *testing.T) {
	T, F, E, U, NE, NA := True, False, Error, Unknown, NotEvaluated, NotApplicable
	tests := []struct {
		op   string
		in   []Result
		want Result
	}{
		{"AND", []Result{T, T, NA}, T},
		{"AND", []Result{T, F, E}, F},
		{"AND", []Result{T, E, U}, E},
		{"AND", []Result{T, U, NE}, U},
		{"AND", nil, U},
		{"AND", []Result{NA, NA}, NA},
		{"OR", []Result{F, E, T}, T},
		{"OR", []Result{F, E}, E},
		{"ONE", []Result{T, F, F}, T},
		{"ONE", []Result{T, T, E}, F},
		{"ONE", []Result{T, E}, E},
		{"XOR", []Result{T, T, T}, T},
		{"XOR", []Result{T, T}, F},
		{"none satisfy", []Result{F, F}, T},
		{"none satisfy", []Result{F, T}, F},
		{"at least one", []Result{F, NE}, NE},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want.String(), combine(tc.op, tc.in).String(), "%s %v", tc.op, tc.in)
	}
}

func TestAtomicPossessive(t *testing.T) {
	for in, want := range map[string]string{
		`^a++b`:    `^(?>a+)b`,
		`[ab]*+c`:  `(?>[ab]*)c`,
		`(x|y)?+z`: `(?>(x|y)?)z`,
		`\d{2,}+$`: `(?>\d{2,})$`,
		`a+b*c?`:   `a+b*c?`,
		`(?:a++)b`: `(?:(?>a+))b`,
	} {
		assert.Equal(t, want, atomicPossessive(in), in)
	}
}
