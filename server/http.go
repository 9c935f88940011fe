package server

// The HTTP toolbox of every handler of the server: content negotiation,
// query parameter checks, ETags and conditional requests, Link headers and
// writing documents as JSON, and the common preamble of the OGC handlers.
// The OGC vocabulary itself lives in ogc_vocab.go, error bodies in
// problem.go.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// format is the representation a client asked for.
type format uint8

const (
	fJSON format = iota
	fHTML
)

// negotiate picks JSON or HTML from the f parameter, then from Accept
// (the higher q-value of text/html and any JSON type wins, JSON on a tie);
// an unknown f is a 400.
func negotiate(c echo.Context) (format, error) {
	if f, ok := queryFirst(c.Request().URL.RawQuery, "f"); ok {
		switch strings.ToLower(f) {
		case "json", "geojson", "application/json", "application/geo+json":
			return fJSON, nil
		case "html", "text/html":
			return fHTML, nil
		}
		return fJSON, geo.Invalidf("f", "unknown format %q (want json or html)", f)
	}
	html, js := -1.0, -1.0
	for part := range strings.SplitSeq(c.Request().Header.Get("Accept"), ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.TrimSpace(k) == "q" {
				if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = x
				}
			}
		}
		switch mt = strings.ToLower(strings.TrimSpace(mt)); {
		case mt == "text/html":
			html = max(html, q)
		case strings.HasSuffix(mt, "json"):
			js = max(js, q)
		}
	}
	if html > 0 && html > js {
		return fHTML, nil
	}
	return fJSON, nil
}

// checkParams returns a 400 naming the first query parameter that is not
// in allowed (or accepted by extra), and for a parameter given twice.
func checkParams(c echo.Context, allowed []string, extra func(string) bool) error {
	var pairs [8]queryPair
	return parseQueryList(c.Request().URL.RawQuery, pairs[:0]).check(allowed, extra)
}

// entityTag is a weak entity tag naming the parts, which must between them
// say everything a response depends on: W/"<FNV-1a 64 of the parts joined
// by NUL, 16 hex digits>".
func entityTag(parts ...string) string {
	const offset, prime = 14695981039346656037, 1099511628211 // FNV-1a 64
	h := uint64(offset)
	for i, p := range parts {
		if i > 0 {
			h *= prime // h ^= 0, the NUL between parts
		}
		for j := 0; j < len(p); j++ {
			h = (h ^ uint64(p[j])) * prime
		}
	}
	var buf [20]byte
	b := append(buf[:0], `W/"`...)
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, "0123456789abcdef"[h>>uint(shift)&0xf])
	}
	return string(append(b, '"'))
}

// etag derives the entity tag of an OGC response from the data version and
// everything else it depends on: the format, the base URL, the request URI
// and the date (the default view of a collection changes at midnight).
func (s *Server) etag(c echo.Context, snap *geo.Snapshot, f format, b baseURL) string {
	return etagOn(c, snap, f, b, s.today())
}

// etagOn is etag on the given day (a date of package geo), for a handler
// that has read the clock already.
func etagOn(c echo.Context, snap *geo.Snapshot, f format, b baseURL, today time.Time) string {
	var day [len(geo.DateLayout)]byte
	u := c.Request().URL // path and query as two parts: no RequestURI string to build
	return entityTag(snap.Version(), strconv.Itoa(int(f)), string(b), u.EscapedPath(), u.RawQuery, string(appendDate(day[:0], today)))
}

// publicCache is the Cache-Control of cacheable OGC answers, one slice
// shared by all (header values are only ever replaced, not changed).
var publicCache = []string{"public, max-age=60"}

// varyAccept is the Vary of an OGC answer no middleware has set Vary on,
// shared likewise (Header.Add appends to a copy: its capacity is 1).
var varyAccept = []string{"Accept"}

// notModified sets ETag, Cache-Control and Vary, and reports whether the
// client's If-None-Match already names the tag (the caller then answers
// 304 with notModifiedResponse).
func notModified(c echo.Context, tag string) bool {
	h := c.Response().Header()
	h["Etag"] = []string{tag} // "ETag" in canonical form
	h["Cache-Control"] = publicCache
	if v := h["Vary"]; v == nil {
		h["Vary"] = varyAccept
	} else {
		h["Vary"] = append(v, "Accept")
	}
	inm := c.Request().Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	want := strings.TrimPrefix(tag, "W/")
	for t := range strings.SplitSeq(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// writeLinkHeaders mirrors links in Link headers (RFC 8288):
// <href>; rel="rel"; type="type", rel and type quoted as Go quotes. The
// values are built on the stack and cut from one string, so the headers
// cost two allocations however many links there are. itemsLinks makes
// the same values with the links themselves.
func writeLinkHeaders(c echo.Context, links []link) {
	h := c.Response().Header()
	var (
		stack   [2048]byte
		endsArr [8]int
	)
	b, ends := stack[:0], endsArr[:0]
	for _, l := range links {
		b = appendLinkParams(append(append(b, '<'), l.Href...), l)
		ends = append(ends, len(b))
	}
	all := string(b)
	vals := make([]string, 0, len(links))
	start := 0
	for _, end := range ends {
		vals = append(vals, all[start:end])
		start = end
	}
	addLinkHeaders(h, vals)
}

// appendLinkParams appends what follows the href of l in its Link header
// value: >; rel="rel"; type="type".
func appendLinkParams(b []byte, l link) []byte {
	b = appendQuoted(append(b, ">; rel="...), l.Rel)
	return appendQuoted(append(b, "; type="...), l.Type)
}

// addLinkHeaders adds the Link header values vals (as writeLinkHeaders
// makes them) after those h has.
func addLinkHeaders(h http.Header, vals []string) {
	if prev := h["Link"]; prev != nil {
		vals = append(prev, vals...)
	}
	h["Link"] = vals
}

// appendQuoted appends s as strconv.AppendQuote does, directly when s is
// printable ASCII without quote or backslash (every rel and media type).
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// blob answers 200 with body of content type ct and its Content-Length.
// Without the length, net/http sends a body larger than its buffer
// chunked: a third write (the closing chunk) per answer, which on an items
// page costs more than encoding it. The gzip middleware drops the length
// when it compresses.
func blob(c echo.Context, ct string, body []byte) error {
	return blobParts(c, ct, body, nil)
}

// blobParts is blob of the body head followed by tail, written one after
// the other: a large tail kept elsewhere (a pageCache body) goes to the
// connection without being copied after head.
func blobParts(c echo.Context, ct string, head, tail []byte) error {
	res := c.Response()
	h := res.Header()
	h["Content-Length"] = []string{strconv.Itoa(len(head) + len(tail))}
	if v := h["Content-Type"]; len(v) == 0 || v[0] == "" { // as echo's Blob, without a slice per answer
		switch ct {
		case mtGeoJSON:
			h["Content-Type"] = geoJSONType
		case mtJSON:
			h["Content-Type"] = jsonType
		default:
			h["Content-Type"] = []string{ct}
		}
	}
	res.WriteHeader(http.StatusOK)
	if _, err := res.Write(head); err != nil || len(tail) == 0 {
		return err
	}
	_, err := res.Write(tail)
	return err
}

// geoJSONType and jsonType are Content-Type values shared by all answers
// (header values are only ever replaced, not changed).
var (
	geoJSONType = []string{mtGeoJSON}
	jsonType    = []string{mtJSON}
)

// writeJSON writes v as indented JSON with content type ct.
func writeJSON(c echo.Context, ct string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("server: encode %s: %w", ct, err)
	}
	return blob(c, ct, buf.Bytes())
}

// preamble is the common start of every OGC handler: it takes the snapshot,
// negotiates the format, checks the query parameters and answers 304 when
// the client's copy is current. done is true when the response is written.
func (s *Server) preamble(c echo.Context, allowed []string, extra func(string) bool) (snap *geo.Snapshot, f format, b baseURL, done bool, err error) {
	return s.preambleVariant(c, allowed, extra, nil)
}

// preambleVariant is preamble for a document that also depends on state
// of the snapshot other than its data: variant(snap) is part of the ETag.
func (s *Server) preambleVariant(c echo.Context, allowed []string, extra func(string) bool, variant func(*geo.Snapshot) string) (snap *geo.Snapshot, f format, b baseURL, done bool, err error) {
	if snap, err = s.snapshot(); err != nil {
		return nil, 0, "", false, err
	}
	if f, err = negotiate(c); err != nil {
		return nil, 0, "", false, err
	}
	if err = checkParams(c, allowed, extra); err != nil {
		return nil, 0, "", false, err
	}
	b = baseURL(s.requestBase(c))
	tag := s.etag(c, snap, f, b)
	if variant != nil {
		tag = entityTag(tag, variant(snap))
	}
	if notModified(c, tag) {
		return snap, f, b, true, c.NoContent(http.StatusNotModified)
	}
	return snap, f, b, false, nil
}

// collectionParam returns the collection named in the path, or a 404.
func collectionParam(c echo.Context, snap *geo.Snapshot) (*geo.Collection, error) {
	id := c.Param("collection")
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	col, err := snap.Collection(id)
	if err != nil {
		return nil, &geo.InputError{Param: "collectionId", Detail: fmt.Sprintf("no collection %q", id), Kind: geo.ErrNotFound}
	}
	return col, nil
}
