package cpe_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/cpe"
)

func TestParse(t *testing.T) {
	doc := `<?xml version="1.0"?>
<cpe-list xmlns="http://cpe.mitre.org/dictionary/2.0">
  <cpe-item name="cpe:/o:debian:debian_linux:11">
    <title xml:lang="en-us">Debian 11</title>
    <check system="http://oval.mitre.org/XMLSchema/oval-definitions-5" href="cpe-oval.xml">oval:x:def:1</check>
  </cpe-item>
  <cpe-item name="cpe:/a:machine"><title>Machine</title></cpe-item>
</cpe-list>`
	d, err := cpe.Parse([]byte(doc), "dict.xml")
	require.NoError(t, err)
	require.Len(t, d.Items, 2)
	it := d.Item("cpe:/o:debian:debian_linux:11")
	require.NotNil(t, it)
	assert.Equal(t, "Debian 11", it.Title)
	assert.Equal(t, []cpe.Check{{System: "http://oval.mitre.org/XMLSchema/oval-definitions-5", Href: "cpe-oval.xml", ID: "oval:x:def:1"}}, it.Checks)
	assert.Nil(t, d.Item("cpe:/a:none"))

	_, err = cpe.Parse([]byte("<cpe-list><cpe-item>"), "broken.xml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broken.xml")
}
