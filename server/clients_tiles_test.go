package server_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	orbgeo "github.com/paulmach/orb"

	"beibeimap/geo"
)

// TestQGISVectorTiles loads /tiles as a QGIS vector tile layer with the
// server's MapLibre style (styleUrl, which QGIS 3.22 converts into its own
// symbology) and renders Beibei: QGIS must fetch the style and tiles from
// the server, convert a style for every collection, and paint something;
// an extent with no data must paint nothing.
func TestQGISVectorTiles(t *testing.T) {
	requireQGIS(t)
	ts, log, snap := startDefault(t)
	type observation struct {
		Valid         bool     `json:"valid"`
		StyleLoaded   bool     `json:"styleLoaded"`
		Styles        []string `json:"styles"`
		PaintedPixels int      `json:"paintedPixels"`
	}
	render := func(min, max orbgeo.Point) observation {
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

	o := render(orbgeo.Point{106.3, 29.7}, orbgeo.Point{106.9, 30.1})
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
	if o := render(orbgeo.Point{-20, -40}, orbgeo.Point{-19, -39}); o.PaintedPixels != 0 {
		t.Errorf("QGIS painted %d samples where there is no data", o.PaintedPixels)
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
