package netconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes the parser panic or loop, and that
// what it reads renders and is found again by name.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.ora")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"A = (B = (C = (D = 1)))", "A = (x, (y), z)", "A = \"unterminated", "A = \\", "(((((", ")))))",
		"A =\n\tB = 1", "IFILE = x\nIFILE = x", "A = (B = 1)(junk)(C = 2)", "A = x, y, (z",
		strings.Repeat("(", 200), "A = " + strings.Repeat("(B = ", 100) + "1" + strings.Repeat(")", 100),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Parse("fuzz.ora", data)
		for _, p := range file.Params {
			_ = p.Value.String()
			_ = p.Value.Find("ADDRESS")
			if got, ok := file.Lookup(p.Name); !ok || got.Key() != p.Key() {
				t.Fatalf("parameter %q not found again", p.Name)
			}
		}
	})
}
