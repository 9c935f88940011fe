package gpkg_test

import (
	"beibeimap/data/clienttest"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/data/gpkg"
	"beibeimap/geo"
)

// layers returns every default collection as a layer.
func layers(t testing.TB) []gpkg.Layer {
	t.Helper()
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	var ls []gpkg.Layer
	for _, c := range cols {
		ls = append(ls, gpkg.Layer{Collection: c, Features: c.Features})
	}
	return ls
}

var created = time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)

func writeDefault(t *testing.T) (string, []gpkg.Layer) {
	t.Helper()
	ls := layers(t)
	path := filepath.Join(t.TempDir(), "beibeimap.gpkg")
	if err := gpkg.Write(context.Background(), path, ls, gpkg.Options{Created: created, Sources: "test"}); err != nil {
		t.Fatal(err)
	}
	return path, ls
}

func TestWriteOpensInGDAL(t *testing.T) {
	ogrinfo := clienttest.Require(t, "ogrinfo")
	path, ls := writeDefault(t)
	for _, l := range ls {
		t.Run(l.Collection.ID, func(t *testing.T) {
			out := string(clienttest.Run(t, ogrinfo, "-ro", "-so", path, l.Collection.ID))
			if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out); m == nil || m[1] != strconv.Itoa(len(l.Features)) {
				t.Errorf("feature count %v, want %d\n%s", m, len(l.Features), out)
			}
			want := map[string]string{"districts": "Multi Polygon", "townships": "Multi Polygon", "planning-zones": "Multi Polygon", "seats": "Point", "projects": "Point", "corridors": "Line String"}[l.Collection.ID]
			if !strings.Contains(out, "Geometry: "+want) {
				t.Errorf("geometry type is not %s:\n%s", want, out)
			}
			if !strings.Contains(out, `ID["EPSG",4326]`) {
				t.Errorf("SRS is not EPSG:4326:\n%s", out)
			}
			for _, f := range []string{"valid_from: Date", "valid_to: Date", "name: String", "id: String"} {
				if !strings.Contains(out, f) {
					t.Errorf("no field %q:\n%s", f, out)
				}
			}
			sql := string(clienttest.Run(t, ogrinfo, "-ro", "-q", path, "-sql", "SELECT HasSpatialIndex('"+l.Collection.ID+"', 'geom')", "-dialect", "SQLite"))
			if !strings.Contains(sql, "HasSpatialIndex (Integer) = 1") {
				t.Errorf("HasSpatialIndex is not 1:\n%s", sql)
			}
		})
	}
	t.Run("values in Chinese", func(t *testing.T) {
		out := string(clienttest.Run(t, ogrinfo, "-ro", "-q", path, "districts", "-where", "id = '500109-2026'"))
		for _, want := range []string{"name (String) = 北碚区", "valid_from (Date) = 2026/01/25", "valid_to (Date) = (null)"} {
			if !strings.Contains(out, want) {
				t.Errorf("no %q in\n%s", want, out)
			}
		}
	})
	t.Run("metadata names the licences", func(t *testing.T) {
		out := string(clienttest.Run(t, ogrinfo, "-ro", "-q", path, "-sql", "SELECT metadata FROM gpkg_metadata WHERE mime_type = 'text/plain'"))
		if !strings.Contains(out, "CC BY 4.0") || !strings.Contains(out, "GeoNames") {
			t.Errorf("GeoPackage metadata does not name GeoNames CC BY 4.0:\n%s", out)
		}
	})
}

func TestWriteValidates(t *testing.T) {
	py := clienttest.Require(t, "/usr/bin/python3")
	script := "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"
	if _, err := os.Stat(script); err != nil {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("GDAL's validate_gpkg.py is required: %v", err)
		}
		t.Skip("validate_gpkg.py not installed (python3-gdal)")
	}
	// validate_gpkg.py of GDAL 3.6 reads the empty-geometry flag from bit
	// 3 of the header instead of bit 4 (GeoPackage 1.3, 2.1.3.1.1) and so
	// rejects every empty geometry, GDAL's own included: validate the
	// dataset without its empty geometries, and check those against the
	// bytes GDAL's GPKG driver writes for the same geometry.
	ls := layers(t)
	for i, l := range ls {
		var keep []*geo.Feature
		for _, f := range l.Features {
			if mp, ok := f.Geometry.(orb.MultiPolygon); !ok || len(mp) > 0 {
				keep = append(keep, f)
			}
		}
		ls[i].Features = keep
	}
	path := filepath.Join(t.TempDir(), "valid.gpkg")
	if err := gpkg.Write(context.Background(), path, ls, gpkg.Options{Created: created}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, "--extra", "--warning-as-error", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("validate_gpkg.py: %v\n%s", err, out)
	}
}

// TestEmptyGeometryAsGDAL compares the encoding of an empty MultiPolygon
// with the one GDAL's GPKG driver writes.
func TestEmptyGeometryAsGDAL(t *testing.T) {
	ogr2ogr := clienttest.Require(t, "ogr2ogr")
	dir := t.TempDir()
	src := filepath.Join(dir, "e.geojson")
	os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"e","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}`), 0o644)
	theirs := filepath.Join(dir, "gdal.gpkg")
	clienttest.Run(t, ogr2ogr, "-f", "GPKG", theirs, src, "-nln", "e")
	ours := filepath.Join(dir, "ours.gpkg")
	c := &geo.Collection{ID: "e", Features: []*geo.Feature{{ID: "e", Collection: "e", Geometry: orb.MultiPolygon{}, Properties: map[string]any{}}}}
	if err := gpkg.Write(context.Background(), ours, []gpkg.Layer{{Collection: c, Features: c.Features}}, gpkg.Options{}); err != nil {
		t.Fatal(err)
	}
	blob := func(path string) string {
		t.Helper()
		out := string(clienttest.Run(t, clienttest.Require(t, "ogrinfo"), "-ro", "-q", path, "-sql", "SELECT hex(geom) AS g FROM e"))
		return regexp.MustCompile(`g \(String\) = (\w+)`).FindString(out)
	}
	if a, b := blob(theirs), blob(ours); a != b || !strings.Contains(a, "47500011") {
		t.Errorf("empty geometry: GDAL writes %s, we write %s", a, b)
	}
}

// TestRoundTrip reads a written GeoPackage back: the same collections,
// ids, properties (absent stays absent, null stays null) and coordinates.
func TestRoundTrip(t *testing.T) {
	path, ls := writeDefault(t)
	got, err := gpkg.Read(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*geo.Collection{}
	for _, c := range got {
		byID[c.ID] = c
	}
	for _, l := range ls {
		c := byID[l.Collection.ID]
		if c == nil {
			t.Fatalf("table %s missing", l.Collection.ID)
		}
		if c.Title != l.Collection.Title || c.Description != l.Collection.Description || c.Attribution != l.Collection.Attribution || c.License != l.Collection.License {
			t.Errorf("%s: metadata %q %q %q %q", c.ID, c.Title, c.Description, c.Attribution, c.License)
		}
		if len(c.Features) != len(l.Features) {
			t.Fatalf("%s: %d features, want %d", c.ID, len(c.Features), len(l.Features))
		}
		for i, f := range l.Features {
			g := c.Features[i]
			a, _ := json.Marshal(f.Properties)
			b, _ := json.Marshal(g.Properties)
			if g.ID != f.ID || string(a) != string(b) {
				t.Errorf("%s feature %d: %s %s, want %s %s", c.ID, i, g.ID, b, f.ID, a)
			}
			if !orb.Equal(f.Geometry, g.Geometry) {
				t.Errorf("%s feature %s: geometry differs", c.ID, f.ID)
			}
		}
	}
}
