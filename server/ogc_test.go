package server_test

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestOGCEndpointsContentTypes(t *testing.T) {
	s := fixtureServer(t)
	tests := []struct {
		name, target, accept, ctype string
	}{
		{"landing", "/", "", "application/json"},
		{"api", "/api", "", "application/vnd.oai.openapi+json;version=3.0"},
		{"conformance", "/conformance", "", "application/json"},
		{"collections", "/collections", "", "application/json"},
		{"collection", "/collections/districts", "", "application/json"},
		{"items", "/collections/districts/items", "", "application/geo+json"},
		{"feature", "/collections/seats/items/1", "", "application/geo+json"},
		{"queryables", "/collections/districts/queryables", "", "application/schema+json"},
		{"landing html by f", "/?f=html", "", "text/html"},
		{"items html by Accept", "/collections/districts/items", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html"},
		{"f=json beats Accept", "/collections/districts/items?f=json", "text/html", "application/geo+json"},
		{"json preferred by q", "/collections", "text/html;q=0.5, application/json", "application/json"},
		{"feature html", "/collections/seats/items/1?f=html", "", "text/html"},
		{"api html", "/api?f=html", "", "text/html"},
		{"queryables html", "/collections/seats/queryables?f=html", "", "text/html"},
		{"conformance html", "/conformance?f=html", "", "text/html"},
		{"collection html", "/collections/seats?f=html", "", "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				rec := do(t, s, method, tt.target, "Accept", tt.accept)
				if rec.Code != http.StatusOK {
					t.Fatalf("%s %s: status %d: %s", method, tt.target, rec.Code, rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
					t.Errorf("%s: content type %q, want %q", method, ct, tt.ctype)
				}
				if rec.Header().Get("ETag") == "" {
					t.Errorf("%s: no ETag", method)
				}
				if method == http.MethodGet && rec.Body.Len() == 0 {
					t.Errorf("empty body")
				}
				if method == http.MethodGet && tt.ctype == "text/html" && !strings.Contains(rec.Body.String(), "</html>") {
					t.Errorf("not a complete HTML page")
				}
			}
		})
	}
}

func TestOGCBadInput(t *testing.T) {
	s := fixtureServer(t)
	tests := []struct {
		name, target string
		status       int
		param        string
	}{
		{"bbox too short", "/collections/districts/items?bbox=1,2", 400, "bbox"},
		{"bbox not numbers", "/collections/districts/items?bbox=a,b,c,d", 400, "bbox"},
		{"bbox NaN", "/collections/districts/items?bbox=NaN,0,1,1", 400, "bbox"},
		{"bbox Inf", "/collections/districts/items?bbox=0,0,Inf,1", 400, "bbox"},
		{"bbox out of range", "/collections/districts/items?bbox=0,0,1e300,1", 400, "bbox"},
		{"bbox lat inverted", "/collections/districts/items?bbox=0,10,1,5", 400, "bbox"},
		{"bbox-crs unknown", "/collections/districts/items?bbox=0,0,1,1&bbox-crs=EPSG:9999", 400, "bbox-crs"},
		{"bbox-crs without bbox", "/collections/districts/items?bbox-crs=EPSG:4326", 400, "bbox-crs"},
		{"limit zero", "/collections/districts/items?limit=0", 400, "limit"},
		{"limit negative", "/collections/districts/items?limit=-5", 400, "limit"},
		{"limit text", "/collections/districts/items?limit=ten", 400, "limit"},
		{"datetime garbage", "/collections/districts/items?datetime=yesterday", 400, "datetime"},
		{"datetime reversed", "/collections/districts/items?datetime=2026-02-01/2026-01-01", 400, "datetime"},
		{"datetime bare open", "/collections/districts/items?datetime=..", 400, "datetime"},
		{"filter syntax", "/collections/districts/items?filter=" + url.QueryEscape("name = "), 400, "filter"},
		{"filter unknown property", "/collections/districts/items?filter=" + url.QueryEscape("nope = 1"), 400, "filter"},
		{"filter bad point", "/collections/districts/items?filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(500 20))"), 400, "filter"},
		{"filter NaN point", "/collections/districts/items?filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(NaN 20))"), 400, "filter"},
		{"filter deep", "/collections/districts/items?filter=" + url.QueryEscape(strings.Repeat("(", 200)+"name = 'x'"+strings.Repeat(")", 200)), 400, "filter"},
		{"filter unsupported", "/collections/districts/items?filter=" + url.QueryEscape("S_WITHIN(geom,POINT(1 2))"), 400, "filter"},
		{"filter-lang unknown", "/collections/districts/items?filter=name%3D'x'&filter-lang=sql", 400, "filter-lang"},
		{"filter-lang alone", "/collections/districts/items?filter-lang=cql2-text", 400, "filter-lang"},
		{"filter json broken", "/collections/districts/items?filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"=","args":[`), 400, "filter"},
		{"filter-crs unknown", "/collections/districts/items?filter=name%3D'x'&filter-crs=EPSG:1", 400, "filter-crs"},
		{"crs unknown", "/collections/districts/items?crs=EPSG:2000", 400, "crs"},
		{"unknown parameter", "/collections/districts/items?colour=red", 400, "colour"},
		{"unknown parameter on landing", "/?limit=3", 400, "limit"},
		{"repeated parameter", "/collections/districts/items?limit=1&limit=2", 400, "limit"},
		{"bad f", "/collections?f=xml", 400, "f"},
		{"bad cursor", "/collections/districts/items?cursor=-1", 400, "cursor"},
		{"bad properties", "/collections/districts/items?properties=nope", 400, "properties"},
		{"bad skipGeometry", "/collections/districts/items?skipGeometry=maybe", 400, "skipGeometry"},
		{"bad property filter value", "/collections/seats/items?population=many", 400, "population"},
		{"unknown collection", "/collections/nope/items", 404, "collectionId"},
		{"unknown collection doc", "/collections/nope", 404, "collectionId"},
		{"unknown feature", "/collections/seats/items/999", 404, "featureId"},
		{"path trick feature", "/collections/seats/items/..%2F..%2Fetc%2Fpasswd", 404, "featureId"},
		{"path trick collection", "/collections/..%2Fseats/items", 404, "collectionId"},
		{"feature unknown parameter", "/collections/seats/items/1?limit=1", 400, "limit"},
		{"huge filter", "/collections/districts/items?filter=" + strings.Repeat("a", 70<<10), 413, "filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			var p struct {
				Type   string
				Title  string
				Status int
				Code   string
				Param  string
				Detail string
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Status != tt.status || p.Param != tt.param || p.Detail == "" || p.Type == "" || p.Title == "" || p.Code == "" {
				t.Errorf("problem %+v, want status %d param %q", p, tt.status, tt.param)
			}
		})
	}
}

func TestOGCItemsSelection(t *testing.T) {
	s := fixtureServer(t)
	tests := []struct {
		name, query string
		ids         []string
	}{
		{"no datetime: every version (Part 1)", "", []string{"a-new", "a-old", "b", "c", "d"}},
		{"before the change", "datetime=2025-06-01", []string{"a-old", "b", "d"}},
		{"last old day", "datetime=2026-01-24", []string{"a-old", "b", "d"}},
		{"first new day", "datetime=2026-01-25", []string{"a-new", "c", "d"}},
		{"timestamp in China time", "datetime=2026-01-24T17:00:00Z", []string{"a-new", "c", "d"}},
		{"every version", "datetime=../..", []string{"a-new", "a-old", "b", "c", "d"}},
		{"open start", "datetime=../2025-01-01", []string{"a-old", "b", "d"}},
		{"interval across the change", "datetime=2026-01-01/2026-02-01", []string{"a-new", "a-old", "b", "c", "d"}},
		{"bbox", "bbox=106.8,29.3,106.9,29.4", []string{"b", "c"}},
		{"bbox today", "bbox=106.8,29.3,106.9,29.4&datetime=2026-03-01", []string{"c"}},
		{"bbox 18 digits", "bbox=106.800000000000000011,29.3000000000000000071,106.900000000000000002,29.4000000000000000001", []string{"b", "c"}},
		{"bbox 6 numbers", "bbox=106.8,29.3,0,106.9,29.4,100", []string{"b", "c"}},
		{"bbox in the hole of d", "bbox=106.12,28.62,106.18,28.68", nil},
		{"bbox EPSG:4326 is lat/lon", "bbox=29.3,106.8,29.4,106.9&bbox-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4326"), []string{"b", "c"}},
		{"bbox EPSG:3857", "bbox=11888000,3420000,11889000,3421000&bbox-crs=EPSG:3857", []string{"b", "c"}},
		{"point filter", "filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(106.6 29.2))"), []string{"a-new", "b"}},
		{"point filter today", "datetime=2026-03-01&filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(106.6 29.2))"), []string{"a-new"}},
		{"point on shared border", "filter=" + url.QueryEscape("S_INTERSECTS(geometry,POINT(106.7 29.2))"), []string{"a-new", "b", "c"}},
		{"polygon filter", "filter=" + url.QueryEscape("S_INTERSECTS(geom,POLYGON((106.2 28.9,106.3 28.9,106.3 29.1,106.2 29.1,106.2 28.9)))"), []string{"a-new", "a-old", "d"}},
		{"bbox literal", "filter=" + url.QueryEscape("S_INTERSECTS(geom,BBOX(107.15,29.15,108,30))"), []string{"c"}},
		{"filter crs 4326", "filter-crs=EPSG:4326&filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(29.2 106.6))"), []string{"a-new", "b"}},
		{"property filter", "name_en=Yuzhong", []string{"d"}},
		{"cql2 comparison", "filter=" + url.QueryEscape("code = '500109' OR code IS NULL"), []string{"a-new", "a-old", "c"}},
		{"cql2 like", "filter=" + url.QueryEscape("name_en LIKE 'Yu%'") + "&datetime=../..", []string{"b", "d"}},
		{"cql2 date", "filter=" + url.QueryEscape("valid_from >= DATE('2026-01-25')"), []string{"a-new", "c"}},
		{"cql2 json", "filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"in","args":[{"property":"name_en"},["Beibei","Yuzhong"]]}`), []string{"a-new", "a-old", "d"}},
		{"combined", "datetime=../..&bbox=106.4,29.1,106.6,29.2&filter=" + url.QueryEscape("name_en = 'Beibei'"), []string{"a-new", "a-old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := getJSON(t, s, "/collections/districts/items?"+tt.query, "application/geo+json")
			ids := featureIDs(doc)
			sort.Strings(ids)
			if strings.Join(ids, ",") != strings.Join(tt.ids, ",") {
				t.Errorf("ids %v, want %v", ids, tt.ids)
			}
			if int(doc["numberMatched"].(float64)) != len(tt.ids) || int(doc["numberReturned"].(float64)) != len(tt.ids) {
				t.Errorf("numberMatched %v numberReturned %v, want %d", doc["numberMatched"], doc["numberReturned"], len(tt.ids))
			}
		})
	}
}

func TestOGCPaging(t *testing.T) {
	s := fixtureServer(t)
	for _, limit := range []int{1, 2, 3, 5, 7} {
		next := "/collections/districts/items?datetime=../..&limit=" + strconv.Itoa(limit)
		var ids []string
		pages := 0
		for next != "" {
			rec := do(t, s, http.MethodGet, next)
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", next, rec.Code, rec.Body)
			}
			var doc map[string]any
			json.Unmarshal(rec.Body.Bytes(), &doc)
			if doc["numberMatched"].(float64) != 5 {
				t.Fatalf("numberMatched %v", doc["numberMatched"])
			}
			if got := rec.Header().Get("OGC-NumberMatched"); got != "5" {
				t.Errorf("OGC-NumberMatched %q", got)
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Link"), ","), `rel="self"`) {
				t.Errorf("no Link header for self")
			}
			page := featureIDs(doc)
			if int(doc["numberReturned"].(float64)) != len(page) || len(page) > limit {
				t.Errorf("page of %d with numberReturned %v, limit %d", len(page), doc["numberReturned"], limit)
			}
			if pages > 0 && linkHref(doc, "prev", "application/geo+json") == "" {
				t.Errorf("page %d has no prev link", pages+1)
			}
			ids = append(ids, page...)
			pages++
			if n := linkHref(doc, "next", "application/geo+json"); n != "" {
				if !strings.Contains(strings.Join(rec.Header().Values("Link"), ","), `rel="next"`) {
					t.Errorf("next link not mirrored in the Link header")
				}
				next = pathOf(t, n)
			} else {
				next = ""
			}
		}
		sort.Strings(ids)
		if strings.Join(ids, ",") != "a-new,a-old,b,c,d" {
			t.Errorf("limit %d: paged ids %v", limit, ids)
		}
		if want := (5 + limit - 1) / limit; pages != want {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, want)
		}
	}
	t.Run("limit above the maximum is clamped", func(t *testing.T) {
		for _, l := range []string{"10001", "99999999999999999999999"} {
			doc := getJSON(t, s, "/collections/districts/items?limit="+l, "application/geo+json")
			if len(featureIDs(doc)) != 5 { // every version: no datetime
				t.Errorf("limit=%s: %d features", l, len(featureIDs(doc)))
			}
		}
	})
}

func TestOGCOutput(t *testing.T) {
	s := fixtureServer(t)
	point := func(target string) []any {
		t.Helper()
		doc := getJSON(t, s, target, "application/geo+json")
		return doc["geometry"].(map[string]any)["coordinates"].([]any)
	}
	t.Run("CRS84 is lon/lat", func(t *testing.T) {
		if p := point("/collections/seats/items/1"); p[0].(float64) != 106.25 || p[1].(float64) != 29.25 {
			t.Errorf("coordinates %v", p)
		}
	})
	t.Run("EPSG:4326 is lat/lon", func(t *testing.T) {
		rec := do(t, s, http.MethodGet, "/collections/seats/items/1?crs="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4326"))
		if got := rec.Header().Get("Content-Crs"); got != "<http://www.opengis.net/def/crs/EPSG/0/4326>" {
			t.Errorf("Content-Crs %q", got)
		}
		if p := point("/collections/seats/items/1?crs=EPSG:4326"); p[0].(float64) != 29.25 || p[1].(float64) != 106.25 {
			t.Errorf("coordinates %v", p)
		}
	})
	t.Run("EPSG:3857 is metres", func(t *testing.T) {
		p := point("/collections/seats/items/1?crs=EPSG:3857")
		x, y := p[0].(float64), p[1].(float64)
		// x = R·λ; y from the Mercator formula, computed independently.
		wantX := 6378137 * 106.25 * 3.141592653589793 / 180
		if d := x - wantX; d > 1e-6 || d < -1e-6 || y < 3.40e6 || y > 3.42e6 {
			t.Errorf("coordinates %v, want x %v", p, wantX)
		}
	})
	t.Run("properties, skipGeometry, attribution", func(t *testing.T) {
		doc := getJSON(t, s, "/collections/seats/items?properties=name_en&skipGeometry=true", "application/geo+json")
		if doc["attribution"] != "GeoNames (geonames.org)" || doc["license"] != "CC BY 4.0" {
			t.Errorf("attribution %v license %v", doc["attribution"], doc["license"])
		}
		for _, f := range doc["features"].([]any) {
			m := f.(map[string]any)
			if m["geometry"] != nil || len(m["properties"].(map[string]any)) != 1 {
				t.Errorf("feature %v", m)
			}
		}
		if doc["timeStamp"] != "2026-03-01T04:00:00Z" {
			t.Errorf("timeStamp %v", doc["timeStamp"])
		}
	})
	t.Run("validity properties travel", func(t *testing.T) {
		doc := getJSON(t, s, "/collections/districts/items/a-old", "application/geo+json")
		p := doc["properties"].(map[string]any)
		if p["valid_to"] != "2026-01-24" || p["valid_from"] != nil {
			t.Errorf("properties %v", p)
		}
	})
	t.Run("links are absolute behind a proxy", func(t *testing.T) {
		rec := do(t, s, http.MethodGet, "/collections/districts/items?limit=1", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.org", "X-Forwarded-Prefix", "/beibei/")
		var doc map[string]any
		json.Unmarshal(rec.Body.Bytes(), &doc)
		want := "https://maps.example.org/beibei/collections/districts/items?cursor=1&limit=1"
		if got := linkHref(doc, "next", "application/geo+json"); got != want {
			t.Errorf("next %q, want %q", got, want)
		}
	})
	t.Run("collection document", func(t *testing.T) {
		doc := getJSON(t, s, "/collections/seats", "application/json")
		if doc["storageCrs"] != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" || doc["attribution"] != "GeoNames (geonames.org)" {
			t.Errorf("storageCrs %v attribution %v", doc["storageCrs"], doc["attribution"])
		}
		if linkHref(doc, "enclosure", "application/geo+json") == "" || linkHref(doc, "items", "application/geo+json") == "" {
			t.Errorf("links %v", doc["links"])
		}
		if !strings.Contains(doc["description"].(string), "datetime=../..") {
			t.Errorf("description does not say how versions work")
		}
	})
	t.Run("landing links", func(t *testing.T) {
		doc := getJSON(t, s, "/", "application/json")
		for rel, typ := range map[string]string{"self": "application/json", "service-desc": "application/vnd.oai.openapi+json;version=3.0", "service-doc": "text/html", "conformance": "application/json", "data": "application/json"} {
			if linkHref(doc, rel, typ) == "" {
				t.Errorf("no %s link of type %s", rel, typ)
			}
		}
	})
	t.Run("api declares limit and queryables", func(t *testing.T) {
		doc := getJSON(t, s, "/api", "application/vnd.oai.openapi+json;version=3.0")
		lim := doc["components"].(map[string]any)["parameters"].(map[string]any)["limit"].(map[string]any)["schema"].(map[string]any)
		if lim["default"].(float64) != 100 || lim["maximum"].(float64) != 10000 {
			t.Errorf("limit schema %v", lim)
		}
		paths := doc["paths"].(map[string]any)
		for _, p := range []string{"/lookup", "/healthz", "/map/", "/collections/{collectionId}/items"} {
			if paths[p] == nil {
				t.Errorf("path %s missing", p)
			}
		}
		if paths["/lookup"].(map[string]any)["post"] == nil {
			t.Errorf("POST /lookup missing")
		}
		found := false
		for _, prm := range paths["/collections/seats/items"].(map[string]any)["get"].(map[string]any)["parameters"].([]any) {
			m := prm.(map[string]any)
			if m["name"] == "name_en" && m["in"] == "query" && m["style"] == "form" && m["explode"] == false {
				found = true
			}
		}
		if !found {
			t.Errorf("seats items path does not declare name_en as a form parameter")
		}
	})
}

func TestOGCCaching(t *testing.T) {
	s := fixtureServer(t)
	target := "/collections/districts/items?limit=2"
	rec := do(t, s, http.MethodGet, target)
	tag := rec.Header().Get("ETag")
	if tag == "" || rec.Header().Get("Cache-Control") == "" {
		t.Fatalf("ETag %q Cache-Control %q", tag, rec.Header().Get("Cache-Control"))
	}
	if again := do(t, s, http.MethodGet, target).Header().Get("ETag"); again != tag {
		t.Errorf("ETag changed between identical requests: %q %q", tag, again)
	}
	if other := do(t, s, http.MethodGet, target+"&datetime=../..").Header().Get("ETag"); other == tag {
		t.Errorf("different requests share ETag %q", tag)
	}
	if rec := do(t, s, http.MethodGet, target, "If-None-Match", tag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d, body %d bytes", rec.Code, rec.Body.Len())
	}
	if rec := do(t, s, http.MethodGet, target, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
		t.Errorf("non-matching If-None-Match: status %d", rec.Code)
	}
	t.Run("gzip", func(t *testing.T) {
		rec := do(t, s, http.MethodGet, "/collections/districts/items?datetime=../..", "Accept-Encoding", "gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("not gzipped")
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(readAll(t, zr)), &doc); err != nil || doc["numberMatched"].(float64) != 5 {
			t.Errorf("gzipped body: %v %v", err, doc["numberMatched"])
		}
	})
	t.Run("CORS", func(t *testing.T) {
		rec := do(t, s, http.MethodGet, "/collections", "Origin", "https://allowed.example")
		if rec.Header().Get("Access-Control-Allow-Origin") != "https://allowed.example" {
			t.Errorf("allowed origin: %q", rec.Header().Get("Access-Control-Allow-Origin"))
		}
		rec = do(t, s, http.MethodGet, "/collections", "Origin", "https://evil.example")
		if rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("other origin allowed: %q", rec.Header().Get("Access-Control-Allow-Origin"))
		}
	})
}

func TestOGCHTMLItemsMap(t *testing.T) {
	s := fixtureServer(t)
	rec := do(t, s, http.MethodGet, "/collections/districts/items?f=html&datetime=../..")
	body := rec.Body.String()
	if rec.Code != 200 || strings.Count(body, "<path ") != 5 || !strings.Contains(body, "<svg") {
		t.Errorf("status %d, %d paths", rec.Code, strings.Count(body, "<path "))
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "https://cdn") {
		t.Errorf("HTML page loads scripts")
	}
}

// TestOGCGolden compares the documents of the fixture with golden files;
// go test -run TestOGCGolden -update rewrites them.
func TestOGCGolden(t *testing.T) {
	s := fixtureServer(t)
	tests := []struct{ name, target string }{
		{"landing", "/"},
		{"conformance", "/conformance"},
		{"collections", "/collections"},
		{"items", "/collections/districts/items?limit=2&datetime=../.."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tt.target)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(v, "", "  ")
			got = append(got, '\n')
			file := filepath.Join("testdata", "golden_"+tt.name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -run TestOGCGolden -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s:\n%s", tt.target, file, got)
			}
		})
	}
}

// TestOGCParametersAgree checks that a parameter shared by the items and
// the single-feature routes reads the same on both (skipGeometry=1 was
// accepted on items and a 400 on a feature).
func TestOGCParametersAgree(t *testing.T) {
	s := fixtureServer(t)
	for _, q := range []string{"skipGeometry=true", "skipGeometry=1", "skipGeometry=false", "skipGeometry=0", "skipGeometry=maybe", "crs=EPSG:4326", "crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4326"), "crs=gcj02"} {
		items := do(t, s, http.MethodGet, "/collections/seats/items?"+q).Code
		one := do(t, s, http.MethodGet, "/collections/seats/items/1?"+q).Code
		if items != one {
			t.Errorf("%s: items %d, feature %d", q, items, one)
		}
	}
}
