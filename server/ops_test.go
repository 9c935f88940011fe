package server_test

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"beibeimap/geo"
	"beibeimap/server"
)

// proxied requests the fixture's items through peer with headers hdr and
// returns the Link headers and Vary.
func proxied(t *testing.T, s http.Handler, peer string, hdr ...string) (links, vary string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/collections/districts/items?limit=1&datetime=../..", nil)
	req.RemoteAddr = peer
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	return strings.Join(rec.Header().Values("Link"), " "), strings.Join(rec.Header().Values("Vary"), ",")
}

func TestBaseURLSources(t *testing.T) {
	trusted := server.New(server.Config{Store: fixtureStore(t), Now: func() time.Time { return fixedNow },
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	fixed := server.New(server.Config{Store: fixtureStore(t), Now: func() time.Time { return fixedNow },
		BaseURL: "https://maps.example.org/beibei", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	xf := []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.org", "X-Forwarded-Prefix", "/beibei"}
	for _, tc := range []struct {
		name     string
		s        http.Handler
		peer     string
		hdr      []string
		want     string
		wantVary bool
	}{
		{"trusted peer, X-Forwarded-*", trusted, "10.1.2.3:5555", xf, "<https://maps.example.org/beibei/collections/", true},
		{"trusted IPv6 peer", trusted, "[::1]:5555", xf, "<https://maps.example.org/beibei/collections/", true},
		{"trusted peer, Forwarded", trusted, "10.1.2.3:5555", []string{"Forwarded", `for=192.0.2.60;proto=https;host="maps.example.org:8443", for=10.0.0.1`}, "<https://maps.example.org:8443/collections/", true},
		{"trusted peer, forged host with a path", trusted, "10.1.2.3:5555", []string{"X-Forwarded-Host", "evil.example/x"}, "<http://example.com/collections/", true},
		{"trusted peer, prefix with ..", trusted, "10.1.2.3:5555", []string{"X-Forwarded-Prefix", "/a/../b"}, "<http://example.com/collections/", true},
		{"untrusted peer", trusted, "203.0.113.9:5555", xf, "<http://example.com/collections/", false},
		{"base URL wins over a trusted proxy", fixed, "10.1.2.3:5555", []string{"X-Forwarded-Host", "other.example"}, "<https://maps.example.org/beibei/collections/", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			links, vary := proxied(t, tc.s, tc.peer, tc.hdr...)
			if !strings.Contains(links, tc.want) {
				t.Errorf("links %s, want them built on %s", links, tc.want)
			}
			if got := strings.Contains(vary, "X-Forwarded-Host"); got != tc.wantVary {
				t.Errorf("Vary %q: names X-Forwarded-Host %v, want %v", vary, got, tc.wantVary)
			}
			if !strings.Contains(vary, "Accept") {
				t.Errorf("Vary %q does not name Accept", vary)
			}
		})
	}
}

func TestParseBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://maps.example.org/beibei/": "https://maps.example.org/beibei",
		"http://127.0.0.1:8080":            "http://127.0.0.1:8080",
		"ftp://x":                          "",
		"/relative":                        "",
		"https://u:p@host":                 "",
		"https://host/?q=1":                "",
	} {
		got, err := server.ParseBaseURL(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestCORSOffByDefault(t *testing.T) {
	s := plainServer(t)
	rec := do(t, s, http.MethodOptions, "/collections", "Origin", "https://any.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-Anything")
	for k := range rec.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("preflight without configured origins answered %s: %s", k, rec.Header().Get(k))
		}
	}
}

func TestMapPageKeepsItsOwnPolicy(t *testing.T) {
	s := plainServer(t)
	rec := do(t, s, http.MethodGet, "/map/")
	if rec.Code == http.StatusServiceUnavailable {
		t.Skip("front end not built (make web)")
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("map page CSP %q replaced or missing", csp)
	}
}

// TestMetricsAndReadiness drives a few requests and a failed load, then
// reads them back from /metrics and /readyz.
func TestMetricsAndReadiness(t *testing.T) {
	store := fixtureStore(t)
	s := server.New(server.Config{Store: store, Now: func() time.Time { return fixedNow }})
	s.Loaded(store.Snapshot(), 12*time.Millisecond, nil)
	do(t, s, http.MethodGet, "/collections")
	do(t, s, http.MethodGet, "/collections")
	do(t, s, http.MethodHead, "/collections")
	do(t, s, http.MethodGet, "/collections/nope")
	do(t, s, http.MethodGet, "/no/such/route")
	do(t, s, http.MethodGet, "/tiles/10/843/418.mvt")
	do(t, s, http.MethodGet, "/tiles/10/843/418.mvt")
	for range 5 { // built twice (kept on its second asking), then answered from the cache
		do(t, s, http.MethodGet, "/collections/districts/items?limit=2")
	}
	do(t, s, http.MethodGet, "/collections/districts/items?limit=2&f=html") // never looked up
	req := httptest.NewRequest(http.MethodPost, "/lookup", strings.NewReader(`[[106.4,29.8],[106.5,29.9],[106.6,29.7]]`))
	req.Header.Set("Content-Type", "application/json")
	s.ServeHTTP(httptest.NewRecorder(), req)
	s.Loaded(nil, 0, errors.New(`data: projects.geojson: geo: collection projects: feature "x": ring 1 is not closed: invalid`))

	rec := do(t, s, http.MethodGet, "/metrics")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	m := rec.Body.String()
	for _, want := range []string{
		`beibeimap_http_requests_total{method="GET",route="/collections",status="200"} 2`,
		`beibeimap_http_requests_total{method="HEAD",route="/collections",status="200"} 1`,
		`beibeimap_http_requests_total{method="GET",route="/collections/:collection",status="404"} 1`,
		`beibeimap_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`beibeimap_http_request_duration_seconds_count{route="/collections"} 3`,
		`beibeimap_http_requests_in_flight 1`, // the /metrics request itself
		`beibeimap_tile_cache_requests_total{result="hit"} 1`,
		`beibeimap_tile_cache_requests_total{result="miss"} 1`,
		`beibeimap_items_answer_cache_requests_total{result="hit"} 3`,
		`beibeimap_items_answer_cache_requests_total{result="miss"} 2`,
		`beibeimap_lookup_batch_points_sum 3`,
		`beibeimap_reloads_total{result="failed"} 1`,
		`beibeimap_reloads_total{result="ok"} 1`,
		`beibeimap_snapshot_info{version="` + store.Snapshot().Version() + `"} 1`,
		`beibeimap_snapshot_load_seconds 0.012`,
		`beibeimap_snapshot_features{collection="districts"}`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	rec = do(t, s, http.MethodGet, "/readyz")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `"version":"`+store.Snapshot().Version()+`"`) ||
		!strings.Contains(body, `ring 1 is not closed`) || !strings.Contains(body, `"districts":`) {
		t.Errorf("/readyz: %d %s", rec.Code, body)
	}
	empty := server.New(server.Config{Store: geo.NewStore(nil)})
	if rec := do(t, empty, http.MethodGet, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before any data: %d, want 503", rec.Code)
	}
}

// blockingBody is a request body whose first Read reports on started and
// then waits for release.
type blockingBody struct {
	started chan<- struct{}
	release <-chan struct{}
	r       io.Reader
	once    bool
}

func (b *blockingBody) Read(p []byte) (int, error) {
	if !b.once {
		b.once = true
		b.started <- struct{}{}
		<-b.release
	}
	return b.r.Read(p)
}

// TestExpensiveCap holds one batch inside the handler, then checks that a
// second batch and a large items page are turned away with 503 and
// Retry-After while a small page is answered.
func TestExpensiveCap(t *testing.T) {
	s := server.New(server.Config{Store: fixtureStore(t), Now: func() time.Time { return fixedNow }, MaxExpensive: 1, ExpensiveWait: -1})
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		req := httptest.NewRequest(http.MethodPost, "/lookup", &blockingBody{started: started, release: release, r: strings.NewReader(`[[106.4,29.8]]`)})
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	<-started
	req := httptest.NewRequest(http.MethodPost, "/lookup", strings.NewReader(`[[106.4,29.8]]`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("second batch: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Content-Type"))
	}
	if rec := do(t, s, http.MethodGet, "/collections/districts/items?limit=5000"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("large items page while the cap is reached: %d, want 503", rec.Code)
	}
	if rec := do(t, s, http.MethodGet, "/collections/districts/items?limit=10"); rec.Code != 200 {
		t.Errorf("small items page: %d, want 200", rec.Code)
	}
	close(release)
	if code := <-done; code != 200 {
		t.Errorf("held batch: %d", code)
	}
	if rec := do(t, s, http.MethodGet, "/collections/districts/items?limit=5000"); rec.Code != 200 {
		t.Errorf("large items page after the batch: %d, want 200", rec.Code)
	}
	if m := do(t, s, http.MethodGet, "/metrics").Body.String(); !strings.Contains(m, `beibeimap_http_rejected_total{route="/lookup"} 1`) {
		t.Errorf("rejections not counted")
	}
}

// TestMetricsGzip: /metrics through the gzip middleware is compressed
// once, so a client that asks for gzip reads the text format.
func TestMetricsGzip(t *testing.T) {
	s := plainServer(t)
	rec := do(t, s, http.MethodGet, "/metrics", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, _ := io.ReadAll(zr)
	if !strings.Contains(string(b), "# TYPE beibeimap_http_requests_in_flight gauge") {
		t.Errorf("decompressed /metrics is not the text format: %.80q", b)
	}
}

// TestVaryOrigin: with CORS on, an answer depends on Origin and says so.
func TestVaryOrigin(t *testing.T) {
	s := fixtureServer(t)
	for _, origin := range []string{"https://allowed.example", "https://other.example"} {
		rec := do(t, s, http.MethodGet, "/collections", "Origin", origin)
		if vary := strings.Join(rec.Header().Values("Vary"), ","); !strings.Contains(vary, "Origin") {
			t.Errorf("Origin %s: Vary %q does not name Origin", origin, vary)
		}
	}
}
