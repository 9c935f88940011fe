package server_test

// Downloads, opened by the programs GIS staff use: GDAL (ogrinfo) and
// QGIS. Expectations come from the server's own GeoJSON answers to the same
// filters.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/server"
)

// ogr runs a GDAL program and fails on an error or on anything it prints
// to stderr (GDAL's warnings, its GeoPackage driver's checks on open).
func ogr(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(requireTool(t, name), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\nstderr: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// fetchFile GETs target, checks status 200, content type and the
// attachment's file name, and saves the body.
func fetchFile(t *testing.T, h http.Handler, target, ctype, name string) string {
	t.Helper()
	rec := do(t, h, http.MethodGet, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != ctype {
		t.Errorf("GET %s: content type %q, want %q", target, ct, ctype)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="`+name+`"`) {
		t.Errorf("GET %s: Content-Disposition %q, want file name %s", target, cd, name)
	}
	if cl := rec.Header().Get("Content-Length"); cl != fmt.Sprint(rec.Body.Len()) {
		t.Errorf("GET %s: Content-Length %q, body %d bytes", target, cl, rec.Body.Len())
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonIDs returns the sorted ids of every feature the items endpoint
// answers for query (all pages at once).
func jsonIDs(t *testing.T, h http.Handler, coll, query string) []string {
	t.Helper()
	doc := getJSON(t, h, "/collections/"+coll+"/items?limit=10000&"+query, "application/geo+json")
	ids := featureIDs(doc)
	sort.Strings(ids)
	return ids
}

// ogrIDs returns the sorted values of the id field of a layer.
func ogrIDs(t *testing.T, path, layer string) []string {
	t.Helper()
	out := ogr(t, "ogrinfo", "-ro", "-q", path, layer, "-sql", fmt.Sprintf(`SELECT id FROM "%s"`, layer))
	ids := []string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+id \(String\) = (.*)$`).FindAllStringSubmatch(out, -1) {
		ids = append(ids, m[1])
	}
	sort.Strings(ids)
	return ids
}

func TestDownloadGeoPackageFilters(t *testing.T) {
	requireTool(t, "ogrinfo")
	s := server.New(server.Config{Store: defaultStore(t)})
	tests := []struct{ name, query string }{
		{"every version", ""},
		{"before the change", "datetime=2025-06-01"},
		{"after the change", "datetime=2026-06-01"},
		{"bbox", "bbox=106.3,29.7,106.6,30.0"},
		{"filter", "filter=" + url.QueryEscape("name = '北碚区'")},
		{"property", "name_en=" + url.QueryEscape("Beibei District")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := jsonIDs(t, s, "districts", tt.query)
			name := "districts.gpkg"
			if strings.HasPrefix(tt.query, "datetime=") {
				name = "districts-" + strings.TrimPrefix(tt.query, "datetime=") + ".gpkg"
			}
			path := fetchFile(t, s, "/collections/districts/items?f=gpkg&"+tt.query, "application/geopackage+sqlite3", name)
			got := ogrIDs(t, path, "districts")
			if len(want) == 0 || strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("GeoPackage ids %v, items %v", got, want)
			}
		})
	}
	t.Run("properties", func(t *testing.T) {
		path := fetchFile(t, s, "/collections/seats/items?f=gpkg&properties=name,population", "application/geopackage+sqlite3", "seats.gpkg")
		out := ogr(t, "ogrinfo", "-ro", "-so", path, "seats")
		for _, f := range []string{"id: String", "name: String", "population: Integer"} {
			if !strings.Contains(out, f) {
				t.Errorf("no field %q:\n%s", f, out)
			}
		}
		if strings.Contains(out, "name_en:") {
			t.Errorf("properties=name,population kept name_en:\n%s", out)
		}
	})
	t.Run("collection links it", func(t *testing.T) {
		doc := getJSON(t, s, "/collections/districts", "application/json")
		href := linkHref(doc, "enclosure", "application/geopackage+sqlite3")
		if href == "" {
			t.Fatalf("no GeoPackage enclosure in %v", doc["links"])
		}
		fetchFile(t, s, pathOf(t, href), "application/geopackage+sqlite3", "districts.gpkg")
		doc = getJSON(t, s, "/collections", "application/json")
		if href := linkHref(doc, "enclosure", "application/geopackage+sqlite3"); pathOf(t, href) != "/download/beibeimap.gpkg" {
			t.Errorf("collections enclosure %q", href)
		}
	})
}

func TestDownloadBadInput(t *testing.T) {
	s := server.New(server.Config{Store: storeFromGeoJSON(t, map[string]string{
		"districts": `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{"code":"500109","name":"A","name_en":"A","source":"test fixture (made up)","accuracy":"schematic","valid_from":null,"valid_to":null},"geometry":{"type":"Polygon","coordinates":[[[106.4,29.8],[106.5,29.8],[106.5,29.9],[106.4,29.8]]]}}]}`,
		"mixed":     `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":[106.4,29.8]}},{"type":"Feature","id":"b","properties":{},"geometry":{"type":"LineString","coordinates":[[106.4,29.8],[106.5,29.9]]}}]}`,
	})})
	tests := []struct {
		name, target string
		status       int
		param        string
	}{
		{"other crs", "/collections/districts/items?f=gpkg&crs=EPSG:3857", 400, "crs"},
		{"skip geometry", "/collections/districts/items?f=gpkg&skipGeometry=true", 400, "skipGeometry"},
		{"bad bbox", "/collections/districts/items?f=gpkg&bbox=1,2", 400, "bbox"},
		{"unknown parameter", "/collections/districts/items?f=gpkg&colour=red", 400, "colour"},
		{"unknown collection", "/collections/nope/items?f=gpkg", 404, "collectionId"},
		{"unknown format", "/collections/districts/items?f=dwg", 400, "f"},
		{"unknown dataset file", "/download/nope.gpkg", 404, "file"},
		{"unknown dataset format", "/download/beibeimap.dwg", 404, "file"},
		{"dataset parameter", "/download/beibeimap.gpkg?limit=1", 400, "limit"},
		{"bom on a GeoPackage", "/collections/districts/items?f=gpkg&bom=true", 400, "bom"},
		{"bad bom", "/collections/districts/items?f=csv&bom=yes", 400, "bom"},
		{"bom on JSON", "/collections/districts/items?bom=true", 400, "bom"},
		{"mixed shapes in a shapefile", "/collections/mixed/items?f=shp", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target)
			var p struct {
				Status int
				Code   string
				Param  string
			}
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != tt.status || p.Param != tt.param || p.Code == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("status %d %s, problem %+v; want %d %s", rec.Code, rec.Header().Get("Content-Type"), p, tt.status, tt.param)
			}
		})
	}
}

// TestDownloadDataset opens /download/beibeimap.gpkg in GDAL and QGIS:
// every collection a table with every feature, geometry types, SRS and
// spatial index, no warning.
func TestDownloadDataset(t *testing.T) {
	requireTool(t, "ogrinfo")
	st := defaultStore(t)
	s := server.New(server.Config{Store: st})
	path := fetchFile(t, s, "/download/beibeimap.gpkg", "application/geopackage+sqlite3", "beibeimap.gpkg")
	if rec := do(t, s, http.MethodHead, "/download/beibeimap.gpkg"); rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
	cols := st.Snapshot().Collections()
	var tables []string
	for _, c := range cols {
		tables = append(tables, c.ID)
		out := ogr(t, "ogrinfo", "-ro", "-so", path, c.ID)
		if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out); m == nil || m[1] != fmt.Sprint(len(c.Features)) {
			t.Errorf("%s: feature count %v, want %d", c.ID, m, len(c.Features))
		}
		if !strings.Contains(out, `ID["EPSG",4326]`) {
			t.Errorf("%s: SRS is not EPSG:4326:\n%s", c.ID, out)
		}
		idx := ogr(t, "ogrinfo", "-ro", "-q", path, "-sql", fmt.Sprintf("SELECT HasSpatialIndex('%s', 'geom')", c.ID), "-dialect", "SQLite")
		if !strings.Contains(idx, "= 1") {
			t.Errorf("%s: HasSpatialIndex:\n%s", c.ID, idx)
		}
	}
	t.Run("QGIS", func(t *testing.T) {
		requireQGIS(t)
		out := run(t, 2*time.Minute, []string{"QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR=" + t.TempDir()}, "/usr/bin/python3", append([]string{"-u", "testdata/qgis_gpkg.py", path}, tables...)...)
		var res struct {
			Layers []struct {
				Table             string            `json:"table"`
				Valid             bool              `json:"valid"`
				FeatureCount      int               `json:"featureCount"`
				CRS               string            `json:"crs"`
				FieldTypes        map[string]string `json:"fieldTypes"`
				Names             []string          `json:"names"`
				InvalidGeometries int               `json:"invalidGeometries"`
			} `json:"layers"`
		}
		if err := json.Unmarshal([]byte(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]), &res); err != nil {
			t.Fatalf("qgis_gpkg.py: %v\n%s", err, out)
		}
		if len(res.Layers) != len(cols) {
			t.Fatalf("QGIS reported %d layers, want %d", len(res.Layers), len(cols))
		}
		for i, l := range res.Layers {
			c := cols[i]
			if !l.Valid || l.FeatureCount != len(c.Features) || l.CRS != "EPSG:4326" || l.InvalidGeometries != 0 {
				t.Errorf("%s: valid %v, %d features (want %d), CRS %s, %d null geometries", l.Table, l.Valid, l.FeatureCount, len(c.Features), l.CRS, l.InvalidGeometries)
			}
			for _, k := range []string{"valid_from", "valid_to"} {
				if !strings.EqualFold(l.FieldTypes[k], "date") {
					t.Errorf("%s: QGIS types %s as %q, want Date", l.Table, k, l.FieldTypes[k])
				}
			}
			if c.ID == "districts" {
				n := 0
				for _, name := range l.Names {
					if name == "北碚区" {
						n++
					}
				}
				if n != 2 {
					t.Errorf("districts: %d features named 北碚区 in QGIS, want both versions", n)
				}
			}
		}
	})
}

// TestGeoPackageRoundTrip serves the whole-dataset GeoPackage back as the
// data (data.GeoPackageFS, what serve --data FILE.gpkg does): every
// collection document, items page and feature is byte-identical but for
// the lengths of the downloads, which each server gives once it has
// written them, and which depend on the time stamps of its snapshot (the
// QGIS archive deflates a GeoPackage stamped with them).
func TestGeoPackageRoundTrip(t *testing.T) {
	now := func() time.Time { return fixedNow }
	a := server.New(server.Config{Store: defaultStore(t), Now: now})
	path := fetchFile(t, a, "/download/beibeimap.gpkg", "application/geopackage+sqlite3", "beibeimap.gpkg")
	snap, err := data.LoadSnapshot(data.GeoPackageFS(path))
	if err != nil {
		t.Fatal(err)
	}
	b := server.New(server.Config{Store: geo.NewStore(snap), Now: now})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := a.WaitDownloads(ctx); err != nil { // a's documents have lengths, b's not yet
		t.Fatal(err)
	}
	targets := []string{"/collections", "/api"}
	for _, c := range snap.Collections() {
		p := "/collections/" + c.ID
		targets = append(targets, p, p+"/queryables", p+"/items?limit=10000", p+"/items?datetime=2025-06-01&limit=10000",
			p+"/items?crs=EPSG:3857&limit=3", p+"/items?f=html&limit=5")
		for _, f := range c.Features[:min(3, len(c.Features))] {
			targets = append(targets, p+"/items/"+url.PathEscape(f.ID))
		}
	}
	for _, target := range targets {
		ra, rb := do(t, a, http.MethodGet, target), do(t, b, http.MethodGet, target)
		if ra.Code != 200 || rb.Code != 200 {
			t.Errorf("%s: status %d from the embedded data, %d from the GeoPackage", target, ra.Code, rb.Code)
			continue
		}
		if x, y := lengthMember.ReplaceAllString(ra.Body.String(), ""), lengthMember.ReplaceAllString(rb.Body.String(), ""); x != y {
			i := 0
			for i < len(x) && i < len(y) && x[i] == y[i] {
				i++
			}
			t.Errorf("%s differs at byte %d:\n embedded:   %.200s\n GeoPackage: %.200s", target, i, x[max(0, i-60):], y[max(0, i-60):])
		}
	}
}

// lengthMember matches the length member of a link in a JSON document.
var lengthMember = regexp.MustCompile(`,\s*"length":\s*\d+`)

// TestDownloadOtherFormats opens the Shapefile, KML and CSV downloads of a
// filtered request with GDAL: the same features as the items endpoint.
func TestDownloadOtherFormats(t *testing.T) {
	requireTool(t, "ogrinfo")
	s := server.New(server.Config{Store: defaultStore(t)})
	query := "datetime=2025-06-01&bbox=106.3,29.6,106.9,30.1"
	want := jsonIDs(t, s, "districts", query)
	if len(want) < 2 {
		t.Fatalf("the query matches %v", want)
	}
	for _, tt := range []struct{ f, ctype, ext, ds string }{
		{"shp", "application/zip", ".zip", "/vsizip/"},
		{"kml", "application/vnd.google-earth.kml+xml", ".kml", ""},
		{"csv&bom=true", "text/csv; charset=utf-8", ".csv", "CSV:"},
	} {
		t.Run(tt.f, func(t *testing.T) {
			path := fetchFile(t, s, "/collections/districts/items?f="+tt.f+"&"+query, tt.ctype, "districts-2025-06-01"+tt.ext)
			args := []string{"-f", "GeoJSON", "/vsistdout/", tt.ds + path}
			if tt.ext == ".csv" {
				args = append(args, "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO")
				b, _ := os.ReadFile(path)
				if !strings.HasPrefix(string(b), "\uFEFFwkt,id,") {
					t.Errorf("bom=true: CSV starts %q", b[:min(12, len(b))])
				}
			}
			var fc struct {
				Features []struct {
					Properties map[string]any `json:"properties"`
					Geometry   map[string]any `json:"geometry"`
				} `json:"features"`
			}
			if err := json.Unmarshal([]byte(ogr(t, "ogr2ogr", args...)), &fc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fc.Features {
				got = append(got, fmt.Sprint(f.Properties["id"]))
				if f.Geometry == nil {
					t.Errorf("%v has no geometry", f.Properties["id"])
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("GDAL ids %v, items %v", got, want)
			}
		})
	}
}

// TestDownloadQGISProject opens /download/beibeimap.qgz, alone in a
// folder of its own, in PyQGIS: every collection a valid layer with all
// its features read from the GeoPackage inside the archive (still there
// when QGIS saves the project again), styled
// (categories from the data where the map page colours by category),
// labelled, with temporal properties on valid_from/valid_to, its
// attribution as rights, and a project time range spanning the change.
func TestDownloadQGISProject(t *testing.T) {
	requireQGIS(t)
	st := defaultStore(t)
	s := server.New(server.Config{Store: st})
	fetched := fetchFile(t, s, "/download/beibeimap.qgz", "application/zip", "beibeimap.qgz")
	qgz := filepath.Join(t.TempDir(), "beibeimap.qgz")
	if err := os.Rename(fetched, qgz); err != nil {
		t.Fatal(err)
	}
	out := run(t, 2*time.Minute, []string{"QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR=" + t.TempDir()}, "/usr/bin/python3", "-u", "testdata/qgis_project.py", qgz, filepath.Join(t.TempDir(), "beibeimap.qgz"))
	var res struct {
		Read   bool `json:"read"`
		Layers []struct {
			Table, Source, Renderer, StartField, EndField string
			Valid, Labels, Temporal                       bool
			FeatureCount                                  int
			Categories, Rights                            []string
		} `json:"layers"`
		TimeRange [2]string `json:"timeRange"`
		Attached  string    `json:"attached"`
		Saved     bool      `json:"saved"`
		Resaved   int       `json:"resaved"`
	}
	if err := json.Unmarshal([]byte(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]), &res); err != nil {
		t.Fatalf("qgis_project.py: %v\n%s", err, out)
	}
	cols := st.Snapshot().Collections()
	if !res.Read || len(res.Layers) != len(cols) {
		t.Fatalf("project read %v, %d layers, want %d", res.Read, len(res.Layers), len(cols))
	}
	byTable := map[string]int{}
	for i, l := range res.Layers {
		byTable[l.Table] = i
		if !strings.HasPrefix(l.Source, res.Attached) || res.Attached == "" {
			t.Errorf("layer %s reads %q, not the GeoPackage attached to the project (%q)", l.Table, l.Source, res.Attached)
		}
	}
	categorised := map[string]string{"districts": "name", "planning-zones": "kind", "corridors": "kind", "projects": "category"}
	for _, c := range cols {
		i, ok := byTable[c.ID]
		if !ok {
			t.Errorf("no layer for %s", c.ID)
			continue
		}
		l := res.Layers[i]
		if !l.Valid || l.FeatureCount != len(c.Features) || !l.Labels || !l.Temporal || l.StartField != "valid_from" || l.EndField != "valid_to" {
			t.Errorf("%s: valid %v, %d features (want %d), labels %v, temporal %v on %s/%s", c.ID, l.Valid, l.FeatureCount, len(c.Features), l.Labels, l.Temporal, l.StartField, l.EndField)
		}
		if field := categorised[c.ID]; field != "" {
			values := map[string]bool{}
			for _, f := range c.Features {
				values[f.String(field)] = true
			}
			for _, v := range l.Categories {
				if v != "" && !values[v] {
					t.Errorf("%s: category %q is no %s of the data", c.ID, v, field)
				}
			}
			if l.Renderer != "categorizedSymbol" || len(l.Categories) < 2 {
				t.Errorf("%s: renderer %s with categories %v", c.ID, l.Renderer, l.Categories)
			}
		} else if l.Renderer != "singleSymbol" {
			t.Errorf("%s: renderer %s", c.ID, l.Renderer)
		}
		if strings.Contains(c.Attribution, "GeoNames") && !strings.Contains(strings.Join(l.Rights, " "), "CC BY 4.0") {
			t.Errorf("%s: rights %v do not carry the GeoNames licence", c.ID, l.Rights)
		}
	}
	if !res.Saved || res.Resaved != len(cols) {
		t.Errorf("saved again as beibeimap.qgz (%v) and reopened, %d of %d layers are valid with features", res.Saved, res.Resaved, len(cols))
	}
	if res.TimeRange[0] > "2025-06-01" || res.TimeRange[1] < "2026-06-01" {
		t.Errorf("project time range %v does not span the change", res.TimeRange)
	}
}

// TestDownloadCaching: a download has an ETag of its data and request, a
// client holding it gets 304 without the file being written again, and
// HEAD gives the length without a body.
func TestDownloadCaching(t *testing.T) {
	s := fixtureServer(t)
	target := "/collections/districts/items?f=gpkg&datetime=2025-06-01"
	rec := do(t, s, http.MethodGet, target)
	tag := rec.Header().Get("ETag")
	if rec.Code != 200 || tag == "" {
		t.Fatalf("status %d, ETag %q", rec.Code, tag)
	}
	if again := do(t, s, http.MethodGet, target, "If-None-Match", tag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes", again.Code, again.Body.Len())
	}
	if other := do(t, s, http.MethodGet, "/collections/districts/items?f=gpkg").Header().Get("ETag"); other == tag {
		t.Errorf("another filter has the same ETag %s", tag)
	}
	head := do(t, s, http.MethodHead, target)
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != fmt.Sprint(rec.Body.Len()) {
		t.Errorf("HEAD: status %d, %d bytes, Content-Length %q (GET %d)", head.Code, head.Body.Len(), head.Header().Get("Content-Length"), rec.Body.Len())
	}
}

// TestDownloadIdentityEncoding: a download is sent as it is, never gzipped
// on the fly, even to a client that accepts gzip, so that it carries its
// Content-Length (the length its enclosure link gives) and answers byte
// ranges (resumed downloads, GDAL's /vsicurl/).
func TestDownloadIdentityEncoding(t *testing.T) {
	s := fixtureServer(t)
	t.Run("written for the request", func(t *testing.T) { identityEncoding(t, s) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.WaitDownloads(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("written aside", func(t *testing.T) { identityEncoding(t, s) })
}

func identityEncoding(t *testing.T, s http.Handler) {
	for _, target := range []string{
		"/collections/districts/items?f=gpkg",
		"/collections/districts/items?f=shp",
		"/collections/districts/items?f=kml",
		"/collections/districts/items?f=csv",
		"/collections/districts/items?f=csv&datetime=2025-06-01",
		"/download/beibeimap.gpkg",
		"/download/beibeimap.qgz",
	} {
		t.Run(target, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, target, "Accept-Encoding", "gzip, deflate, br")
			body := rec.Body.Bytes()
			if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Content-Length") != fmt.Sprint(len(body)) {
				t.Fatalf("status %d, Content-Encoding %q, Content-Length %q, body %d bytes", rec.Code, rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Length"), len(body))
			}
			if len(body) < 200 {
				t.Fatalf("body of %d bytes is too short to test ranges", len(body))
			}
			part := do(t, s, http.MethodGet, target, "Accept-Encoding", "gzip", "Range", "bytes=100-199")
			if part.Code != http.StatusPartialContent || part.Header().Get("Content-Encoding") != "" ||
				part.Header().Get("Content-Range") != fmt.Sprintf("bytes 100-199/%d", len(body)) || part.Body.String() != string(body[100:200]) {
				t.Errorf("Range: status %d, Content-Encoding %q, Content-Range %q, %d bytes equal to the file's: %v",
					part.Code, part.Header().Get("Content-Encoding"), part.Header().Get("Content-Range"), part.Body.Len(), part.Body.String() == string(body[100:200]))
			}
		})
	}
	// The JSON answers are still gzipped.
	if rec := do(t, s, http.MethodGet, "/collections/districts/items?datetime=../..", "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("items JSON: Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
}

// enclosures returns the enclosure links of /collections and of every
// collection document: href (as a path) → length, 0 for none.
func enclosures(t *testing.T, h http.Handler) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	add := func(doc map[string]any) {
		links, _ := doc["links"].([]any)
		for _, l := range links {
			m := l.(map[string]any)
			if m["rel"] != "enclosure" {
				continue
			}
			n, _ := m["length"].(float64)
			if _, has := m["length"]; has && (n <= 0 || n != float64(int64(n))) {
				t.Errorf("%s: length %v is no positive integer", m["href"], m["length"])
			}
			out[pathOf(t, m["href"].(string))] = int64(n)
		}
	}
	doc := getJSON(t, h, "/collections", "application/json")
	add(doc)
	for _, c := range doc["collections"].([]any) {
		id := c.(map[string]any)["id"].(string)
		add(c.(map[string]any))
		add(getJSON(t, h, "/collections/"+url.PathEscape(id), "application/json"))
	}
	return out
}

// getBody GETs target from h, as a client accepting gzip, and returns the
// body of a 200 answer sent without content coding.
func getBody(t *testing.T, h http.Handler, target string) []byte {
	t.Helper()
	rec := do(t, h, http.MethodGet, target, "Accept-Encoding", "gzip")
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
		t.Fatalf("GET %s: status %d, Content-Encoding %q", target, rec.Code, rec.Header().Get("Content-Encoding"))
	}
	return rec.Body.Bytes()
}

// TestDownloadLengths: once the server has written the unfiltered
// downloads of the snapshot, every enclosure link to a download, of every
// collection and of /collections, gives the length of what a GET of its
// href returns; and those bytes are the same that a server writing the
// file for the request sends. Before, the documents do not wait for them.
func TestDownloadLengths(t *testing.T) {
	store := defaultStore(t)
	s := server.New(server.Config{Store: store})
	before := enclosures(t, s)
	for href, n := range before {
		if n != 0 {
			t.Errorf("%s: length %d before any download was written", href, n)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := s.WaitDownloads(ctx); err != nil {
		t.Fatal(err)
	}
	after := enclosures(t, s)
	if len(after) != len(before) {
		t.Fatalf("%d enclosures, before %d", len(after), len(before))
	}
	fresh := server.New(server.Config{Store: store}) // writes each file for its request
	lengths := 0
	for href, n := range after {
		if strings.Contains(href, "datetime=") { // the GeoJSON enclosure: no length (see buildCollection)
			if n != 0 {
				t.Errorf("%s: length %d", href, n)
			}
			continue
		}
		body := getBody(t, s, href)
		if n == 0 {
			t.Errorf("%s: no length, %d bytes", href, len(body))
			continue
		}
		lengths++
		if int64(len(body)) != n {
			t.Errorf("%s: length %d, GET gives %d bytes", href, n, len(body))
		}
		if other := getBody(t, fresh, href); string(other) != string(body) {
			t.Errorf("%s: the written file (%d bytes) differs from the one written for a request (%d bytes)", href, len(body), len(other))
		}
	}
	if want := 4*len(store.Snapshot().Collections()) + 2; lengths != want {
		t.Errorf("%d links with a length, want %d", lengths, want)
	}
}

// renamedFixture returns the fixture data with another name for 北碚区.
func renamedFixture(t *testing.T) *geo.Snapshot {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"districts", "seats", "corridors"} {
		b, err := os.ReadFile("testdata/fixture/" + name + ".geojson")
		if err != nil {
			t.Fatal(err)
		}
		fsys[name+".geojson"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(b), `"name":"北碚区"`, `"name":"北碚区（重新划定后的北碚区）"`))}
	}
	snap, err := data.LoadSnapshot(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestDownloadLengthsAfterReload: when the store publishes different
// data, the lengths of the old snapshot are not reported, and those that
// come are the new files'.
func TestDownloadLengthsAfterReload(t *testing.T) {
	store := fixtureStore(t)
	s := server.New(server.Config{Store: store})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.WaitDownloads(ctx); err != nil {
		t.Fatal(err)
	}
	old := enclosures(t, s)
	const gpkg = "/collections/districts/items?f=gpkg"
	if old[gpkg] == 0 {
		t.Fatalf("no length for %s: %v", gpkg, old)
	}
	oldBody := getBody(t, s, gpkg)

	store.Swap(renamedFixture(t))
	for href, n := range enclosures(t, s) {
		if n != 0 {
			t.Errorf("%s: length %d right after the reload (old length %d)", href, n, old[href])
		}
	}
	if body := getBody(t, s, gpkg); string(body) == string(oldBody) {
		t.Errorf("%s: the old file is served for the new data", gpkg)
	}
	if err := s.WaitDownloads(ctx); err != nil {
		t.Fatal(err)
	}
	now := enclosures(t, s)
	for href, n := range now {
		if n == 0 {
			continue
		}
		if body := getBody(t, s, href); int64(len(body)) != n {
			t.Errorf("%s: length %d, GET gives %d bytes", href, n, len(body))
		}
	}
	// A GeoPackage grows by whole pages: its length may stay, its bytes not.
	if body := getBody(t, s, gpkg); now[gpkg] == 0 || string(body) == string(oldBody) {
		t.Errorf("%s: length %d after the reload, the old file served: %v", gpkg, now[gpkg], string(body) == string(oldBody))
	}
	for _, href := range []string{"/collections/districts/items?f=csv", "/collections/districts/items?f=kml", "/collections/districts/items?f=shp"} {
		if now[href] == 0 || now[href] == old[href] {
			t.Errorf("%s: length %d after the reload, %d before", href, now[href], old[href])
		}
	}
}

// TestDownloadLengthsSchemas validates /collections and every collection
// document, once their enclosure links carry lengths, against the official
// OGC API – Features 1.0.1 schemas (as TestOGCSchemas does for documents
// of a server that has not written its downloads yet).
func TestDownloadLengthsSchemas(t *testing.T) {
	sr := newSchemaRun(t)
	s := server.New(server.Config{Store: defaultStore(t)})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := s.WaitDownloads(ctx); err != nil {
		t.Fatal(err)
	}
	lengths := 0
	add := func(target string, schemas ...string) map[string]any {
		doc, body := sr.add(s, target, target, 200, schemas...)
		lengths += strings.Count(string(body), `"length":`)
		return doc
	}
	cols := add("/collections", "core/collections.yaml", "crs/collections.yaml")
	for _, c := range cols["collections"].([]any) {
		add("/collections/"+url.PathEscape(c.(map[string]any)["id"].(string)), "core/collection.yaml", "crs/collection.yaml")
	}
	if lengths == 0 {
		t.Fatal("no link has a length: nothing of it to validate")
	}
	t.Logf("%d documents with %d lengths validated", sr.validate(), lengths)
}

// TestDownloadDuringReload downloads while the store swaps between two
// snapshots again and again (each swap retires the files written for the
// previous one): every answer is whole, and the file of one snapshot or
// the other.
func TestDownloadDuringReload(t *testing.T) {
	a, b := fixtureStore(t).Snapshot(), renamedFixture(t)
	const target = "/download/beibeimap.gpkg"
	want := map[string]bool{}
	for _, snap := range []*geo.Snapshot{a, b} {
		want[string(getBody(t, server.New(server.Config{Store: geo.NewStore(snap)}), target))] = true
	}
	if len(want) != 2 {
		t.Fatal("the two snapshots give the same file")
	}
	fds := func() int { // open files of the process (Linux)
		des, _ := os.ReadDir("/proc/self/fd")
		return len(des)
	}
	// Without the collector, no finalizer closes a file for us.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	before := fds()
	store := geo.NewStore(a)
	s := server.New(server.Config{Store: store})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stop := make(chan struct{})
	errs := make(chan string, 100)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req := httptest.NewRequest(http.MethodGet, target, nil)
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 || rec.Header().Get("Content-Length") != fmt.Sprint(rec.Body.Len()) || !want[rec.Body.String()] {
					select {
					case errs <- fmt.Sprintf("status %d, Content-Length %s, %d bytes, a known file: %v", rec.Code, rec.Header().Get("Content-Length"), rec.Body.Len(), want[rec.Body.String()]):
					default:
					}
				}
			}
		}()
	}
	for i := range 10 {
		next := a
		if i%2 == 0 {
			next = b
		}
		store.Swap(next)
		if err := s.WaitDownloads(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// The files of the current snapshot stay open, those of the nine
	// retired ones are closed.
	if n, current := fds()-before, 3*4+2; before > 0 && n > current+4 {
		t.Errorf("%d more files open than before; the current snapshot's downloads are %d", n, current)
	}
}

// TestDownloadVsicurl opens the whole-dataset GeoPackage where it is
// served, with GDAL's /vsicurl/, which reads a remote file by byte ranges
// instead of downloading it: every table with its feature count, the
// reads answered 206 and uncompressed.
func TestDownloadVsicurl(t *testing.T) {
	requireTool(t, "ogrinfo")
	st := defaultStore(t)
	s := server.New(server.Config{Store: st})
	var mu sync.Mutex
	var ranges []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		s.ServeHTTP(sw, r)
		if r.Header.Get("Range") != "" {
			mu.Lock()
			ranges = append(ranges, fmt.Sprintf("%s %s %d %q", r.Header.Get("Accept-Encoding"), r.Header.Get("Range"), sw.code, w.Header().Get("Content-Encoding")))
			mu.Unlock()
		}
	}))
	defer ts.Close()
	path := "/vsicurl/" + ts.URL + "/download/beibeimap.gpkg"
	for _, c := range st.Snapshot().Collections() {
		out := ogr(t, "ogrinfo", "-ro", "-so", "--config", "GDAL_HTTP_HEADERS", "Accept-Encoding: gzip", path, c.ID)
		if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out); m == nil || m[1] != fmt.Sprint(len(c.Features)) {
			t.Errorf("%s: feature count %v, want %d", c.ID, m, len(c.Features))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ranges) == 0 {
		t.Fatal("GDAL sent no range request")
	}
	for _, r := range ranges {
		if !strings.Contains(r, " 206 \"\"") {
			t.Errorf("range request (Accept-Encoding, Range, status, Content-Encoding): %s", r)
		}
	}
	t.Logf("%d range requests, the first %s", len(ranges), ranges[0])
}

// statusWriter remembers the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// TestDownloadLengthsChangeETag: the collection documents change when the
// lengths appear, so their ETag must too: a client revalidating the copy
// it got before gets the new document, not 304.
func TestDownloadLengthsChangeETag(t *testing.T) {
	store := defaultStore(t)
	for _, target := range []string{"/collections", "/collections/districts"} {
		s := server.New(server.Config{Store: store}) // nothing written yet
		first := do(t, s, http.MethodGet, target)
		tag := first.Header().Get("ETag")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		if err := s.WaitDownloads(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		again := do(t, s, http.MethodGet, target, "If-None-Match", tag)
		if again.Code != http.StatusOK || again.Header().Get("ETag") == tag {
			t.Errorf("%s: revalidating the document without lengths (%s) gives %d with ETag %s", target, tag, again.Code, again.Header().Get("ETag"))
		}
		if !strings.Contains(again.Body.String(), `"length"`) {
			t.Errorf("%s: no length after the downloads are written", target)
		}
		if third := do(t, s, http.MethodGet, target, "If-None-Match", again.Header().Get("ETag")); third.Code != http.StatusNotModified {
			t.Errorf("%s: revalidating the current document gives %d", target, third.Code)
		}
	}
}
