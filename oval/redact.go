package oval

import (
	"bytes"
	"regexp"
)

// connectionString matches a sql_object or sql57_object connection_string
// element with its text, whatever its namespace prefix.
var connectionString = regexp.MustCompile(`(?s)(<([A-Za-z_][\w.-]*:)?connection_string\b[^>]*?)(/>|>.*?</([A-Za-z_][\w.-]*:)?connection_string\s*>)`)

// redactSecrets empties the connection strings of database objects in a
// copy of source definitions: content may carry a password there, and
// results that embed their source must not. The probes never use them (the
// connection is the target's).
func redactSecrets(raw []byte) []byte {
	if !bytes.Contains(raw, []byte("connection_string")) {
		return raw
	}
	return connectionString.ReplaceAll(raw, []byte("${1}/>"))
}
