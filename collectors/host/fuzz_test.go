package host

import (
	"strings"
	"testing"
)

// The parsers read files an audited machine controls; they must never panic
// and must keep their invariants on any input.

func FuzzParseDpkgStatus(f *testing.F) {
	f.Add(readTestdata(f, "dpkg-status"))
	f.Add([]byte("Package: a\nStatus: install ok installed\nVersion: 1:2-3\n"))
	f.Add([]byte("Package:\n \n\t\nStatus: hold ok installed\nVersion: :-\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range ParseDpkgStatus(data) {
			if p.Name == "" || p.Epoch == "" || !debInstalled(p.Status) {
				t.Fatalf("bad package %+v", p)
			}
			if strings.Contains(p.Release, "-") {
				t.Fatalf("release %q holds a hyphen", p.Release)
			}
		}
	})
}

func FuzzParseShadow(f *testing.F) {
	f.Add(readTestdata(f, "shadow"))
	f.Add([]byte("a:!:1:2:3:4:5:6:7\nb:$6$x\n"))
	f.Add([]byte("::::::::\n:\n"))
	methods := map[string]bool{"": true, "DES": true, "BSDi": true, "MD5": true, "Blowfish": true,
		"Sun MD5": true, "SHA-256": true, "SHA-512": true, "yescrypt": true}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range ParseShadow(data) {
			if e.Username == "" || strings.Contains(e.Username, ":") {
				t.Fatalf("bad username %q", e.Username)
			}
			if !methods[e.EncryptMethod] {
				t.Fatalf("unknown method %q", e.EncryptMethod)
			}
		}
	})
}
