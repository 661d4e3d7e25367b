package oval

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse checks that no document makes Parse, Prepare, Evaluate or the
// results writer panic. Seeds are the project's own fixtures.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "*.xml"))
	for _, s := range append(seeds, filepath.Join("testdata", "minimal.xml")) {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	h := newMemHost(map[string]string{"/etc/motd": "authorized use only\n", "/etc/a/b.conf": "x=1\n"})
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				panic("hang on input: " + string(data))
			}
		}()
		defs, err := Parse(bytes.NewReader(data), "fuzz.xml")
		if err != nil {
			return
		}
		p, err := Prepare(defs, Options{Now: func() time.Time { return time.Unix(0, 0) }})
		if err != nil {
			t.Fatalf("Prepare failed on parsed content: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r, err := p.Evaluate(ctx, h, ExternalVars{"oval:f:var:9": {"1"}})
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteResults(&b, r, WriteOptions{}); err != nil {
			t.Fatalf("WriteResults: %v", err)
		}
	})
}
