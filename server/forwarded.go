package server

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// baseKey is the echo context key under which the base middleware stores
// the request's base URL (a string).
const baseKey = "beibeimap.base"

// forwardedHeaders are the request headers a trusted proxy uses to say how
// the client reached it; answers built from them vary with them.
var forwardedHeaders = []string{"Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"}

// hostPattern is what a host (with optional port) from a forwarded header
// must look like: a DNS name, an IPv4 address or a bracketed IPv6 address.
var hostPattern = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$`)

// ParseBaseURL checks the value of --base-url: an absolute http or https
// URL with a host, no user information, query or fragment. It returns it
// without a trailing slash.
func ParseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", errStatus(0, "", "server: base URL %q must be an absolute http(s) URL without query or fragment", s)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// withBase is the middleware that decides once per request the base URL
// that links are built on: cfg.BaseURL when set; otherwise the request's
// own scheme and Host, overridden by Forwarded or X-Forwarded-* only when
// the peer is one of cfg.TrustedProxies. Answers built from forwarded
// headers say so in Vary, so that a shared cache keeps them apart.
func (s *Server) withBase(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch {
		case s.cfg.BaseURL != "":
			c.Set(baseKey, s.cfg.BaseURL)
		case s.trusted(r.RemoteAddr):
			c.Set(baseKey, forwardedBase(r.Header, r.TLS != nil, r.Host))
			for _, h := range forwardedHeaders {
				c.Response().Header().Add("Vary", h)
			}
		default:
			c.Set(baseKey, ownBase(r))
		}
		return next(c)
	}
}

// trusted reports whether the peer address remoteAddr ("ip:port") lies in
// one of the trusted proxy prefixes.
func (s *Server) trusted(remoteAddr string) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ownBase is the base URL of r as this server received it: no header but
// Host is believed, and a Host that is not a host name yields "localhost".
func ownBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if !hostPattern.MatchString(host) {
		host = "localhost"
	}
	return scheme + "://" + host
}

// forwardedBase is the base URL a trusted proxy describes in h: proto and
// host from the first element of Forwarded (RFC 7239) or else from
// X-Forwarded-Proto and X-Forwarded-Host, and a path prefix from
// X-Forwarded-Prefix. Values that are not a scheme, a host or an absolute
// path are ignored, so the result is always an http(s) URL with a plain
// host and a clean path.
func forwardedBase(h http.Header, tls bool, host string) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	if !hostPattern.MatchString(host) {
		host = "localhost"
	}
	proto, fhost := "", ""
	if fw := h.Get("Forwarded"); fw != "" {
		proto, fhost = parseForwarded(fw)
	} else {
		proto, fhost = firstValue(h.Get("X-Forwarded-Proto")), firstValue(h.Get("X-Forwarded-Host"))
	}
	if p := strings.ToLower(proto); p == "http" || p == "https" {
		scheme = p
	}
	if fhost != "" && hostPattern.MatchString(fhost) {
		host = fhost
	}
	prefix := strings.TrimRight(firstValue(h.Get("X-Forwarded-Prefix")), "/")
	if prefix != "" && !cleanPrefix(prefix) {
		prefix = ""
	}
	return scheme + "://" + host + prefix
}

// cleanPrefix reports whether p is an absolute path of plain segments: no
// empty, "." or ".." segment and nothing that would need escaping.
func cleanPrefix(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)) {
				return false
			}
		}
	}
	return true
}

// parseForwarded returns the proto and host parameters of the first
// element of a Forwarded header value (quoted strings unquoted).
func parseForwarded(v string) (proto, host string) {
	first, _, _ := strings.Cut(v, ",")
	for _, pair := range strings.Split(first, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = strings.ReplaceAll(val[1:len(val)-1], `\`, "")
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "proto":
			proto = val
		case "host":
			host = val
		}
	}
	return proto, host
}
