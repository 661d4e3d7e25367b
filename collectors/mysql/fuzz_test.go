package mysql

import "testing"

// The target parser reads what others typed: it must never panic and
// must keep its invariants on any input.

func FuzzParseTarget(f *testing.F) {
	f.Add("mysql://u@h:3306/db?tls=required")
	f.Add("mariadb://u@[::1]/d")
	f.Add("mysql://u:secret@h/d")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseTarget(s)
		if err != nil {
			return
		}
		again, err := ParseTarget(e.String())
		if err != nil {
			t.Fatalf("%q: String %q does not parse back: %v", s, e.String(), err)
		}
		again.TLSMode = e.TLSMode
		if again.String() != e.String() {
			t.Fatalf("%q: round trip %q != %q", s, again.String(), e.String())
		}
	})
}
