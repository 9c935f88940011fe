package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// requestBase is the absolute URL of the service root as the client sees
// it, without a trailing slash: scheme and host of the request, or of the
// X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Prefix headers a
// reverse proxy sets, so that links work behind a proxy at a URL prefix.
func requestBase(c echo.Context) string {
	r := c.Request()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && !strings.ContainsAny(h, "/\\ @") {
		host = h
	}
	prefix := strings.TrimRight(firstValue(r.Header.Get("X-Forwarded-Prefix")), "/")
	if prefix != "" && (!strings.HasPrefix(prefix, "/") || strings.Contains(prefix, "//") || strings.ContainsAny(prefix, "?#\\")) {
		prefix = ""
	}
	return scheme + "://" + host + prefix
}

// firstValue is the first of a comma-separated header value, trimmed.
func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}
