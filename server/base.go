package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// requestBase is the absolute URL of the service root as the client sees
// it, without a trailing slash, as the withBase middleware decided it:
// --base-url, or the forwarded headers of a trusted proxy, or the request's
// own scheme and host. Outside that middleware it is the request's own.
func requestBase(c echo.Context) string {
	if b, ok := c.Get(baseKey).(string); ok {
		return b
	}
	return ownBase(c.Request())
}

// firstValue is the first of a comma-separated header value, trimmed.
func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}
