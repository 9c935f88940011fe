package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/data/gpkg"
	"beibeimap/geo"
)

// writeGeoPackage writes cols to dir/name.gpkg through a temporary file
// and a rename, as a tool replacing the file in place would, and returns
// the path.
func writeGeoPackage(t *testing.T, dir, name string, cols []*geo.Collection) string {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), "new.gpkg")
	var ls []gpkg.Layer
	for _, c := range cols {
		ls = append(ls, gpkg.Layer{Collection: c, Features: c.Features})
	}
	if err := gpkg.Write(context.Background(), tmp, ls, gpkg.Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".gpkg")
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func defaultCollections(t *testing.T) []*geo.Collection {
	t.Helper()
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// TestServeGeoPackage serves a GeoPackage with --data and reloads it: a
// good new file is published, a broken one (bad date, not a database) is
// refused while the good snapshot stays.
func TestServeGeoPackage(t *testing.T) {
	dir := t.TempDir()
	cols := defaultCollections(t)
	path := writeGeoPackage(t, dir, "layers", cols)

	res, err := http.Get(startServe(t, "--data", path).base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Collections int }
	json.NewDecoder(res.Body).Decode(&health)
	res.Body.Close()
	if res.StatusCode != 200 || health.Collections != len(cols) {
		t.Errorf("healthz %d, %d collections, want %d", res.StatusCode, health.Collections, len(cols))
	}

	fsys := layers(path)
	store := geo.NewStore(nil)
	good, err := reload(fsys, store)
	if err != nil || len(good.Collections()) != len(cols) {
		t.Fatalf("reload of the GeoPackage: %v", err)
	}
	before := stamp(fsys)

	bad := &geo.Collection{ID: "zones", Title: "Z", Features: []*geo.Feature{{ID: "z", Collection: "zones", Geometry: orb.Point{106.4, 29.8}, Properties: map[string]any{"valid_from": "yesterday"}}}}
	writeGeoPackage(t, dir, "layers", []*geo.Collection{bad})
	if stamp(fsys) == before {
		t.Error("stamp did not change with the file")
	}
	if _, err := reload(fsys, store); !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), "valid_from") {
		t.Errorf("reload of a GeoPackage with a bad date: %v, want ErrInvalid naming valid_from", err)
	}
	if store.Snapshot() != good {
		t.Error("a bad GeoPackage replaced the good snapshot")
	}
	if err := os.WriteFile(path, []byte("not a database at all, just text"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := reload(fsys, store); !errors.Is(err, geo.ErrInvalid) {
		t.Errorf("reload of a text file: %v, want ErrInvalid", err)
	}
	if store.Snapshot() != good {
		t.Error("a text file replaced the good snapshot")
	}
	writeGeoPackage(t, dir, "layers", cols[:1])
	if snap, err := reload(fsys, store); err != nil || len(snap.Collections()) != 1 || store.Snapshot() != snap {
		t.Errorf("reload of a good new GeoPackage: %v", err)
	}
}

// TestDataCheckGeoPackage runs data check on GeoPackages: the export of the
// default data passes, one whose districts break the schema fails.
func TestDataCheckGeoPackage(t *testing.T) {
	dir := t.TempDir()
	cols := defaultCollections(t)
	path := writeGeoPackage(t, dir, "good", cols)
	var out strings.Builder
	if err := run(context.Background(), []string{"data", "check", "--data", path}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatalf("data check of the exported default data: %v\n%s", err, out.String())
	}
	// Strip the code of every district: a rule of the districts schema.
	for _, c := range cols {
		if c.ID == "districts" {
			for _, f := range c.Features {
				delete(f.Properties, "code")
			}
		}
	}
	path = writeGeoPackage(t, dir, "bad", cols)
	out.Reset()
	if err := run(context.Background(), []string{"data", "check", "--data", path}, func(string) string { return "" }, &out, io.Discard); err == nil || !strings.Contains(out.String(), "code") {
		t.Errorf("data check passed a GeoPackage whose districts have no code: %v\n%s", err, out.String())
	}
}
