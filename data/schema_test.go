package data_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"beibeimap/data"
	"beibeimap/data/gpkg"
	"beibeimap/geo"
)

// defaultWith returns the embedded default layers with the first feature
// of layer id changed by edit (its decoded GeoJSON object).
func defaultWith(t *testing.T, id string, edit func(f map[string]any)) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(data.Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.Default(), p)
		if err != nil {
			return err
		}
		if p == id+".geojson" {
			var fc map[string]any
			if err := json.Unmarshal(b, &fc); err != nil {
				return err
			}
			edit(fc["features"].([]any)[0].(map[string]any))
			if b, err = json.Marshal(fc); err != nil {
				return err
			}
		}
		m[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func props(f map[string]any) map[string]any { return f["properties"].(map[string]any) }

// TestLoadSnapshotAppliesSchema: a default layer that breaks its schema
// (data/README.md) never becomes a snapshot, and the error names the
// layer, the feature and the rule.
func TestLoadSnapshotAppliesSchema(t *testing.T) {
	cases := []struct {
		name, layer string
		edit        func(f map[string]any)
		want        string
	}{
		{"township without district_before", geo.TownshipsID, func(f map[string]any) { delete(props(f), "district_before") },
			"required properties missing or empty: district_before"},
		{"township with empty name", geo.TownshipsID, func(f map[string]any) { props(f)["name"] = "" },
			"required properties missing or empty: name"},
		{"township with null method", geo.TownshipsID, func(f map[string]any) { props(f)["method"] = nil },
			"required properties missing or empty: method"},
		{"district as a point", geo.DistrictsID, func(f map[string]any) {
			f["geometry"] = map[string]any{"type": "Point", "coordinates": []any{106.4, 29.8}}
		}, "geometry is Point, want polygon"},
		{"seat as a polygon", geo.SeatsID, func(f map[string]any) {
			f["geometry"] = map[string]any{"type": "Polygon", "coordinates": []any{[]any{[]any{106.4, 29.8}, []any{106.5, 29.8}, []any{106.5, 29.9}, []any{106.4, 29.8}}}}
		}, "geometry is Polygon, want point"},
		{"project without category", geo.ProjectsID, func(f map[string]any) { delete(props(f), "category") },
			"required properties missing or empty: category"},
		{"project with a bad location_precision", geo.ProjectsID, func(f map[string]any) { props(f)["location_precision"] = "street" },
			"location_precision must be site, township or district"},
		{"bad accuracy", geo.CorridorsID, func(f map[string]any) { props(f)["accuracy"] = "guessed" },
			`accuracy "guessed" must be surveyed, approximate or schematic`},
		{"district code null without a note", geo.DistrictsID, func(f map[string]any) {
			props(f)["code"] = nil
			delete(props(f), "code_note")
		}, "code is null without a code_note"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := data.LoadSnapshot(defaultWith(t, tc.layer, tc.edit))
			if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.layer+"/") {
				t.Errorf("error %v, want ErrInvalid naming %s/… and %q", err, tc.layer, tc.want)
			}
		})
	}
	// A district's valid_to may be null (in force today): nullable, not missing.
	if _, err := data.LoadSnapshot(defaultWith(t, geo.DistrictsID, func(f map[string]any) { props(f)["valid_to"] = nil })); err != nil {
		t.Errorf("districts valid_to null: %v", err)
	}
}

// TestLoadSnapshotUserLayerGenericOnly: a layer that is not a default one
// gets only the generic checks — no required properties, any geometry.
func TestLoadSnapshotUserLayerGenericOnly(t *testing.T) {
	fsys := fstest.MapFS{"zones.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":[106.4,29.8]}},
{"type":"Feature","id":"b","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`)}}
	if _, err := data.LoadSnapshot(fsys); err != nil {
		t.Errorf("user layer: %v", err)
	}
}

// BenchmarkLoadSchema measures what the schema check adds to a load of the
// embedded layers: "schema" is ValidateSchema alone, "index" is
// geo.NewSnapshot and "snapshot" is data.NewSnapshot (both), as every
// start-up and reload runs them; compare them in one run.
func BenchmarkLoadSchema(b *testing.B) {
	cols, err := data.Load(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("schema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := data.ValidateSchema(cols); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := geo.NewSnapshot(cols); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("snapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := data.NewSnapshot(cols); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestGeoPackageAppliesSchema: a GeoPackage holding the default layers, one
// township without district_before, is refused as the folder would be.
func TestGeoPackageAppliesSchema(t *testing.T) {
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	var layers []gpkg.Layer
	for _, c := range cols {
		if c.ID == geo.TownshipsID {
			f := *c.Features[0]
			f.Properties = maps.Clone(f.Properties)
			delete(f.Properties, "district_before")
			c.Features = append([]*geo.Feature{&f}, c.Features[1:]...)
		}
		layers = append(layers, gpkg.Layer{Collection: c, Features: c.Features})
	}
	path := filepath.Join(t.TempDir(), "bad.gpkg")
	if err := gpkg.Write(context.Background(), path, layers, gpkg.Options{}); err != nil {
		t.Fatal(err)
	}
	_, err = data.LoadSnapshot(data.GeoPackageFS(path))
	if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), "townships/") || !strings.Contains(err.Error(), "required properties missing or empty: district_before") {
		t.Errorf("error %v, want ErrInvalid naming townships/… and district_before", err)
	}
}
