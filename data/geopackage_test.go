package data_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/data/gpkg"
	"beibeimap/geo"
)

// TestGeoPackageFromGDAL loads a GeoPackage that GDAL wrote (what QGIS
// saves, through GDAL) from the default layers: the same collections,
// ids, geometries and scalar property values. (GDAL's GeoPackage driver
// itself turns JSON arrays into "(n:a,b)" strings, with a warning.)
func TestGeoPackageFromGDAL(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatal("ogr2ogr is required (BEIBEIMAP_REQUIRE_CLIENTS=1)")
		}
		t.Skip("ogr2ogr not installed")
	}
	want, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gdal.gpkg")
	for _, c := range want {
		out, err := exec.Command(ogr2ogr, "-f", "GPKG", "-append", path, filepath.Join("layers", c.ID+".geojson"), "-nln", c.ID).CombinedOutput()
		if err != nil {
			t.Fatalf("ogr2ogr %s: %v\n%s", c.ID, err, out)
		}
	}
	got, err := data.Load(data.GeoPackageFS(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d collections, want %d", len(got), len(want))
	}
	for i, c := range want {
		g := got[i]
		if g.ID != c.ID || len(g.Features) != len(c.Features) {
			t.Fatalf("collection %d: %s with %d features, want %s with %d", i, g.ID, len(g.Features), c.ID, len(c.Features))
		}
		for j, f := range c.Features {
			h := g.Features[j]
			if h.ID != f.ID || !orb.Equal(h.Geometry, f.Geometry) || h.Valid != f.Valid {
				t.Errorf("%s %s: id %s, geometry equal %v, valid %v want %v", c.ID, f.ID, h.ID, orb.Equal(h.Geometry, f.Geometry), h.Valid, f.Valid)
			}
			for k, v := range f.Properties {
				switch v.(type) {
				case []any, map[string]any:
					continue
				}
				a, _ := json.Marshal(v)
				b, _ := json.Marshal(h.Properties[k])
				if string(a) != string(b) {
					t.Errorf("%s %s.%s: %s, want %s", c.ID, f.ID, k, b, a)
				}
			}
		}
	}
}

// TestGeoPackageFSRejects: a file that is no GeoPackage, one in another
// CRS and one with a bad table name fail with geo.ErrInvalid.
func TestGeoPackageFSRejects(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "text.gpkg")
	os.WriteFile(text, []byte("hello"), 0o644)
	bad := &geo.Collection{ID: "Bad Name", Features: []*geo.Feature{{ID: "a", Collection: "Bad Name", Geometry: orb.Point{1, 2}, Properties: map[string]any{}}}}
	badName := filepath.Join(dir, "name.gpkg")
	if err := gpkg.Write(context.Background(), badName, []gpkg.Layer{{Collection: bad, Features: bad.Features}}, gpkg.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, path, want string }{
		{"not SQLite", text, "not an SQLite database"},
		{"missing", filepath.Join(dir, "none.gpkg"), "no such file"},
		{"bad table name", badName, "collection id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := data.Load(data.GeoPackageFS(tt.path))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if tt.name != "missing" && !errors.Is(err, geo.ErrInvalid) {
				t.Errorf("error %v does not wrap geo.ErrInvalid", err)
			}
		})
	}
	if ogr2ogr, err := exec.LookPath("ogr2ogr"); err == nil {
		t.Run("other CRS", func(t *testing.T) {
			p := filepath.Join(dir, "3857.gpkg")
			if out, err := exec.Command(ogr2ogr, "-f", "GPKG", "-t_srs", "EPSG:3857", p, "layers/seats.geojson", "-nln", "seats").CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if _, err := data.Load(data.GeoPackageFS(p)); err == nil || !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), "EPSG:4326") {
				t.Errorf("error %v, want ErrInvalid asking for EPSG:4326", err)
			}
		})
	}
}
