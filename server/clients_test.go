package server_test

// Tests with the real clients GIS staff use: GDAL 3.6 (ogrinfo, ogr2ogr)
// and QGIS 3.22 (PyQGIS, OAPIF provider). They run against the embedded
// default data, whatever it is, and derive every expectation from the
// server's own answers. With BEIBEIMAP_REQUIRE_CLIENTS=1 (CI, make test) a
// missing client fails the test; otherwise it is skipped.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"beibeimap/geo"
	"beibeimap/server"
)

// requireTool returns the path of a client program, or ends the test.
func requireTool(t *testing.T, path string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err == nil {
		return p
	}
	if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
		t.Fatalf("client %s is required (BEIBEIMAP_REQUIRE_CLIENTS=1) but missing: %v", path, err)
	}
	t.Skipf("client %s not installed (apt-get install gdal-bin python3-qgis); set BEIBEIMAP_REQUIRE_CLIENTS=1 to make this a failure", path)
	return ""
}

// requestLog records the request URIs a client sent.
type requestLog struct {
	mu   sync.Mutex
	uris []string
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.uris = append(l.uris, r.URL.RequestURI())
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// matching returns the logged URIs whose path is path and whose decoded
// query has every key of keys.
func (l *requestLog) matching(path string, keys ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, u := range l.uris {
		p, q, _ := strings.Cut(u, "?")
		if p != path {
			continue
		}
		v, err := url.ParseQuery(q)
		if err != nil {
			continue
		}
		ok := true
		for _, k := range keys {
			ok = ok && v.Has(k)
		}
		if ok {
			out = append(out, u)
		}
	}
	return out
}

func (l *requestLog) reset() {
	l.mu.Lock()
	l.uris = nil
	l.mu.Unlock()
}

// startDefault serves the default data on 127.0.0.1 with a request log.
func startDefault(t *testing.T) (*httptest.Server, *requestLog, *geo.Snapshot) {
	t.Helper()
	st := defaultStore(t)
	log := &requestLog{}
	ts := httptest.NewServer(log.wrap(server.New(server.Config{Store: st})))
	t.Cleanup(ts.Close)
	return ts, log, st.Snapshot()
}

// serverFeatures follows the next links of items?query and returns the
// features by id, and numberMatched of the first page.
func serverFeatures(t *testing.T, base, coll, query string) (map[string]map[string]any, int) {
	t.Helper()
	next := base + "/collections/" + coll + "/items?" + query
	out := map[string]map[string]any{}
	matched := -1
	for next != "" {
		resp, err := http.Get(next)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: status %d, %v", next, resp.StatusCode, err)
		}
		if matched < 0 {
			matched = int(doc["numberMatched"].(float64))
		}
		for _, f := range doc["features"].([]any) {
			m := f.(map[string]any)
			out[m["id"].(string)] = m
		}
		next = linkHref(doc, "next", "application/geo+json")
	}
	if len(out) != matched {
		t.Fatalf("%s?%s: paged through %d features, numberMatched says %d", coll, query, len(out), matched)
	}
	return out, matched
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// run executes a client with a time bound and returns its stdout.
func run(t *testing.T, timeout time.Duration, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// gdalIDs converts a layer with ogr2ogr to GeoJSON and returns the sorted
// feature ids (GDAL keeps a string id as the "id" field).
func gdalIDs(t *testing.T, ogr2ogr string, args ...string) []string {
	t.Helper()
	out := run(t, time.Minute, nil, ogr2ogr, append([]string{"-f", "GeoJSON", "/vsistdout/"}, args...)...)
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil {
		t.Fatalf("ogr2ogr output is not GeoJSON: %v\n%.300s", err, out)
	}
	ids := []string{}
	for _, f := range fc.Features {
		ids = append(ids, fmt.Sprint(f.Properties["id"]))
	}
	sort.Strings(ids)
	return ids
}

// stringSample returns a queryable string property of coll and a value of
// it in today's view, preferring name.
func stringSample(t *testing.T, feats map[string]map[string]any) (string, string) {
	t.Helper()
	for _, prop := range []string{"name", "name_en", "kind", "category"} {
		for _, id := range keys(feats) {
			if v, ok := feats[id]["properties"].(map[string]any)[prop].(string); ok && v != "" && !strings.ContainsAny(v, "'\"%") {
				return prop, v
			}
		}
	}
	return "", ""
}

func TestGDAL(t *testing.T) {
	ogrinfo := requireTool(t, "ogrinfo")
	ogr2ogr := requireTool(t, "ogr2ogr")
	ts, log, snap := startDefault(t)
	ds := "OAPIF:" + ts.URL

	t.Run("lists every collection", func(t *testing.T) {
		out := run(t, time.Minute, nil, ogrinfo, "-ro", "-so", ds)
		for _, c := range snap.Collections() {
			if !regexp.MustCompile(`(?m)^\d+: ` + regexp.QuoteMeta(c.ID) + ` `).MatchString(out) {
				t.Errorf("ogrinfo does not list %s:\n%s", c.ID, out)
			}
		}
	})

	t.Run("feature count is numberMatched", func(t *testing.T) {
		for _, c := range snap.Collections() {
			_, matched := serverFeatures(t, ts.URL, c.ID, "limit=1000")
			out := run(t, time.Minute, nil, ogrinfo, "-ro", "-so", ds, c.ID)
			m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
			if m == nil || m[1] != fmt.Sprint(matched) {
				t.Errorf("%s: ogrinfo %v, numberMatched %d", c.ID, m, matched)
			}
		}
	})

	t.Run("ogr2ogr pages through every collection", func(t *testing.T) {
		log.reset()
		gpkg := filepath.Join(t.TempDir(), "all.gpkg")
		run(t, 2*time.Minute, nil, ogr2ogr, "-f", "GPKG", gpkg, ds, "-oo", "PAGE_SIZE=7")
		for _, c := range snap.Collections() {
			want, matched := serverFeatures(t, ts.URL, c.ID, "limit=1000")
			got := gdalIDs(t, ogr2ogr, gpkg, c.ID)
			if strings.Join(got, ",") != strings.Join(keys(want), ",") {
				t.Errorf("%s: GPKG has %d features %v, server %d %v", c.ID, len(got), got, matched, keys(want))
			}
			if matched > 7 && len(log.matching("/collections/"+c.ID+"/items", "cursor")) == 0 {
				t.Errorf("%s: %d features but GDAL never followed a next link", c.ID, matched)
			}
		}
	})

	for _, c := range snap.Collections() {
		feats, matched := serverFeatures(t, ts.URL, c.ID, "limit=1000")
		if matched < 2 {
			continue
		}
		t.Run(c.ID+"/spat", func(t *testing.T) {
			// The middle half of the extent of today's features.
			var b [4]float64
			first := true
			for _, f := range c.Features {
				if _, ok := feats[f.ID]; !ok || f.Geometry == nil || f.Geometry.Bound().IsEmpty() {
					continue
				}
				fb := f.Geometry.Bound()
				if first {
					b, first = [4]float64{fb.Min[0], fb.Min[1], fb.Max[0], fb.Max[1]}, false
				}
				b = [4]float64{math.Min(b[0], fb.Min[0]), math.Min(b[1], fb.Min[1]), math.Max(b[2], fb.Max[0]), math.Max(b[3], fb.Max[1])}
			}
			w, h := b[2]-b[0], b[3]-b[1]
			box := [4]float64{b[0] + w/4, b[1] + h/4, b[2] - w/4, b[3] - h/4}
			log.reset()
			args := []string{ds, c.ID, "-spat"}
			for _, v := range box {
				args = append(args, fmt.Sprint(v))
			}
			got := gdalIDs(t, ogr2ogr, args...)
			want, _ := serverFeatures(t, ts.URL, c.ID, fmt.Sprintf("bbox=%v,%v,%v,%v&limit=1000", box[0], box[1], box[2], box[3]))
			if strings.Join(got, ",") != strings.Join(keys(want), ",") {
				t.Errorf("-spat %v: GDAL %v, server bbox %v", box, got, keys(want))
			}
			if len(log.matching("/collections/"+c.ID+"/items", "bbox")) == 0 {
				t.Errorf("GDAL did not send bbox to the server")
			}
		})
		prop, value := stringSample(t, feats)
		if prop == "" {
			continue
		}
		t.Run(c.ID+"/where", func(t *testing.T) {
			log.reset()
			got := gdalIDs(t, ogr2ogr, ds, c.ID, "-where", fmt.Sprintf("%s = '%s'", prop, value))
			want, _ := serverFeatures(t, ts.URL, c.ID, url.Values{prop: {value}, "limit": {"1000"}}.Encode())
			if len(want) == 0 || strings.Join(got, ",") != strings.Join(keys(want), ",") {
				t.Errorf("-where %s = %q: GDAL %v, server %v", prop, value, got, keys(want))
			}
			if len(log.matching("/collections/"+c.ID+"/items", prop)) == 0 {
				t.Errorf("GDAL did not send %s=%s to the server: %v", prop, value, log.uris)
			}
			// An OR cannot be a query parameter: GDAL sends it as CQL2.
			log.reset()
			where := fmt.Sprintf("%s = '%s' OR %s IS NULL", prop, value, prop)
			got = gdalIDs(t, ogr2ogr, ds, c.ID, "-where", where)
			want, _ = serverFeatures(t, ts.URL, c.ID, url.Values{"filter": {where}, "limit": {"1000"}}.Encode())
			if strings.Join(got, ",") != strings.Join(keys(want), ",") {
				t.Errorf("-where %s: GDAL %v, server %v", where, got, keys(want))
			}
			if len(log.matching("/collections/"+c.ID+"/items", "filter", "filter-lang")) == 0 {
				t.Errorf("GDAL did not send the filter to the server: %v", log.uris)
			}
		})
	}
}

// requireQGIS ends the test when PyQGIS cannot be imported by Debian's
// python3 (a failure when BEIBEIMAP_REQUIRE_CLIENTS=1).
func requireQGIS(t *testing.T) {
	t.Helper()
	requireTool(t, "/usr/bin/python3")
	if err := exec.Command("/usr/bin/python3", "-c", "import qgis.core").Run(); err != nil {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("PyQGIS is required (BEIBEIMAP_REQUIRE_CLIENTS=1) but cannot be imported: %v", err)
		}
		t.Skip("PyQGIS not installed (apt-get install --no-install-recommends python3-qgis)")
	}
}

func TestQGIS(t *testing.T) {
	requireQGIS(t)
	ts, log, snap := startDefault(t)

	type layerSpec struct {
		Collection string `json:"collection"`
		PageSize   int    `json:"pageSize"`
		Filter     string `json:"filter,omitempty"`
		Local3857  bool   `json:"local3857"`
	}
	type expect struct {
		feats    map[string]map[string]any
		filtered []string
		fields   []string // in every feature
		anyField []string // in some feature
	}
	spec := struct {
		URL    string      `json:"url"`
		Layers []layerSpec `json:"layers"`
	}{URL: ts.URL}
	exp := map[string]expect{}
	for _, c := range snap.Collections() {
		feats, matched := serverFeatures(t, ts.URL, c.ID, "limit=1000")
		ls := layerSpec{Collection: c.ID, PageSize: max(2, matched/3), Local3857: true}
		e := expect{feats: feats}
		if prop, value := stringSample(t, feats); prop != "" {
			ls.Filter = fmt.Sprintf(`"%s" = '%s'`, prop, value)
			want, _ := serverFeatures(t, ts.URL, c.ID, url.Values{"filter": {fmt.Sprintf("%s = '%s'", prop, value)}, "limit": {"1000"}}.Encode())
			e.filtered = keys(want)
		}
		count := map[string]int{}
		for _, f := range feats {
			for k := range f["properties"].(map[string]any) {
				count[k]++
			}
		}
		for k, n := range count {
			e.anyField = append(e.anyField, k)
			if n == len(feats) {
				e.fields = append(e.fields, k)
			}
		}
		spec.Layers = append(spec.Layers, ls)
		exp[c.ID] = e
	}
	specFile := filepath.Join(t.TempDir(), "spec.json")
	b, _ := json.Marshal(spec)
	if err := os.WriteFile(specFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	log.reset()
	out := run(t, 2*time.Minute, []string{"QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR=" + t.TempDir()}, "/usr/bin/python3", "-u", "testdata/qgis_check.py", specFile)
	var res struct {
		Layers []struct {
			Collection   string                  `json:"collection"`
			Valid        bool                    `json:"valid"`
			FeatureCount int                     `json:"featureCount"`
			Fields       []string                `json:"fields"`
			FieldTypes   map[string]string       `json:"fieldTypes"`
			Names        []string                `json:"names"`
			Iterated     int                     `json:"iterated"`
			IDs          []string                `json:"ids"`
			FilteredIDs  []string                `json:"filteredIds"`
			Local3857    map[string][][2]float64 `json:"local3857"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]), &res); err != nil {
		t.Fatalf("qgis_check.py output: %v\n%s", err, out)
	}
	if len(res.Layers) != len(snap.Collections()) {
		t.Fatalf("QGIS reported %d layers, want %d", len(res.Layers), len(snap.Collections()))
	}
	for i, l := range res.Layers {
		ls, e := spec.Layers[i], exp[l.Collection]
		t.Run(l.Collection, func(t *testing.T) {
			if !l.Valid {
				t.Fatal("layer is not valid")
			}
			if l.FeatureCount != len(e.feats) || l.Iterated != len(e.feats) {
				t.Errorf("featureCount %d, iterated %d, numberMatched %d", l.FeatureCount, l.Iterated, len(e.feats))
			}
			if strings.Join(l.IDs, ",") != strings.Join(keys(e.feats), ",") {
				t.Errorf("ids %v, server %v", l.IDs, keys(e.feats))
			}
			// QGIS 3.22 sends no datetime: it must still reach every version
			// (both 北碚区), with valid_from/valid_to typed as dates so that
			// its temporal controller can use them.
			if l.Collection == "districts" {
				want := 0
				for _, f := range e.feats {
					if f["properties"].(map[string]any)["name"] == "北碚区" {
						want++
					}
				}
				got := 0
				for _, n := range l.Names {
					if n == "北碚区" {
						got++
					}
				}
				if want < 2 || got != want {
					t.Errorf("QGIS sees %d features named 北碚区, the server has %d (want both versions)", got, want)
				}
				for _, k := range []string{"valid_from", "valid_to"} {
					if !strings.EqualFold(l.FieldTypes[k], "date") {
						t.Errorf("QGIS types %s as %q, want Date", k, l.FieldTypes[k])
					}
				}
			}
			// QGIS takes its fields from the first page: every property that
			// all features have must be there, and nothing else but id.
			for _, f := range e.fields {
				if !slices.Contains(l.Fields, f) {
					t.Errorf("field %s missing from %v", f, l.Fields)
				}
			}
			for _, f := range l.Fields {
				if f != "id" && !slices.Contains(e.anyField, f) {
					t.Errorf("QGIS field %s is no property of the data", f)
				}
			}
			if pages := log.matching("/collections/"+l.Collection+"/items", "cursor"); len(e.feats) > ls.PageSize && len(pages) == 0 {
				t.Errorf("%d features, page size %d, but QGIS never followed a next link", len(e.feats), ls.PageSize)
			}
			if ls.Filter != "" && strings.Join(l.FilteredIDs, ",") != strings.Join(e.filtered, ",") {
				t.Errorf("subset %s: QGIS %v, server CQL2 filter %v", ls.Filter, l.FilteredIDs, e.filtered)
			}
			// EPSG:3857 from the server equals QGIS' own reprojection.
			merc, _ := serverFeatures(t, ts.URL, l.Collection, "limit=1000&crs="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/3857"))
			compared := 0
			for id, f := range merc {
				got := flatten(f["geometry"])
				want := l.Local3857[id]
				if len(got) != len(want) {
					t.Errorf("%s: server has %d vertices in EPSG:3857, QGIS %d", id, len(got), len(want))
					continue
				}
				for j := range got {
					if math.Abs(got[j][0]-want[j][0]) > 1e-3 || math.Abs(got[j][1]-want[j][1]) > 1e-3 {
						t.Errorf("%s vertex %d: server %v, QGIS %v", id, j, got[j], want[j])
						break
					}
				}
				compared++
			}
			if compared != len(e.feats) {
				t.Errorf("compared %d of %d features in EPSG:3857", compared, len(e.feats))
			}
		})
	}
	// QGIS 3.22's OAPIF provider reads only limit from /api: it neither
	// sends filters nor asks for another CRS. Record that, so a future QGIS
	// that does is noticed.
	if n := len(log.matching("/conformance")); n != 0 {
		t.Logf("QGIS now reads /conformance (%d requests): consider asserting server-side CQL2 and CRS", n)
	}
}

// flatten returns the positions of a decoded GeoJSON geometry in order.
func flatten(g any) [][2]float64 {
	var out [][2]float64
	var walk func(v any)
	walk = func(v any) {
		a, ok := v.([]any)
		if !ok {
			return
		}
		if len(a) >= 2 {
			if x, ok := a[0].(float64); ok {
				out = append(out, [2]float64{x, a[1].(float64)})
				return
			}
		}
		for _, e := range a {
			walk(e)
		}
	}
	if m, ok := g.(map[string]any); ok {
		walk(m["coordinates"])
	}
	return out
}
