// Package clip shortens text that goes into messages, so that an error or
// a log record never repeats unbounded input (a value from a target, a
// name from content) whole.
package clip

import "unicode/utf8"

// Cut is s when it is at most n bytes long; otherwise its longest prefix
// of at most n bytes that ends on a character boundary, followed by mark.
// A valid UTF-8 s stays valid.
func Cut(s string, n int, mark string) string {
	if len(s) <= n {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + mark
}
