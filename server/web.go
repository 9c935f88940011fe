package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// webTypes maps the extensions of the built front end to their media types.
// A fixed table, rather than the operating system's, keeps the answers the
// same on every machine; other extensions are not served.
var webTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".png":  "image/png",
}

// hashedName matches the asset names that esbuild gives a content hash
// (marker-icon-2V3QKKVC.png): their content never changes under that name,
// so browsers may keep them for a year.
var hashedName = regexp.MustCompile(`-[A-Z0-9]{8}\.[a-z0-9]+$`)

// handleMapRedirect sends /map to /map/ with a relative Location, so that
// the redirect stays right behind a proxy that mounts the service under a
// prefix.
func (s *Server) handleMapRedirect(c echo.Context) error {
	loc := "map/"
	if q := c.Request().URL.RawQuery; q != "" {
		loc += "?" + q
	}
	return c.Redirect(http.StatusMovedPermanently, loc)
}

// handleMap serves the embedded map page under /map/: index.html for the
// folder itself, config.json from the configuration and the snapshot, and
// the built files otherwise. Folders other than the root are not listed;
// paths that try to leave the folder, encoded separators and unknown names
// are 404; an unbuilt front end is 503.
func (s *Server) handleMap(c echo.Context) error {
	r := c.Request()
	name, ok := mapFileName(r.URL)
	if !ok {
		return errStatus(http.StatusNotFound, "", "no such file of the map page")
	}
	if name == "config.json" {
		return s.handleMapConfig(c)
	}
	files := s.web
	if _, err := fs.Stat(files, "index.html"); err != nil {
		return errStatus(http.StatusServiceUnavailable, "", "front end not built: run make web")
	}
	if name == "" {
		name = "index.html"
	}
	ctype, known := webTypes[path.Ext(name)]
	if !known {
		return errStatus(http.StatusNotFound, "", "no such file of the map page")
	}
	b, err := fs.ReadFile(files, name)
	if err != nil { // missing, or a folder: never a listing
		return errStatus(http.StatusNotFound, "", "no such file of the map page")
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ctype)
	h.Set("ETag", s.mapFileTag(name, b))
	h.Set("X-Content-Type-Options", "nosniff")
	if hashedName.MatchString(name) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Stable names (index.html, app.js) change with every build:
		// revalidate each time, which costs a 304 on loopback or intranet.
		h.Set("Cache-Control", "no-cache")
	}
	if name == "index.html" {
		h.Set("Content-Security-Policy", s.mapCSP())
		h.Set("Referrer-Policy", "no-referrer")
	}
	// No ranges: the files are small, and a partial body would then pass
	// through the gzip middleware, which does not rewrite Content-Range.
	r.Header.Del("Range")
	http.ServeContent(c.Response(), r, name, time.Time{}, bytes.NewReader(b))
	return nil
}

// mapFileTag returns the ETag of the embedded file name with content b,
// hashing it once: the embedded files never change while the server runs.
func (s *Server) mapFileTag(name string, b []byte) string {
	if t, ok := s.webTags.Load(name); ok {
		return t.(string)
	}
	sum := sha256.Sum256(b)
	t, _ := s.webTags.LoadOrStore(name, `"`+hex.EncodeToString(sum[:12])+`"`)
	return t.(string)
}

// mapFileName returns the name of the file that u asks for, relative to
// the /map/ folder ("" for the folder itself), and false for any name that
// is not a plain relative path: "..", ".", empty elements, backslashes and
// percent-encoded slashes or backslashes.
func mapFileName(u *url.URL) (string, bool) {
	raw := strings.ToLower(u.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") {
		return "", false
	}
	name, ok := strings.CutPrefix(u.Path, "/map/")
	if !ok || strings.Contains(name, `\`) {
		return "", false
	}
	if name == "" {
		return "", true
	}
	if !fs.ValidPath(name) {
		return "", false
	}
	return name, true
}

// mapConfig is the body of /map/config.json.
type mapConfig struct {
	// Basemap is the raster tile URL template of `serve --basemap`, or nil.
	Basemap *string `json:"basemap"`
	// Attribution lists, without repeats, the attribution text of every
	// collection, for the map's attribution control.
	Attribution []string `json:"attribution"`
	// Region holds the facts of the redrawing the page tells.
	Region geo.RegionFacts `json:"region"`
}

// handleMapConfig tells the page which basemap to offer and which
// attributions to show.
func (s *Server) handleMapConfig(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	hit := notModified(c, entityTag(snap.Version(), s.cfg.Basemap))
	c.Response().Header().Set("Cache-Control", "no-cache") // revalidate: the data can be reloaded
	if hit {
		return c.NoContent(http.StatusNotModified)
	}
	cfg := mapConfig{Attribution: []string{}, Region: geo.Redrawing2026.Facts()}
	if s.cfg.Basemap != "" {
		b := s.cfg.Basemap
		cfg.Basemap = &b
	}
	seen := map[string]bool{}
	for _, col := range snap.Collections() {
		a := strings.TrimSpace(col.Attribution)
		if a != "" && !seen[a] {
			seen[a] = true
			cfg.Attribution = append(cfg.Attribution, a)
		}
	}
	return c.JSON(http.StatusOK, cfg)
}

// mapCSP is the Content-Security-Policy of the page: everything from this
// service only, so that the browser itself refuses any request to another
// host — except the tiles of a configured basemap.
func (s *Server) mapCSP() string {
	img := "'self' data: blob:"
	if o := basemapOrigin(s.cfg.Basemap); o != "" {
		img += " " + o
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src " + img + "; connect-src 'self'; font-src 'self'; object-src 'none'; " +
		"base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
}

// basemapOrigin returns the CSP source of a basemap URL template: its
// scheme and host, with a {s} sub-domain placeholder turned into a
// wildcard; "" for a relative template (covered by 'self') or one that
// cannot be parsed.
func basemapOrigin(tmpl string) string {
	i := strings.Index(tmpl, "://")
	if i <= 0 {
		return ""
	}
	scheme := tmpl[:i]
	rest := tmpl[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	rest = strings.ReplaceAll(rest, "{s}", "*")
	if rest == "" || strings.ContainsAny(rest, "{} ;'\"") || (scheme != "http" && scheme != "https") {
		return ""
	}
	return scheme + "://" + rest
}
