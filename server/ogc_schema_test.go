package server_test

// The OGC API – Features documents checked against the official 1.0.1
// schemas (Part 1 core and Part 2 crs) with ajv, the validator pinned in
// web/package.json: landing page, conformance, collections, every
// collection, items pages and single features of every collection, and the
// error bodies.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/server"
)

// requireNodeModule ends the test when node or a package of web/package.json
// is missing (a failure when BEIBEIMAP_REQUIRE_CLIENTS=1; make test runs
// make web first, which installs them).
func requireNodeModule(t *testing.T, pkg string) string {
	t.Helper()
	node := requireTool(t, "node")
	if _, err := os.Stat(filepath.Join("..", "web", "node_modules", pkg, "package.json")); err != nil {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("npm package %s is required (BEIBEIMAP_REQUIRE_CLIENTS=1) but missing: run make web", pkg)
		}
		t.Skipf("npm package %s not installed (make web)", pkg)
	}
	return node
}

func TestOGCSchemas(t *testing.T) {
	sr := newSchemaRun(t)
	add := func(h http.Handler, name, target string, status int, schemas ...string) map[string]any {
		t.Helper()
		doc, _ := sr.add(h, name, target, status, schemas...)
		return doc
	}
	for _, ds := range []struct {
		name string
		h    http.Handler
	}{
		{"default", server.New(server.Config{Store: defaultStore(t)})},
		{"fixture", fixtureServer(t)},
	} {
		h := ds.h
		p := ds.name + " "
		add(h, p+"landing", "/", 200, "core/landingPage.yaml")
		add(h, p+"conformance", "/conformance", 200, "core/confClasses.yaml")
		cols := add(h, p+"collections", "/collections", 200, "core/collections.yaml", "crs/collections.yaml")
		for _, c := range cols["collections"].([]any) {
			id := c.(map[string]any)["id"].(string)
			cp := "/collections/" + url.PathEscape(id)
			add(h, p+id, cp, 200, "core/collection.yaml", "crs/collection.yaml")
			for _, q := range []string{"", "limit=10000", "limit=1", "datetime=2025-06-01", "datetime=2026-06-01&crs=EPSG:3857", "properties=name"} {
				// skipGeometry=true is left out: its null geometries are
				// GeoJSON but not in the 1.0.1 schema, and the parameter is
				// not Part 1's.
				if q == "properties=name" && id != "districts" && ds.name == "fixture" {
					continue
				}
				items := add(h, p+id+" items?"+q, cp+"/items?"+q, 200, "core/featureCollectionGeoJSON.yaml")
				if q != "limit=1" {
					continue
				}
				for _, f := range items["features"].([]any) {
					fid := f.(map[string]any)["id"].(string)
					add(h, p+id+" feature "+fid, cp+"/items/"+url.PathEscape(fid), 200, "core/featureGeoJSON.yaml")
				}
			}
		}
		for _, bad := range []struct {
			target string
			status int
		}{
			{"/collections/districts/items?bbox=1,2", 400},
			{"/collections/districts/items?colour=red", 400},
			{"/collections/nope", 404},
			{"/collections/districts/items/nope", 404},
			{"/collections?f=xml", 400},
			{"/collections/districts/items?filter=" + strings.Repeat("a", 70<<10), 413},
		} {
			add(h, p+"error "+bad.target[:min(60, len(bad.target))], bad.target, bad.status, "core/exception.yaml")
		}
	}
	t.Logf("%d documents validated", sr.validate())
}

// schemaRun collects answers to validate against the official OGC API –
// Features 1.0.1 schemas (../shared/schemas) with testdata/ogc_schemas.mjs
// (ajv), which needs Node with ajv, ajv-formats and yaml.
type schemaRun struct {
	t        *testing.T
	node     string
	dir      string
	manifest []schemaEntry
}

type schemaEntry struct {
	Name   string `json:"name"`
	Schema string `json:"schema"`
	File   string `json:"file"`
}

func newSchemaRun(t *testing.T) *schemaRun {
	node := requireNodeModule(t, "ajv")
	requireNodeModule(t, "ajv-formats")
	requireNodeModule(t, "yaml")
	return &schemaRun{t: t, node: node, dir: t.TempDir()}
}

// add requests target from h, which must answer status, and queues its
// body for each schema; it returns the body and its decoding.
func (r *schemaRun) add(h http.Handler, name, target string, status int, schemas ...string) (map[string]any, []byte) {
	r.t.Helper()
	rec := do(r.t, h, http.MethodGet, target)
	if rec.Code != status {
		r.t.Fatalf("GET %s: status %d, want %d: %s", target, rec.Code, status, rec.Body)
	}
	file := filepath.Join(r.dir, fmt.Sprintf("%03d.json", len(r.manifest)))
	if err := os.WriteFile(file, rec.Body.Bytes(), 0o644); err != nil {
		r.t.Fatal(err)
	}
	for _, s := range schemas {
		r.manifest = append(r.manifest, schemaEntry{name + " (" + s + ")", s, file})
	}
	var doc map[string]any
	json.Unmarshal(rec.Body.Bytes(), &doc)
	return doc, rec.Body.Bytes()
}

// validate validates every queued document, failing the test for each
// schema error, and returns how many were validated.
func (r *schemaRun) validate() int {
	r.t.Helper()
	mf := filepath.Join(r.dir, "manifest.json")
	b, _ := json.Marshal(r.manifest)
	if err := os.WriteFile(mf, b, 0o644); err != nil {
		r.t.Fatal(err)
	}
	out := run(r.t, 2*time.Minute, nil, r.node, "testdata/ogc_schemas.mjs", mf)
	var res []struct {
		Name   string   `json:"name"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		r.t.Fatalf("ogc_schemas.mjs: %v\n%s", err, out)
	}
	if len(res) != len(r.manifest) {
		r.t.Fatalf("validated %d documents, sent %d", len(res), len(r.manifest))
	}
	for _, x := range res {
		if len(x.Errors) > 0 {
			r.t.Errorf("%s: %s", x.Name, strings.Join(x.Errors, "; "))
		}
	}
	return len(res)
}

// TestOGCTemporalExtent checks the temporal extent of each collection
// against the validity dates of its features: the first interval spans
// them all (null for an open end), the others are the distinct validity
// intervals, as RFC 3339 date-times in China time (UTC+8), the time zone
// of the data's calendar dates.
func TestOGCTemporalExtent(t *testing.T) {
	s := fixtureServer(t)
	tests := []struct {
		collection string
		want       string
	}{
		{"districts", `[[null,null],[null,"2026-01-24T23:59:59+08:00"],["2026-01-25T00:00:00+08:00",null]]`},
		{"seats", `[[null,null]]`},
	}
	for _, tt := range tests {
		t.Run(tt.collection, func(t *testing.T) {
			doc := getJSON(t, s, "/collections/"+tt.collection, "application/json")
			ext := doc["extent"].(map[string]any)["temporal"].(map[string]any)
			got, _ := json.Marshal(ext["interval"])
			if string(got) != tt.want {
				t.Errorf("interval %s, want %s", got, tt.want)
			}
			if ext["trs"] != "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" {
				t.Errorf("trs %v", ext["trs"])
			}
		})
	}
	t.Run("closed interval", func(t *testing.T) {
		st := storeFromGeoJSON(t, map[string]string{"zones": `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"z1","properties":{"valid_from":"2026-01-25","valid_to":null},"geometry":{"type":"Point","coordinates":[106.4,29.8]}},
{"type":"Feature","id":"z2","properties":{"valid_from":"2025-03-01","valid_to":"2026-12-31"},"geometry":{"type":"Point","coordinates":[106.4,29.8]}}]}`})
		doc := getJSON(t, server.New(server.Config{Store: st}), "/collections/zones", "application/json")
		got, _ := json.Marshal(doc["extent"].(map[string]any)["temporal"].(map[string]any)["interval"])
		want := `[["2025-03-01T00:00:00+08:00",null],["2025-03-01T00:00:00+08:00","2026-12-31T23:59:59+08:00"],["2026-01-25T00:00:00+08:00",null]]`
		if string(got) != want {
			t.Errorf("interval %s, want %s", got, want)
		}
	})
}

// TestOGCAllVersionsByDefault: without datetime, Part 1 applies no temporal
// filter, so QGIS 3.22 (which never sends datetime) reaches every version.
func TestOGCAllVersionsByDefault(t *testing.T) {
	s := fixtureServer(t)
	doc := getJSON(t, s, "/collections/districts/items", "application/geo+json")
	names := map[string]int{}
	for _, f := range doc["features"].([]any) {
		p := f.(map[string]any)["properties"].(map[string]any)
		names[p["name"].(string)]++
		for _, k := range []string{"valid_from", "valid_to"} {
			v, ok := p[k]
			if !ok {
				t.Errorf("%v: no %s", f.(map[string]any)["id"], k)
			}
			if s, isStr := v.(string); v != nil && (!isStr || len(s) != 10) {
				t.Errorf("%v: %s = %#v, want a YYYY-MM-DD date or null", f.(map[string]any)["id"], k, v)
			}
		}
	}
	if names["北碚区"] != 2 || doc["numberMatched"].(float64) != 5 {
		t.Errorf("numberMatched %v, names %v: want both versions of 北碚区 among 5", doc["numberMatched"], names)
	}
	coll := getJSON(t, s, "/collections/districts", "application/json")
	if strings.Contains(coll["description"].(string), "in force today unless") {
		t.Errorf("description still says items default to today: %s", coll["description"])
	}
}

// storeFromGeoJSON loads layers given as id → GeoJSON text.
func storeFromGeoJSON(t testing.TB, layers map[string]string) *geo.Store {
	t.Helper()
	fsys := fstest.MapFS{}
	for id, text := range layers {
		fsys[id+".geojson"] = &fstest.MapFile{Data: []byte(text)}
	}
	snap, err := data.LoadSnapshot(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return geo.NewStore(snap)
}
