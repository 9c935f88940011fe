package data_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

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

// TestRegionAgreesWithData checks geo.Redrawing2026, written by hand from
// the notice, against the township layer built from the NBS codes: the same
// ten units move, from and to the same districts, with the same names.
func TestRegionAgreesWithData(t *testing.T) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	r := geo.Redrawing2026
	towns, err := snap.Collection(geo.TownshipsID)
	if err != nil {
		t.Fatal(err)
	}
	districtCode := func(id string) string {
		f, err := snap.Feature(geo.DistrictsID, id)
		if err != nil {
			t.Fatalf("district %q: %v", id, err)
		}
		return f.String("code")
	}
	moved := 0
	for _, f := range towns.Features {
		code := f.String("code")
		m, ok := r.Move(code)
		if moves, _ := f.Properties["moves"].(bool); moves != ok {
			t.Errorf("township %s %s: moves = %v in the data, %v in geo.Redrawing2026", code, f.String("name"), moves, ok)
			continue
		}
		if !ok {
			continue
		}
		moved++
		if m.Name != f.String("name") || m.NameEn != f.String("name_en") {
			t.Errorf("township %s: named %s/%s in the region, %s/%s in the data", code, m.Name, m.NameEn, f.String("name"), f.String("name_en"))
		}
		if got := districtCode(f.String("district_before")); got != m.From.Code {
			t.Errorf("township %s %s: before in %s, region says %s", code, m.Name, got, m.From.Code)
		}
		after, err := snap.Feature(geo.DistrictsID, f.String("district_after"))
		if err != nil {
			t.Fatal(err)
		}
		if after.String("name") != m.To.Name || !after.Valid.From.Equal(r.Date) {
			t.Errorf("township %s %s: after in %s from %v, region says %s from %v", code, m.Name, after.String("name"), after.Valid.From, m.To.Name, r.Date)
		}
		if r.Joins(code) == r.Leaves(code) {
			t.Errorf("township %s both joins and leaves %s, or neither", code, r.Target.Name)
		}
	}
	if moved != len(r.Moves) {
		t.Errorf("%d moving townships in the data, %d in geo.Redrawing2026", moved, len(r.Moves))
	}
	for _, u := range append(append([]geo.Unit{r.Target}, r.Created...), r.Abolished...) {
		id := u.ID
		if id == "" {
			id = u.Code
		}
		f, err := snap.Feature(geo.DistrictsID, id)
		if err != nil {
			t.Errorf("district %s (%s) of the region is not in the data: %v", u.Name, id, err)
			continue
		}
		if f.String("name") != u.Name || f.String("name_en") != u.NameEn || f.String("code") != u.Code {
			t.Errorf("district %s: %s/%s/%s in the data", id, f.String("name"), f.String("name_en"), f.String("code"))
		}
	}
}

// TestDistrictsAreAPartition: a point lies in at most one district on any
// day. The points of the table lay in two current districts before the
// build made the outlines a partition (they are in both ECharts outlines:
// 开州区/城口县, 开州区/云阳县, 北碚区/合川区); a seeded sample of 5,000
// points over Chongqing checks the rest. The answer no longer depends on
// the order in which collections or features are searched.
func TestDistrictsAreAPartition(t *testing.T) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	days := []time.Time{time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	districts := func(pt orb.Point, day time.Time) []string {
		var ids []string
		snap.Containing(pt, day, func(f *geo.Feature) bool {
			if f.Collection == geo.DistrictsID {
				ids = append(ids, f.ID)
			}
			return true
		})
		return ids
	}
	for _, pt := range []orb.Point{
		{108.80684858500032, 31.6891868}, {108.8662072751508, 31.6707353},
		{108.64196061677127, 31.3177512}, {106.45831581448238, 29.8722435},
	} {
		for _, day := range days {
			if ids := districts(pt, day); len(ids) != 1 {
				t.Errorf("%v on %s: in districts %v, want exactly one", pt, day.Format(geo.DateLayout), ids)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	in := 0
	for range 5000 {
		pt := orb.Point{105.28 + rng.Float64()*(110.2-105.28), 28.16 + rng.Float64()*(32.21-28.16)}
		for _, day := range days {
			ids := districts(pt, day)
			if len(ids) > 1 {
				t.Errorf("%v on %s: in districts %v", pt, day.Format(geo.DateLayout), ids)
			}
			in += len(ids)
		}
	}
	if in < 3000 { // Chongqing fills about 40 % of its bounding box
		t.Errorf("only %d of 10,000 samples in a district: is the sample over Chongqing?", in)
	}
}
