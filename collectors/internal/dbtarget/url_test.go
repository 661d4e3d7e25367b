package dbtarget

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/internal/dbtarget/dbtargettest"
)

var testSyntax = Syntax{
	Schemes:      []string{"test", "testdb"},
	DefaultPort:  7,
	PathWord:     "thing",
	HostChars:    "()",
	Param:        "mode",
	SecretParams: []string{"password", "key password"},
}

// parsed prints a URL as testSyntax writes it, with its parameters.
type parsed URL

func (u parsed) String() string {
	port := u.Port
	if port == 0 {
		port = testSyntax.DefaultPort
	}
	s := testSyntax.Format(u.User, u.Host, port, u.Path)
	for i, p := range u.Params {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		s += sep + "mode=" + p
	}
	return s
}

func parse(s string) (parsed, error) {
	u, err := testSyntax.Parse(s)
	return parsed(u), err
}

func TestParse(t *testing.T) {
	const secret = "s3cret-Never-Shown"
	dbtargettest.Run(t, parse, secret, true, []dbtargettest.Case[parsed]{
		{Name: "full", In: "test://u@h.example:8/x?mode=a", Want: parsed{User: "u", Host: "h.example", Port: 8, Path: "x", Params: []string{"a"}}, Str: "test://u@h.example:8/x?mode=a"},
		{Name: "second scheme, any case", In: "TestDB://u@h", Want: parsed{User: "u", Host: "h"}, Str: "test://u@h:7/"},
		{Name: "ipv6", In: "test://u@[::1]:9/x", Want: parsed{User: "u", Host: "::1", Port: 9, Path: "x"}, Str: "test://u@[::1]:9/x"},
		{Name: "escaped names", In: "test://a%40b%3Ac@h/my%20x", Want: parsed{User: "a@b:c", Host: "h", Path: "my x"}, Str: "test://a%40b%3Ac@h:7/my%20x"},
		{Name: "socket directory", In: "test://u@%2Frun%2Fdb/x", Want: parsed{User: "u", Host: "/run/db", Path: "x"}, Str: "test://u@%2Frun%2Fdb:7/x"},
		{Name: "parameter twice, in order", In: "test://u@h?MODE=a&mode=b", Want: parsed{User: "u", Host: "h", Params: []string{"a", "b"}}, Str: "test://u@h:7/?mode=a&mode=b"},
		{Name: "trailing slash", In: "test://u@h/", Want: parsed{User: "u", Host: "h"}, Str: "test://u@h:7/"},

		{Name: "other scheme", In: "other://u@h/x", ErrHas: "test: target must look like test://user@host[:port]/thing"},
		{Name: "scheme alone", In: "test://", ErrHas: "must look like"},
		{Name: "password", In: "test://u:" + secret + "@h/x", ErrIs: ErrPasswordInTarget, ErrHas: "percent-encode '@'"},
		{Name: "password holding '/', '?' and '@'", In: "test://u:a/b?c@" + secret + "@h/x", ErrIs: ErrPasswordInTarget},
		{Name: "secret parameter", In: "test://u@h/x?key%20password=" + secret, ErrHas: "only the mode parameter"},
		{Name: "secret parameter with a space", In: "test://u@h/x?key password=" + secret, ErrIs: ErrPasswordInTarget},
		{Name: "password parameter", In: "test://u@h/x?Password=" + secret, ErrIs: ErrPasswordInTarget},
		{Name: "unknown parameter", In: "test://u@h/x?" + secret + "=1", ErrHas: "test: target: only the mode parameter is accepted; set the rest in Config"},
		{Name: "fragment", In: "test://u@h/x#" + secret, ErrHas: "test: target: fragments are not accepted"},
		{Name: "fragment in the query", In: "test://u@h/x?mode=a#" + secret, ErrHas: "fragments"},
		{Name: "no user", In: "test://h/x", ErrHas: "test: target: name the user, as test://user@host/thing"},
		{Name: "empty user", In: "test://@h/x", ErrHas: "invalid user name"},
		{Name: "control character in user", In: "test://u%7F@h/x", ErrHas: "invalid user name"},
		{Name: "bad escape in user", In: "test://%zz" + secret + "@h/x", ErrHas: "invalid user name"},
		{Name: "unclosed bracket", In: "test://u@[::1/x", ErrHas: "unclosed '['"},
		{Name: "text after bracket", In: "test://u@[::1]9/x", ErrHas: "unexpected text after ']'"},
		{Name: "bracketed name", In: "test://u@[h]/x", ErrHas: "the bracketed host is not an IP address"},
		{Name: "unbracketed ipv6", In: "test://u@::1/x", ErrHas: "write IPv6 addresses in brackets, as test://user@[::1]:7/thing"},
		{Name: "empty host", In: "test://u@/x", ErrHas: "invalid host"},
		{Name: "host with a comma", In: "test://u@a,b/x", ErrHas: "invalid host"},
		{Name: "host with a syntax's own character", In: "test://u@a(b/x", ErrHas: "invalid host"},
		{Name: "port zero", In: "test://u@h:0/x", ErrHas: "invalid port"},
		{Name: "port too large", In: "test://u@h:65536/x", ErrHas: "invalid port"},
		{Name: "port not a number", In: "test://u@h:" + secret + "/x", ErrHas: "invalid port"},
		{Name: "path of two names", In: "test://u@h/a/%zz", ErrHas: "the path must be one thing name"},
		{Name: "bad escape in path", In: "test://u@h/%zz", ErrHas: "invalid thing name"},
	})
}

func TestFormatReadsBack(t *testing.T) {
	for _, u := range []URL{
		{User: "c##scan@corp", Host: "db", Port: 1, Path: "a:b"},
		{User: "u", Host: "fe80::1", Port: 2, Path: "p q"},
		{User: "u", Host: "/var/run/db", Port: 3, Path: "x/y"},
	} {
		s := testSyntax.Format(u.User, u.Host, u.Port, u.Path)
		got, err := testSyntax.Parse(s)
		if assert.NoError(t, err, s) {
			assert.Equal(t, u, got)
		}
	}
}
