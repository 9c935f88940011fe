package server

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"beibeimap/geo"
)

// tileServer serves a store with one polygon layer and one point layer
// around Beibei, on a fixed clock.
func tileServer(t *testing.T) *Server {
	t.Helper()
	zones := &geo.Collection{ID: "zones", Attribution: "fixture", Features: []*geo.Feature{
		{ID: "z1", Collection: "zones", Properties: map[string]any{"name": "区"},
			Geometry: orb.Polygon{{{106.3, 29.7}, {106.6, 29.7}, {106.6, 30.0}, {106.3, 30.0}, {106.3, 29.7}}},
			Valid:    geo.Interval{From: time.Date(2026, 1, 25, 0, 0, 0, 0, time.UTC)}},
	}}
	sites := &geo.Collection{ID: "sites", Features: []*geo.Feature{
		{ID: "s1", Collection: "sites", Geometry: orb.Point{106.45, 29.85}, Properties: map[string]any{"name": "site"}},
	}}
	snap, err := geo.NewSnapshot([]*geo.Collection{zones, sites})
	if err != nil {
		t.Fatal(err)
	}
	// 192.0.2.0/24 holds httptest.NewRequest's peer: the proxy of the tests.
	return New(Config{Store: geo.NewStore(snap), Now: func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) },
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
}

func TestTileEndpoint(t *testing.T) {
	s := tileServer(t)
	// Tile z=8 containing (106.45, 29.85) is x=203, y=105.
	tests := []struct {
		name       string
		path       string
		status     int
		layers     int
		wantTypeOf string
	}{
		{"today: both layers", "/tiles/8/203/105.mvt", 200, 2, mvtType},
		{"before the zone existed", "/tiles/8/203/105.mvt?date=2025-06-01", 200, 1, mvtType},
		{"only sites", "/tiles/8/203/105.mvt?layers=sites", 200, 1, mvtType},
		{"empty tile", "/tiles/8/0/0.mvt", 204, 0, ""},
		{"zoom too deep", "/tiles/30/0/0.mvt", 400, 0, "application/problem+json"},
		{"x out of range", "/tiles/2/4/0.mvt", 400, 0, "application/problem+json"},
		{"not a number", "/tiles/2/a/0.mvt", 400, 0, "application/problem+json"},
		{"no .mvt", "/tiles/2/0/0.png", 404, 0, "application/problem+json"},
		{"unknown layer", "/tiles/8/203/105.mvt?layers=nope", 400, 0, "application/problem+json"},
		{"unknown parameter", "/tiles/8/203/105.mvt?zoom=1", 400, 0, "application/problem+json"},
		{"bad date", "/tiles/8/203/105.mvt?date=tomorrow", 400, 0, "application/problem+json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.wantTypeOf != "" && rec.Header().Get("Content-Type") != tc.wantTypeOf {
				t.Errorf("content type %q, want %q", rec.Header().Get("Content-Type"), tc.wantTypeOf)
			}
			if tc.status == 200 {
				ls, err := mvt.Unmarshal(rec.Body.Bytes())
				if err != nil || len(ls) != tc.layers {
					t.Errorf("decoded %d layers (%v), want %d", len(ls), err, tc.layers)
				}
			}
		})
	}
	// ETag and 304.
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/tiles/8/203/105.mvt", nil))
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest(http.MethodGet, "/tiles/8/203/105.mvt", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if etag == "" || rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status %d, want 304", etag, rec.Code)
	}
}

func TestTileJSONAndStyle(t *testing.T) {
	s := tileServer(t)
	for _, path := range []string{"/tiles/tiles.json", "/tiles/style.json"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-Host", "maps.example.org")
		req.Header.Set("X-Forwarded-Prefix", "/beibei/")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		var doc map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rec.Body.String(), `"https://maps.example.org/beibei/tiles/{z}/{x}/{y}.mvt"`) {
			t.Errorf("%s does not carry the proxied tile URL: %s", path, rec.Body)
		}
	}
	// ?layers= describes only the layers the tiles then carry.
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/tiles/tiles.json?layers=sites", nil))
	var tj struct {
		Tiles        []string
		VectorLayers []struct{ ID string } `json:"vector_layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil || len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "sites" ||
		len(tj.Tiles) != 1 || !strings.HasSuffix(tj.Tiles[0], "?layers=sites") {
		t.Errorf("tiles.json?layers=sites = %s (%v)", rec.Body, err)
	}
}

// TestTileWithGDAL reads one tile over HTTP with GDAL's MVT driver, which
// sends HEAD before GET, and checks the layers and the point it reports.
func TestTileWithGDAL(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatal("ogrinfo (gdal-bin) is required but not installed")
		}
		t.Skip("ogrinfo not installed; set BEIBEIMAP_REQUIRE_CLIENTS=1 to make this a failure")
	}
	ts := httptest.NewServer(tileServer(t))
	defer ts.Close()
	out, err := exec.Command(ogrinfo, "-ro", "-al", "/vsicurl/"+ts.URL+"/tiles/8/203/105.mvt").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"Layer name: zones", "Layer name: sites", "name (String) = site"} {
		if !strings.Contains(text, want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, text)
		}
	}
	// GDAL reports tile geometry in EPSG:3857; a z8 tile quantises to ~40 m.
	m := regexp.MustCompile(`POINT \(([-\d.]+) ([-\d.]+)\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no point in ogrinfo output:\n%s", text)
	}
	x, _ := strconv.ParseFloat(m[1], 64)
	y, _ := strconv.ParseFloat(m[2], 64)
	want := geo.WebMercator.FromWGS84(orb.Point{106.45, 29.85})
	if math.Abs(x-want[0]) > 100 || math.Abs(y-want[1]) > 100 {
		t.Errorf("GDAL read the site at (%.0f, %.0f), want (%.0f, %.0f) ±100 m", x, y, want[0], want[1])
	}
}
