package postgres

import "testing"

// The target parser reads what others typed: it must never panic and
// must keep its invariants on any input.

func FuzzParseTarget(f *testing.F) {
	f.Add("postgres://u@h:5432/db?sslmode=require")
	f.Add("postgresql://u@[::1]/d")
	f.Add("postgres://u:secret@h/d")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseTarget(s)
		if err != nil {
			return
		}
		again, err := ParseTarget(e.String())
		if err != nil {
			t.Fatalf("%q: String %q does not parse back: %v", s, e.String(), err)
		}
		again.SSLMode = e.SSLMode
		if again.String() != e.String() {
			t.Fatalf("%q: round trip %q != %q", s, again.String(), e.String())
		}
	})
}
