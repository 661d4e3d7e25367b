package engine

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/oval"
)

func TestDescribeItem(t *testing.T) {
	long := strings.Repeat("x", 500)
	it := &oval.Item{Type: "textfilecontent54_item"}
	for _, n := range []string{"filepath", "path", "filename", "pattern", "instance", "line", "text"} {
		it.Fields = append(it.Fields, &oval.Field{Name: n, Value: n + "-" + long})
	}
	it.Fields = append(it.Fields, &oval.Field{Name: "subexpression", Value: "99999 " + long}, &oval.Field{Name: "secret", Value: "hunter2", Mask: true})

	got := describeItem(it, map[string]bool{"subexpression": true})
	assert.Contains(t, got, " subexpression=99999 "+long+" ", "the compared field is shown, whole")
	assert.Contains(t, got, "filepath=filepath-"+strings.Repeat("x", 117-len("filepath-"))+"...", "other values are shortened")
	assert.NotContains(t, got, "text=", "past six other fields the rest is elided")
	assert.True(t, strings.HasSuffix(got, " …"))
	assert.Less(t, strings.Index(got, "instance="), strings.Index(got, "subexpression="), "fields keep the item's order")

	got = describeItem(it, map[string]bool{"subexpression": true, "secret": true})
	assert.Contains(t, got, "secret=(masked)")
	assert.NotContains(t, got, "hunter2")

	fits := strings.Repeat("y", maxFieldValue)
	got = describeItem(&oval.Item{Type: "file_item", Fields: []*oval.Field{{Name: "path", Value: fits}}}, nil)
	assert.Equal(t, "file path="+fits, got, "a value that fits is not cut")

	huge := &oval.Item{Type: "file_item", Fields: []*oval.Field{{Name: "text", Value: strings.Repeat("é", 1000)}}}
	got = describeItem(huge, map[string]bool{"text": true})
	assert.Less(t, len(got), maxComparedValue+len("file text="))
	assert.True(t, strings.HasSuffix(got, "..."))
	assert.True(t, strings.ToValidUTF8(got, "?") == got, "cut on a character boundary")
}
