package secret

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRedactTarget builds targets that carry a password in the user part
// and one in a query parameter, in any scheme, and checks that neither
// reaches the redacted form, that the form is bounded and valid UTF-8,
// and that redacting a form that was not cut changes nothing.
func FuzzRedactTarget(f *testing.F) {
	f.Add("postgres", "scanner", "Pw-1/x@y?z#w", "db01:5432", "password", "Qs-2&b")
	f.Add("mongodb", "%3A", "p%40ss", "0", "tlsCertificateKeyFilePassword", "k")
	f.Add("ssh", "root", "hunter22", "[::1]:22", "x", "y")
	f.Add("oracle", "u", "", "ora", "wallet_password", "W-3;")
	f.Fuzz(func(t *testing.T, scheme, user, pw, hostport, param, value string) {
		in := scheme + "://" + user + ":" + pw + "@" + hostport + "/db?" + param + "=" + value
		got := RedactTarget(in).String()
		if len(got) > MaxTargetLen {
			t.Fatalf("redacted form is %d bytes, over %d", len(got), MaxTargetLen)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("redacted form %q is not valid UTF-8", got)
		}
		// A form bound cut may read differently once cut (the cut can
		// fall in the scheme); below the bound, redaction is idempotent.
		if again := RedactTarget(got).String(); again != got && !strings.HasSuffix(got, "…") {
			t.Fatalf("not idempotent: %q then %q", got, again)
		}
		visible := scheme + "://" + user + ":[redacted]@" + hostport + "/db?" + param + "="
		secrets := []string{pw}
		name, _ := url.QueryUnescape(param)
		// A public parameter's value stays; so may one whose name holds a
		// separator, as the name's tail is then another pair's name.
		public := isPublicParam(strings.ToLower(name)) || strings.ContainsAny(param, "=&;#@")
		if public {
			visible += value
		}
		if !strings.ContainsAny(value, "&;#@") && !public {
			// A value or name holding a separator is read as other pairs or
			// a fragment; the separators themselves stay.
			secrets = append(secrets, value)
		}
		// A secret that also stands elsewhere in the input (in the scheme,
		// user, host or a public value, which stay) cannot be told apart.
		for _, s := range secrets {
			if len(s) < 4 || strings.Contains(visible, s) || strings.Contains("[redacted]", s) {
				continue
			}
			if strings.Contains(got, s) {
				t.Fatalf("%q kept the secret %q: %q", in, s, got)
			}
		}
	})
}
