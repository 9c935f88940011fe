package server

import "strings"

// firstValue is the first of a comma-separated header value, trimmed.
func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}
