package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// TestQGISVectorTiles loads /tiles as a QGIS vector tile layer with the
// server's MapLibre style (styleUrl, which QGIS 3.22 converts into its own
// symbology) and renders Beibei: QGIS must fetch the style and tiles from
// the server, convert a style for every collection and labels for
// districts, townships and seats, and paint something;
// each polygon layer's fill alone (districts, townships, planning zones)
// must paint well over 1% of the image, which QGIS only does for polygons
// wound as MVT 2.1 says; an extent with no data must paint nothing.
func TestQGISVectorTiles(t *testing.T) {
	requireQGIS(t)
	ts, log, snap := startDefault(t)
	type observation struct {
		Valid         bool           `json:"valid"`
		StyleLoaded   bool           `json:"styleLoaded"`
		Styles        []string       `json:"styles"`
		Labels        []string       `json:"labels"`
		PaintedPixels int            `json:"paintedPixels"`
		FillPixels    map[string]int `json:"fillPixels"`
	}
	render := func(min, max orb.Point) observation {
		t.Helper()
		a, b := geo.WebMercator.FromWGS84(min), geo.WebMercator.FromWGS84(max)
		out := run(t, 2*time.Minute, []string{"QT_QPA_PLATFORM=offscreen"}, "/usr/bin/python3", "-u", "testdata/qgis_tiles.py", ts.URL,
			ftoa(a[0]), ftoa(a[1]), ftoa(b[0]), ftoa(b[1]))
		var o observation
		if err := json.Unmarshal([]byte(lastLine(out)), &o); err != nil {
			t.Fatalf("qgis_tiles.py printed %q: %v", out, err)
		}
		return o
	}

	o := render(orb.Point{106.3, 29.7}, orb.Point{106.9, 30.1})
	if !o.Valid || !o.StyleLoaded {
		t.Fatalf("QGIS: layer valid %v, style loaded %v", o.Valid, o.StyleLoaded)
	}
	var want []string
	for _, c := range snap.Collections() {
		want = append(want, c.ID)
	}
	slices.Sort(want)
	if !slices.Equal(o.Styles, want) {
		t.Errorf("QGIS converted styles for %v, want every collection %v", o.Styles, want)
	}
	if o.PaintedPixels == 0 {
		t.Error("QGIS painted nothing over Beibei")
	}
	if !slices.Equal(o.Labels, []string{"districts", "seats", "townships"}) {
		t.Errorf("QGIS converted labels for %v, want districts, seats and townships", o.Labels)
	}
	for _, layer := range []string{"districts", "townships", "planning-zones"} {
		// 256×256 pixels: 1% is 655; the Beibei townships alone cover
		// about a third of the extent.
		if n := o.FillPixels[layer]; n < 655 {
			t.Errorf("QGIS filled %d pixels of %s polygons over Beibei, want well above zero (≥ 655)", n, layer)
		}
	}
	t.Logf("QGIS fill pixels per layer: %v", o.FillPixels)
	if len(log.matching("/tiles/style.json")) == 0 {
		t.Error("QGIS did not fetch /tiles/style.json")
	}
	tiles := 0
	log.mu.Lock()
	for _, u := range log.uris {
		if strings.HasPrefix(u, "/tiles/") && strings.HasSuffix(u, ".mvt") {
			tiles++
		}
	}
	log.mu.Unlock()
	if tiles == 0 {
		t.Error("QGIS fetched no .mvt tile")
	}

	// Negative control: the South Atlantic has no feature to paint.
	if o := render(orb.Point{-20, -40}, orb.Point{-19, -39}); o.PaintedPixels != 0 {
		t.Errorf("QGIS painted %d samples where there is no data", o.PaintedPixels)
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// fetchTo GETs url and writes the body to a file in dir, returning its path
// and the decoded JSON.
func fetchTo(t *testing.T, url, dir, name string) (string, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, doc
}

// TestTileJSONAndStyleValidators validates /tiles/tiles.json with the
// official TileJSON 3.0.0 schema (ajv) and /tiles/style.json with
// @maplibre/maplibre-gl-style-spec, and checks what the issue asks beyond
// the schemas: every attribute of every feature listed in its layer's
// fields with a description, the attribution once in the TileJSON and on
// the style's source, which points at the TileJSON and promotes "id".
func TestTileJSONAndStyleValidators(t *testing.T) {
	node := requireTool(t, "node")
	if _, err := os.Stat(filepath.Join("..", "web", "node_modules", "ajv")); err != nil {
		t.Fatalf("the validators are not installed: run `make web` first (%v)", err)
	}
	ts, _, snap := startDefault(t)
	dir := t.TempDir()
	tjPath, tj := fetchTo(t, ts.URL+"/tiles/tiles.json", dir, "tiles.json")
	stPath, st := fetchTo(t, ts.URL+"/tiles/style.json", dir, "style.json")
	out := run(t, time.Minute, nil, node, filepath.Join("..", "web", "e2e", "tiles-json-check.mjs"),
		filepath.Join("testdata", "tilejson-3.0.0", "schema.json"), tjPath, stPath)
	var res struct{ TileJSON, Style []string }
	if err := json.Unmarshal([]byte(lastLine(out)), &res); err != nil {
		t.Fatalf("tiles-json-check.mjs printed %q: %v", out, err)
	}
	if len(res.TileJSON) > 0 {
		t.Errorf("TileJSON 3.0.0 schema: %v", res.TileJSON)
	}
	if len(res.Style) > 0 {
		t.Errorf("MapLibre style spec: %v", res.Style)
	}

	layers := map[string]map[string]any{}
	for _, l := range tj["vector_layers"].([]any) {
		l := l.(map[string]any)
		layers[l["id"].(string)], _ = l["fields"].(map[string]any)
	}
	for _, c := range snap.Collections() {
		fields := layers[c.ID]
		if fields == nil {
			t.Errorf("vector_layers lacks %s", c.ID)
			continue
		}
		for _, f := range c.Features {
			for k, v := range f.Properties {
				if v == nil || k == "attribution" { // absent from tiles: nil, and the credit the TileJSON carries
					continue
				}
				if d, _ := fields[k].(string); len(d) < 8 {
					t.Errorf("%s: field %s listed as %q, want a description", c.ID, k, d)
				}
			}
		}
	}
	attr, _ := tj["attribution"].(string)
	credits := strings.Split(attr, "; ")
	for _, c := range snap.Collections() {
		for _, p := range strings.Split(c.Attribution, "; ") {
			if n := slices.Index(credits, strings.TrimSpace(p)); n < 0 || slices.Index(credits[n+1:], credits[n]) >= 0 {
				t.Errorf("TileJSON attribution %q does not credit %q exactly once", attr, p)
			}
		}
	}
	src := st["sources"].(map[string]any)["beibeimap"].(map[string]any)
	if src["url"] != ts.URL+"/tiles/tiles.json" || src["attribution"] != attr || src["promoteId"] != "id" {
		t.Errorf("style source = %v, want url of the TileJSON, its attribution and promoteId id", src)
	}
	labels := map[string]bool{}
	for _, l := range st["layers"].([]any) {
		l := l.(map[string]any)
		if l["type"] == "symbol" {
			labels[l["source-layer"].(string)] = true
		}
	}
	for _, want := range []string{"districts", "townships", "seats"} {
		if !labels[want] {
			t.Errorf("style has no label layer for %s", want)
		}
	}
}
