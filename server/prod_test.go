package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beibeimap/server"
)

// Regressions of issue 12, written against the API as it was before the
// fix, so that each could be watched failing.

// plainServer is the fixture behind no trusted proxy, with no CORS origin.
func plainServer(t *testing.T) *server.Server {
	t.Helper()
	return server.New(server.Config{Store: fixtureStore(t), Now: func() time.Time { return fixedNow }})
}

// TestForwardedHeadersFromAnyone: a client's own X-Forwarded-Host must not
// reach the links of a publicly cacheable answer (cache poisoning).
func TestForwardedHeadersFromAnyone(t *testing.T) {
	s := plainServer(t)
	for _, hdr := range [][]string{
		{"X-Forwarded-Host", "evil.example"},
		{"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-Prefix", "/x"},
		{"Forwarded", "host=evil.example;proto=https"},
	} {
		rec := do(t, s, http.MethodGet, "/collections/districts/items?limit=1&datetime=../..", hdr...)
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		if strings.Contains(rec.Body.String(), "evil.example") || strings.Contains(strings.Join(rec.Header().Values("Link"), " "), "evil.example") {
			t.Errorf("%v from an untrusted peer reached the links: Link %v", hdr, rec.Header().Values("Link"))
		}
		if !strings.Contains(strings.Join(rec.Header().Values("Link"), " "), "<http://example.com/collections/districts/items?") {
			t.Errorf("links are not built on the request's own host: %v", rec.Header().Values("Link"))
		}
	}
}

// TestProblemBodiesAreShort: a 1 MiB address gives a short problem, not a
// 1 MiB one.
func TestProblemBodiesAreShort(t *testing.T) {
	s := plainServer(t)
	long := strings.Repeat("北", 1<<20/3)
	for _, target := range []string{
		"/lookup?address=" + long + "&lon=1",
		"/lookup?lon=" + strings.Repeat("9", 1<<20) + "&lat=1",
		"/collections/districts/items?" + strings.Repeat("x", 1<<20) + "=1",
		"/collections/" + strings.Repeat("n", 1<<20),
	} {
		rec := do(t, s, http.MethodGet, target)
		if rec.Code < 400 || rec.Code >= 500 || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%.40s…: %d %s", target, rec.Code, rec.Header().Get("Content-Type"))
		}
		if n := rec.Body.Len(); n > 4096 {
			t.Errorf("%.40s…: problem body of %d bytes", target, n)
		}
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Errorf("%.40s…: problem is not JSON: %v", target, err)
		}
	}
}

// TestBatchPointNeedsTwoNumbers: [106] is not (106, 0), [] is not (0, 0).
func TestBatchPointNeedsTwoNumbers(t *testing.T) {
	s := plainServer(t)
	for _, coords := range []string{"[106]", "[]", `["106","29"]`} {
		body := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":` + coords + `}}]}`
		req := httptest.NewRequest(http.MethodPost, "/lookup", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/geo+json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("Point %s: status %d %s, want a 400 problem", coords, rec.Code, rec.Body.String())
		}
	}
}

// TestHTMLAnswersCarryPolicies: every HTML answer, not only the map page,
// says nosniff and who may frame it.
func TestHTMLAnswersCarryPolicies(t *testing.T) {
	s := plainServer(t)
	for _, target := range []string{"/?f=html", "/collections?f=html", "/collections/districts/items?f=html", "/conformance?f=html", "/api?f=html", "/collections/districts/queryables?f=html"} {
		rec := do(t, s, http.MethodGet, target)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", target, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors") || !strings.Contains(csp, "default-src") {
			t.Errorf("%s: Content-Security-Policy %q", target, csp)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options: nosniff", target)
		}
	}
}

// TestGzipRefusedByClient: "gzip;q=0" means the client does not accept
// gzip (RFC 9110 §12.5.3), so the answer must not be compressed.
func TestGzipRefusedByClient(t *testing.T) {
	s := plainServer(t)
	for _, ae := range []string{"gzip;q=0", "gzip; q=0.0", "identity, gzip;q=0", "*;q=0, identity", "gzip;q=abc"} {
		rec := do(t, s, http.MethodGet, "/collections/districts/items?datetime=../..", "Accept-Encoding", ae)
		if rec.Header().Get("Content-Encoding") != "" || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", ae, rec.Header().Get("Content-Encoding"))
		}
	}
	for _, ae := range []string{"gzip", "gzip;q=0.5, br", "deflate, gzip"} {
		if rec := do(t, s, http.MethodGet, "/collections/districts/items?datetime=../..", "Accept-Encoding", ae); rec.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("Accept-Encoding %q: not compressed", ae)
		}
	}
}

// TestGlobalMiddlewareOnEveryAnswer: the service-wide middleware (composed
// once, see server.New) runs on answers no route gives too: an unknown
// path, a known path with a wrong method and a CORS preflight each carry
// nosniff, and the preflight is answered by the CORS middleware.
func TestGlobalMiddlewareOnEveryAnswer(t *testing.T) {
	s := fixtureServer(t)
	for _, tt := range []struct {
		method, target string
		hdr            []string
		code           int
	}{
		{http.MethodGet, "/nowhere", nil, http.StatusNotFound},
		{http.MethodPost, "/collections", nil, http.StatusMethodNotAllowed},
		{http.MethodOptions, "/collections", []string{"Origin", "https://allowed.example", "Access-Control-Request-Method", "GET"}, http.StatusNoContent},
	} {
		rec := do(t, s, tt.method, tt.target, tt.hdr...)
		if rec.Code != tt.code {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.target, rec.Code, tt.code)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: no X-Content-Type-Options: nosniff", tt.method, tt.target)
		}
		if tt.method == http.MethodOptions && rec.Header().Get("Access-Control-Allow-Origin") != "https://allowed.example" {
			t.Errorf("preflight: Access-Control-Allow-Origin %q", rec.Header().Get("Access-Control-Allow-Origin"))
		}
	}
}
