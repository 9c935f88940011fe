package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"beibeimap/data"
	"beibeimap/geo"
)

func TestLoadDefault(t *testing.T) {
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) == 0 || cols[0].ID != "districts" {
		t.Fatalf("first collection = %v, want districts first", cols)
	}
	if _, err := geo.NewSnapshot(cols); err != nil {
		t.Fatalf("embedded data does not index: %v", err)
	}
}

func TestLoadRejects(t *testing.T) {
	good := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}`
	tests := []struct {
		name  string
		files fstest.MapFS
	}{
		{"empty folder", fstest.MapFS{"readme.txt": {Data: []byte("x")}}},
		{"not JSON", fstest.MapFS{"a.geojson": {Data: []byte("{")}}},
		{"not a FeatureCollection", fstest.MapFS{"a.geojson": {Data: []byte(`{"type":"Feature"}`)}}},
		{"bad geometry", fstest.MapFS{"a.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":"x"}}]}`)}}},
		{"null geometry", fstest.MapFS{"a.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`)}}},
		{"bad date", fstest.MapFS{"a.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"valid_from":"25/01/2026"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`)}}},
		{"bad collection id", fstest.MapFS{"Bad Name.geojson": {Data: []byte(good)}}},
		{"one good one broken", fstest.MapFS{"a.geojson": {Data: []byte(good)}, "b.geojson": {Data: []byte("[]")}}},
		{"point with no coordinates", layerWith(`{"type":"Point","coordinates":[]}`)},
		{"point with one coordinate", layerWith(`{"type":"Point","coordinates":[106]}`)},
		{"ring position with one coordinate", layerWith(`{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}`)},
		{"multipoint position empty", layerWith(`{"type":"MultiPoint","coordinates":[[1,2],[]]}`)},
		{"collection member point empty", layerWith(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[]}]}`)},
		{"coordinates nested too shallow", layerWith(`{"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cols, err := data.Load(tc.files)
			if !errors.Is(err, geo.ErrInvalid) {
				t.Errorf("Load = %v, %v; want an error wrapping geo.ErrInvalid", cols, err)
			}
		})
	}
}

// layerWith is a folder of one layer whose one feature has geometry g.
func layerWith(g string) fstest.MapFS {
	return fstest.MapFS{"a.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},"geometry":` + g + `}]}`)}}
}

// TestLoadSnapshotRejectsInvalidGeometry: what data check rejects never
// loads, whichever way it is loaded.
func TestLoadSnapshotRejectsInvalidGeometry(t *testing.T) {
	for name, g := range map[string]string{
		"3 positions, not closed": `{"type":"Polygon","coordinates":[[[106.4,29.8],[106.5,29.8],[106.5,29.9]]]}`,
		"empty ring":              `{"type":"Polygon","coordinates":[[]]}`,
		"1-position ring":         `{"type":"MultiPolygon","coordinates":[[[[106.4,29.8]]]]}`,
		"point with []":           `{"type":"Point","coordinates":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := data.LoadSnapshot(layerWith(g)); !errors.Is(err, geo.ErrInvalid) {
				t.Errorf("LoadSnapshot = %v, want an error wrapping geo.ErrInvalid", err)
			}
		})
	}
}

func TestLoadFixture(t *testing.T) {
	cols, err := data.Load(os.DirFS("testdata/good"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0].ID != "districts" || cols[1].ID != "sites" {
		t.Fatalf("collections = %d, want districts then sites", len(cols))
	}
	d := cols[0]
	if d.Title != "Test districts" || d.Attribution == "" {
		t.Errorf("metadata not read: %+v", d)
	}
	f := d.Features[0]
	if f.ID != "old" || f.Valid.String() != "../2026-01-24" {
		t.Errorf("feature %q validity %s", f.ID, f.Valid)
	}
	if got := cols[1].Features[1].ID; got != "2" {
		t.Errorf("feature without id got id %q, want its position 2", got)
	}
}

func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/good/*.geojson")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"FeatureCollection","features":[null]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := data.Decode(b, "x")
		if err != nil {
			if !errors.Is(err, geo.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// Whatever decodes either indexes or is rejected as invalid; it never panics.
		if _, err := geo.NewSnapshot([]*geo.Collection{c}); err != nil && !errors.Is(err, geo.ErrInvalid) {
			t.Fatalf("NewSnapshot: %v", err)
		}
	})
}
