package xmlw

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in string
		attr     bool
		want     string
	}{
		{name: "plain", in: "plain text", want: "plain text"},
		{name: "markup", in: `a<b>&"c"`, want: `a&lt;b&gt;&amp;"c"`},
		{name: "attr quotes and whitespace", in: "a\"b\nc\td", attr: true, want: "a&quot;b&#10;c&#9;d"},
		{name: "carriage return", in: "a\rb", want: "a&#13;b"},
		{name: "control character", in: "a\x01b", want: "a\uFFFDb"},
		{name: "invalid utf-8", in: "a\xffb", want: "a\uFFFDb"},
		{name: "non-ascii kept", in: "Håvard", want: "Håvard"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Escape(tc.in, tc.attr))
		})
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	x := New(&b)
	x.Header()
	x.Start("a:root", A("xmlns:a", "urn:x", "empty", "")...)
	x.Leaf("a:leaf", "1 < 2")
	x.Start("a:empty")
	x.End()
	x.End()
	assert.NoError(t, x.Flush())
	assert.Equal(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a:root xmlns:a=\"urn:x\">\n  <a:leaf>1 &lt; 2</a:leaf>\n  <a:empty/>\n</a:root>", b.String())
}
