package server

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// builtSite is a front end as `make web` leaves it.
var builtSite = fstest.MapFS{
	"README.txt":                {Data: []byte("built by make web\n")},
	"index.html":                {Data: []byte("<!doctype html><title>map</title><script src=app.js></script>")},
	"app.js":                    {Data: []byte("console.log('map')")},
	"app.css":                   {Data: []byte("body{margin:0}")},
	"marker-icon-2V3QKKVC.png":  {Data: []byte("\x89PNG\r\n\x1a\n")},
	"sub/inner.js":              {Data: []byte("inner")},
	"dir.js/a.js":               {Data: []byte("x")},
	"tool.exe":                  {Data: []byte("MZ")},
	"layers-2x-TBM42ERR.png":    {Data: []byte("\x89PNG\r\n\x1a\n2x")},
	"app.js.LEGAL.txt":          {Data: []byte("Leaflet BSD-2-Clause")},
	"sub/index.html":            {Data: []byte("<p>inner index</p>")},
	"sub/deeper/marker-0A.html": {Data: []byte("deep")},
}

// unbuiltSite is a fresh clone: only the committed README.
var unbuiltSite = fstest.MapFS{"README.txt": {Data: []byte("built by make web\n")}}

// webServer returns a server of the map page files site, with four
// collections whose attributions are two distinct texts, a repeat and an
// empty one.
func webServer(t *testing.T, site fs.FS, basemap string) *Server {
	t.Helper()
	col := func(id, attribution string) *geo.Collection {
		return &geo.Collection{ID: id, Title: id, Attribution: attribution, Features: []*geo.Feature{
			{ID: "1", Collection: id, Properties: map[string]any{}, Geometry: orb.Point{106.8448, 29.85653}},
		}}
	}
	snap, err := geo.NewSnapshot([]*geo.Collection{
		col("districts", "ECharts outlines (MIT)"),
		col("seats", "GeoNames (geonames.org), CC BY 4.0"),
		col("projects", "ECharts outlines (MIT)"),
		col("corridors", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: geo.NewStore(snap), Basemap: basemap, Web: site})
}

func serve(t *testing.T, s *Server, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// wantProblem checks that rec is a problem+json answer with status.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) Problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("body is not a problem: %v: %s", err, rec.Body)
	}
	if p.Status != status {
		t.Fatalf("problem status = %d, want %d", p.Status, status)
	}
	return p
}

func TestWebRedirect(t *testing.T) {
	site := builtSite
	s := webServer(t, site, "")
	tests := []struct {
		name, target, location string
	}{
		{"plain", "/map", "map/"},
		{"query kept", "/map?x=1", "map/?x=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				rec := serve(t, s, method, tc.target, nil)
				if rec.Code != http.StatusMovedPermanently {
					t.Fatalf("%s: status = %d, want 301", method, rec.Code)
				}
				if got := rec.Header().Get("Location"); got != tc.location {
					t.Fatalf("%s: Location = %q, want relative %q", method, got, tc.location)
				}
			}
		})
	}
}

func TestWebFiles(t *testing.T) {
	site := builtSite
	s := webServer(t, site, "")
	tests := []struct {
		name, target, ctype, body, cache string
	}{
		{"folder is index.html", "/map/", "text/html; charset=utf-8", string(builtSite["index.html"].Data), "no-cache"},
		{"index.html", "/map/index.html", "text/html; charset=utf-8", string(builtSite["index.html"].Data), "no-cache"},
		{"script", "/map/app.js", "text/javascript; charset=utf-8", "console.log('map')", "no-cache"},
		{"style", "/map/app.css", "text/css; charset=utf-8", "body{margin:0}", "no-cache"},
		{"hashed image", "/map/marker-icon-2V3QKKVC.png", "image/png", "\x89PNG\r\n\x1a\n", "public, max-age=31536000, immutable"},
		{"licence text", "/map/app.js.LEGAL.txt", "text/plain; charset=utf-8", "Leaflet BSD-2-Clause", "no-cache"},
		{"file in a folder", "/map/sub/inner.js", "text/javascript; charset=utf-8", "inner", "no-cache"},
		{"query ignored", "/map/app.css?v=2", "text/css; charset=utf-8", "body{margin:0}", "no-cache"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(t, s, http.MethodGet, tc.target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", ct, tc.ctype)
			}
			if rec.Body.String() != tc.body {
				t.Errorf("body = %q, want %q", rec.Body, tc.body)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", cc, tc.cache)
			}
			if rec.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}

			head := serve(t, s, http.MethodHead, tc.target, nil)
			if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Type") != tc.ctype {
				t.Errorf("HEAD: status %d, %d body bytes, type %q", head.Code, head.Body.Len(), head.Header().Get("Content-Type"))
			}

			ranged := serve(t, s, http.MethodGet, tc.target, map[string]string{"Range": "bytes=0-1"})
			if ranged.Code != http.StatusOK || ranged.Body.String() != tc.body {
				t.Errorf("Range: status %d, body %q; want the whole file", ranged.Code, ranged.Body)
			}

			again := serve(t, s, http.MethodGet, tc.target, map[string]string{"If-None-Match": rec.Header().Get("ETag")})
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("If-None-Match: status %d with %d bytes, want 304 and none", again.Code, again.Body.Len())
			}
		})
	}
}

func TestWebIndexSecurityHeaders(t *testing.T) {
	site := builtSite
	tests := []struct {
		name, basemap string
		imgSrc        string
	}{
		{"no basemap", "", "img-src 'self' data: blob:;"},
		{"basemap host allowed", "https://tiles.example.org/{z}/{x}/{y}.png", "img-src 'self' data: blob: https://tiles.example.org;"},
		{"sub-domain placeholder", "https://{s}.tile.example.org/{z}/{x}/{y}.png", "img-src 'self' data: blob: https://*.tile.example.org;"},
		{"same host basemap", "/tiles/{z}/{x}/{y}.png", "img-src 'self' data: blob:;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(t, webServer(t, site, tc.basemap), http.MethodGet, "/map/", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d", rec.Code)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "connect-src 'self'", "script-src 'self'", tc.imgSrc} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
		})
	}
}

func TestWebNotFound(t *testing.T) {
	site := builtSite
	s := webServer(t, site, "")
	tests := []struct{ name, target string }{
		{"missing file", "/map/nope.js"},
		{"folder is not listed", "/map/sub/"},
		{"folder without slash", "/map/sub"},
		{"folder whose name has a served extension", "/map/dir.js"},
		{"index of a sub-folder is not served for the folder", "/map/sub/deeper/"},
		{"dot dot", "/map/../../etc/passwd"},
		{"dot dot inside", "/map/sub/../app.js"},
		{"encoded dot dot", "/map/%2e%2e/%2e%2e/etc/passwd"},
		{"upper-case encoded dot dot", "/map/%2E%2E/app.js"},
		{"encoded slash", "/map/sub%2finner.js"},
		{"encoded slash after dot dot", "/map/..%2f..%2fetc%2fpasswd"},
		{"backslash", `/map/sub\inner.js`},
		{"encoded backslash", "/map/sub%5cinner.js"},
		{"dot", "/map/./app.js"},
		{"double slash", "/map//app.js"},
		{"unknown extension", "/map/tool.exe"},
		{"no extension", "/map/README"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, serve(t, s, http.MethodGet, tc.target, nil), http.StatusNotFound)
			if p.Detail != "no such file of the map page" {
				t.Fatalf("detail = %q", p.Detail)
			}
		})
	}
}

func TestWebNotBuilt(t *testing.T) {
	site := unbuiltSite
	s := webServer(t, site, "")
	for _, target := range []string{"/map/", "/map/index.html", "/map/app.js"} {
		t.Run(target, func(t *testing.T) {
			p := wantProblem(t, serve(t, s, http.MethodGet, target, nil), http.StatusServiceUnavailable)
			if p.Detail != "front end not built: run make web" {
				t.Fatalf("detail = %q", p.Detail)
			}
		})
	}
	t.Run("config still answers", func(t *testing.T) {
		if rec := serve(t, s, http.MethodGet, "/map/config.json", nil); rec.Code != http.StatusOK {
			t.Fatalf("status = %d, want 200", rec.Code)
		}
	})
	t.Run("path tricks stay 404", func(t *testing.T) {
		wantProblem(t, serve(t, s, http.MethodGet, "/map/../../etc/passwd", nil), http.StatusNotFound)
	})
}

func TestWebConfig(t *testing.T) {
	site := builtSite
	attribution := []string{"ECharts outlines (MIT)", "GeoNames (geonames.org), CC BY 4.0"}
	tests := []struct {
		name, basemap string
		want          string // JSON of the basemap member
	}{
		{"no basemap", "", "null"},
		{"basemap", "http://10.0.0.1/tiles/{z}/{x}/{y}.png", `"http://10.0.0.1/tiles/{z}/{x}/{y}.png"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := webServer(t, site, tc.basemap)
			rec := serve(t, s, http.MethodGet, "/map/config.json", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, body %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type = %q", ct)
			}
			var got struct {
				Basemap     json.RawMessage `json:"basemap"`
				Attribution []string        `json:"attribution"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if string(got.Basemap) != tc.want {
				t.Errorf("basemap = %s, want %s", got.Basemap, tc.want)
			}
			if !reflect.DeepEqual(got.Attribution, attribution) {
				t.Errorf("attribution = %q, want %q (each once, in collection order, no empty one)", got.Attribution, attribution)
			}
			etag := rec.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if again := serve(t, s, http.MethodGet, "/map/config.json", map[string]string{"If-None-Match": etag}); again.Code != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", again.Code)
			}
		})
	}
	t.Run("basemap changes the ETag", func(t *testing.T) {
		a := serve(t, webServer(t, site, ""), http.MethodGet, "/map/config.json", nil).Header().Get("ETag")
		b := serve(t, webServer(t, site, "http://x/{z}/{x}/{y}.png"), http.MethodGet, "/map/config.json", nil).Header().Get("ETag")
		if a == b {
			t.Fatalf("same ETag %s for different configurations", a)
		}
	})
	t.Run("no data yet", func(t *testing.T) {
		s := New(Config{Store: geo.NewStore(nil)})
		wantProblem(t, serve(t, s, http.MethodGet, "/map/config.json", nil), http.StatusServiceUnavailable)
	})
}

func TestWebBasemapOrigin(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"https host", "https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"},
		{"port kept", "http://10.1.2.3:8081/osm/{z}/{x}/{y}.png", "http://10.1.2.3:8081"},
		{"sub-domains", "https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"},
		{"relative", "/tiles/{z}/{x}/{y}.png", ""},
		{"empty", "", ""},
		{"other scheme", "ftp://x.org/{z}/{x}/{y}.png", ""},
		{"quote injection", "https://x.org';script-src */{z}", ""},
		{"placeholder in host", "https://{z}.x.org/{x}/{y}.png", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := basemapOrigin(tc.in); got != tc.want {
				t.Fatalf("basemapOrigin(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
