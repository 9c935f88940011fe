package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// forwardedHeaders are the request headers a trusted proxy uses to say how
// the client reached it; answers built from them vary with them.
var forwardedHeaders = []string{"Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"}

// validHost reports whether h is what a host (with optional port) from a
// Host or forwarded header must look like: a DNS name (a letter or digit,
// then letters, digits, '-' and '.'), or an IPv6 address in brackets (hex
// digits, ':' and '.', and an address netip parses as IPv6), then
// optionally ':' and one to five digits. It is
// the check of every request that builds links, so it is written out
// rather than a regular expression (FuzzValidHost holds it to one).
func validHost(h string) bool {
	i := 0
	switch {
	case h == "":
		return false
	case h[0] == '[':
		i = 1
		for i < len(h) && (isHexDigit(h[i]) || h[i] == ':' || h[i] == '.') {
			i++
		}
		if i == 1 || i == len(h) || h[i] != ']' {
			return false
		}
		if a, err := netip.ParseAddr(h[1:i]); err != nil || !a.Is6() {
			return false // "[0]", "[1.2.3.4]": no URL host (net/url refuses them)
		}
		i++
	case isAlnum(h[0]):
		i = 1
		for i < len(h) && (isAlnum(h[i]) || h[i] == '-' || h[i] == '.') {
			i++
		}
	default:
		return false
	}
	if i == len(h) {
		return true
	}
	port := h[i+1:]
	if h[i] != ':' || len(port) < 1 || len(port) > 5 {
		return false
	}
	for j := 0; j < len(port); j++ {
		if port[j] < '0' || port[j] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func isHexDigit(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// ParseBaseURL checks the value of --base-url: an absolute http or https
// URL with a host, no user information, query or fragment. It returns it
// without a trailing slash, or an error wrapping geo.ErrInvalid.
func ParseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("server: base URL %q must be an absolute http(s) URL without user, query or fragment: %w", s, geo.ErrInvalid)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// requestBase is the absolute URL of the service root as the client sees
// it, without a trailing slash, on which every link is built:
// cfg.BaseURL when set; otherwise the request's own scheme and Host,
// overridden by Forwarded or X-Forwarded-* only when the peer is one of
// cfg.TrustedProxies. An answer built from forwarded headers says so in
// Vary, so that a shared cache keeps the answers to different proxies'
// clients apart. It is computed where a handler needs it, not for every
// request.
func (s *Server) requestBase(c echo.Context) string {
	r := c.Request()
	switch {
	case s.cfg.BaseURL != "":
		return s.cfg.BaseURL
	case s.trusted(r.RemoteAddr):
		h := c.Response().Header()
		if !slices.Contains(h.Values("Vary"), forwardedHeaders[0]) {
			for _, name := range forwardedHeaders {
				h.Add("Vary", name)
			}
		}
		return forwardedBase(r.Header, r.TLS != nil, r.Host)
	}
	return ownBase(r)
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
	if !validHost(host) {
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
	if !validHost(host) {
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
	if fhost != "" && validHost(fhost) {
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
			if !(r < utf8.RuneSelf && isAlnum(byte(r)) || strings.ContainsRune("-._~", r)) {
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
