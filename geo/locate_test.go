package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// loadFixture reads the test layers of testdata/locate_layers.geojson: one
// FeatureCollection whose features name their collection in the property
// "_collection".
func loadFixture(t testing.TB) *Snapshot {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "locate_layers.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Collection{}
	var cols []*Collection
	for _, gf := range fc.Features {
		cid := gf.Properties["_collection"].(string)
		c := byID[cid]
		if c == nil {
			c = &Collection{ID: cid}
			byID[cid] = c
			cols = append(cols, c)
		}
		c.Features = append(c.Features, testFeature(t, cid, gf))
	}
	s, err := NewSnapshot(cols)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loadLayers reads every COLLECTION.geojson of dir the way the data
// package does (ids, valid_from, valid_to), without importing it.
func loadLayers(t testing.TB, dir string) *Snapshot {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.geojson"))
	if len(files) == 0 {
		t.Skipf("no layers in %s", dir)
	}
	var cols []*Collection
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		c := &Collection{ID: strings.TrimSuffix(filepath.Base(fn), ".geojson")}
		for _, gf := range fc.Features {
			c.Features = append(c.Features, testFeature(t, c.ID, gf))
		}
		cols = append(cols, c)
	}
	s, err := NewSnapshot(cols)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testFeature(t testing.TB, cid string, gf *geojson.Feature) *Feature {
	t.Helper()
	id, _ := gf.ID.(string)
	f := &Feature{ID: id, Collection: cid, Properties: gf.Properties, Geometry: gf.Geometry}
	for key, dst := range map[string]*time.Time{"valid_from": &f.Valid.From, "valid_to": &f.Valid.To} {
		if s, ok := gf.Properties[key].(string); ok {
			d, err := ParseDate(key, s)
			if err != nil {
				t.Fatal(err)
			}
			*dst = d
		}
	}
	return f
}

func day(s string) time.Time {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func placeID(p *Place) string {
	if p == nil {
		return ""
	}
	return p.Feature.ID
}

func TestLocate(t *testing.T) {
	loc := NewLocator(loadFixture(t))
	type change struct{ date, from, to string }
	tests := []struct {
		name              string
		q                 Query
		district, town    string
		zones             []string
		changes           []change
		firstNear         string
		nearbyAtLeast     int
		wantWGS84Differs  bool
		wantDistrictName  string
		wantTownshipCode  string
		wantChangeBasisIn string
	}{
		{
			name: "tongjing seat after the change", q: Query{Lon: 106.8448, Lat: 29.85653, Date: day("2026-11-29")},
			district: "beibei-new", town: "500112133",
			changes:   []change{{"2026-01-25", "渝北区", "北碚区"}},
			firstNear: "p-battery", nearbyAtLeast: 2, wantDistrictName: "北碚区", wantTownshipCode: "500112133",
		},
		{
			name: "tongjing seat before the change", q: Query{Lon: 106.8448, Lat: 29.85653, Date: day("2026-01-24")},
			district: "yubei-old", town: "500112133", zones: []string{"z-old"},
			changes:   []change{{"2026-01-25", "渝北区", "北碚区"}},
			firstNear: "p-battery", nearbyAtLeast: 2,
		},
		{
			name: "shuitu moves to liangjiang", q: Query{Lon: 106.45, Lat: 29.7, Date: day("2026-01-25")},
			district: "liangjiang", town: "500109008", zones: []string{"z-xietong"},
			changes:           []change{{"2026-01-25", "北碚区", "两江新区"}},
			wantChangeBasisIn: "test basis",
		},
		{
			name: "beibei core stays: no change", q: Query{Lon: 106.2, Lat: 29.7, Date: day("2030-01-01")},
			district: "beibei-new", town: "500109001",
		},
		{
			name: "open district on any date", q: Query{Lon: 106.2, Lat: 29.2, Date: day("1990-05-05")},
			district: "shapingba", firstNear: "p-far", nearbyAtLeast: 1,
		},
		{
			name: "outside every district", q: Query{Lon: 120, Lat: 10, Date: day("2026-11-29")},
		},
		{
			name: "shared border belongs to the district east of it", q: Query{Lon: 106.5, Lat: 29.6, Date: day("2025-01-01")},
			district: "yubei-old", town: "500112001",
			changes: []change{{"2026-01-25", "渝北区", "两江新区"}}, wantChangeBasisIn: "test basis",
		},
		{
			name:     "gcj02 query is converted first",
			q:        Query{Lon: WGS84ToGCJ02(orb.Point{106.8448, 29.85653})[0], Lat: WGS84ToGCJ02(orb.Point{106.8448, 29.85653})[1], CRS: GCJ02, Date: day("2026-11-29")},
			district: "beibei-new", town: "500112133", changes: []change{{"2026-01-25", "渝北区", "北碚区"}},
			firstNear: "p-battery", nearbyAtLeast: 2, wantWGS84Differs: true,
		},
		{
			name:     "bd09 query is converted first",
			q:        Query{Lon: GCJ02ToBD09(WGS84ToGCJ02(orb.Point{106.45, 29.7}))[0], Lat: GCJ02ToBD09(WGS84ToGCJ02(orb.Point{106.45, 29.7}))[1], CRS: BD09, Date: day("2026-11-29")},
			district: "liangjiang", town: "500109008", zones: []string{"z-xietong"},
			changes: []change{{"2026-01-25", "北碚区", "两江新区"}}, wantWGS84Differs: true, wantChangeBasisIn: "test basis",
		},
	}
	var a Answer // reused on purpose: Reset must clear every field
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := loc.Locate(tt.q, &a); err != nil {
				t.Fatal(err)
			}
			if got := placeID(a.District); got != tt.district {
				t.Errorf("district = %q, want %q", got, tt.district)
			}
			if got := placeID(a.Township); got != tt.town {
				t.Errorf("township = %q, want %q", got, tt.town)
			}
			var zones []string
			for _, z := range a.Zones {
				zones = append(zones, z.Feature.ID)
			}
			if !slices.Equal(zones, tt.zones) {
				t.Errorf("zones = %v, want %v", zones, tt.zones)
			}
			var changes []change
			for _, c := range a.Changes {
				changes = append(changes, change{c.Date.Format(DateLayout), c.From.Name, c.To.Name})
			}
			if !slices.Equal(changes, tt.changes) {
				t.Errorf("changes = %v, want %v", changes, tt.changes)
			}
			if tt.wantChangeBasisIn != "" && (len(a.Changes) == 0 || !strings.Contains(a.Changes[0].Basis, tt.wantChangeBasisIn)) {
				t.Errorf("changes = %+v, want the basis of the new district's feature", a.Changes)
			}
			if len(a.Changes) > 0 && tt.wantChangeBasisIn == "" && a.Changes[0].Basis != Redrawing2026.Basis {
				t.Errorf("basis = %q, want %q", a.Changes[0].Basis, Redrawing2026.Basis)
			}
			if len(a.Nearby) < tt.nearbyAtLeast {
				t.Errorf("nearby = %d features, want at least %d", len(a.Nearby), tt.nearbyAtLeast)
			}
			if tt.firstNear != "" && (len(a.Nearby) == 0 || a.Nearby[0].Place.Feature.ID != tt.firstNear) {
				t.Errorf("nearest = %+v, want %s", a.Nearby, tt.firstNear)
			}
			for i, n := range a.Nearby {
				if n.Meters > NearbyRadius || (i > 0 && n.Meters < a.Nearby[i-1].Meters) {
					t.Errorf("nearby[%d] at %.0f m: beyond the radius or out of order", i, n.Meters)
				}
			}
			if differs := a.WGS84 != (orb.Point{tt.q.Lon, tt.q.Lat}); differs != tt.wantWGS84Differs {
				t.Errorf("WGS84 %v differs from the query point: %v, want %v", a.WGS84, differs, tt.wantWGS84Differs)
			}
			if tt.wantDistrictName != "" && a.District.Name != tt.wantDistrictName {
				t.Errorf("district name = %q, want %q", a.District.Name, tt.wantDistrictName)
			}
			if tt.wantTownshipCode != "" && a.Township.Code != tt.wantTownshipCode {
				t.Errorf("township code = %q, want %q", a.Township.Code, tt.wantTownshipCode)
			}
		})
	}
}

// bruteDistrict is the reference answer: the first feature of the
// districts collection, in order, that contains pt on date.
func bruteFirst(s *Snapshot, coll string, pt orb.Point, date time.Time) *Feature {
	c, err := s.Collection(coll)
	if err != nil {
		return nil
	}
	for _, f := range c.Features {
		if f.Valid.Contains(date) && Contains(f.Geometry, pt) {
			return f
		}
	}
	return nil
}

// TestLocateMatchesBruteForce checks Locate against a scan of every feature,
// and that a point of a township lies in its district before and after the
// change, on random points (fixed seed) of the fixture and, when present,
// of the real layers.
func TestLocateMatchesBruteForce(t *testing.T) {
	for _, src := range []string{"fixture", "layers"} {
		t.Run(src, func(t *testing.T) {
			var s *Snapshot
			if src == "fixture" {
				s = loadFixture(t)
			} else {
				s = loadLayers(t, filepath.Join("..", "data", "layers"))
			}
			loc := NewLocator(s)
			rng := rand.New(rand.NewPCG(1, 2))
			var a Answer
			dates := []time.Time{day("2020-01-01"), day("2026-01-24"), day("2026-01-25"), day("2026-11-29")}
			checked := 0
			for i := 0; i < 4000; i++ {
				pt := orb.Point{105.9 + rng.Float64()*1.2, 29.0 + rng.Float64()*1.1}
				date := dates[i%len(dates)]
				if err := loc.Locate(Query{Lon: pt[0], Lat: pt[1], Date: date}, &a); err != nil {
					t.Fatal(err)
				}
				want := bruteFirst(s, DistrictsID, pt, date)
				if got := a.District; (got == nil) != (want == nil) || (got != nil && got.Feature != want) {
					t.Fatalf("%v on %s: district %q, brute force %v", pt, date.Format(DateLayout), placeID(got), want)
				}
				wantT := bruteFirst(s, TownshipsID, pt, date)
				if got := a.Township; (got == nil) != (wantT == nil) || (got != nil && got.Feature != wantT) {
					t.Fatalf("%v: township %q, brute force %v", pt, placeID(got), wantT)
				}
				if a.Township != nil && a.District != nil {
					key := "district_after"
					if date.Before(loc.changed) {
						key = "district_before"
					}
					// The property names the district feature by id (the data
					// build) or by name (the fixture).
					if want := propString(a.Township.Feature, key); want != "" && want != a.District.Name && want != a.District.Feature.ID {
						t.Errorf("%v on %s: township %s has %s %s but the point is in %s", pt, date.Format(DateLayout), a.Township.Name, key, want, a.District.Name)
					}
					checked++
				}
			}
			if src == "fixture" && checked == 0 {
				t.Fatal("no random point fell in a township; the property was not exercised")
			}
		})
	}
}

func TestQueryValidate(t *testing.T) {
	tests := []struct {
		name  string
		q     Query
		param string
	}{
		{"ok", Query{Lon: 106.8, Lat: 29.8}, ""},
		{"ok bounds", Query{Lon: -180, Lat: 90, CRS: GCJ02}, ""},
		{"nan lon", Query{Lon: math.NaN(), Lat: 29}, "lon"},
		{"inf lat", Query{Lon: 106, Lat: math.Inf(-1)}, "lat"},
		{"lon out of range", Query{Lon: 180.0001, Lat: 29}, "lon"},
		{"lat out of range", Query{Lon: 106, Lat: -90.5}, "lat"},
		{"web mercator not accepted", Query{Lon: 1, Lat: 1, CRS: WebMercator}, "crs"},
		{"unknown crs", Query{Lon: 1, Lat: 1, CRS: "utm"}, "crs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate()
			if tt.param == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Param != tt.param || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want an invalid-input error naming %q", err, tt.param)
			}
		})
	}
}

func TestInteriorPoint(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}
	// U shape: its centroid lies in the notch, outside the polygon.
	u := orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {5, 6}, {5, 1}, {1, 1}, {1, 6}, {0, 6}, {0, 0}}}
	// A square with a hole around its centroid.
	holed := orb.Polygon{square[0], {{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}}
	// A thin sliver along a diagonal, clockwise.
	sliver := orb.Polygon{{{0, 0}, {10, 10.2}, {10, 10}, {0, 0}}}
	tests := []struct {
		name string
		g    orb.Geometry
		ok   bool
	}{
		{"square", square, true},
		{"u shape", u, true},
		{"hole at the centroid", holed, true},
		{"sliver", sliver, true},
		{"multipolygon takes the largest", orb.MultiPolygon{{{{10, 10}, {10.1, 10}, {10.1, 10.1}, {10, 10}}}, u}, true},
		{"point", orb.Point{1, 2}, true},
		{"empty polygon", orb.Polygon{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, ok := InteriorPoint(tt.g)
			if ok != tt.ok {
				t.Fatalf("InteriorPoint ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			switch g := tt.g.(type) {
			case orb.Point:
				if pt != g {
					t.Errorf("InteriorPoint(%v) = %v", g, pt)
				}
			default:
				if !Contains(g, pt) {
					t.Errorf("InteriorPoint = %v, not inside", pt)
				}
			}
			if mp, isMP := tt.g.(orb.MultiPolygon); isMP && !Contains(mp[1], pt) {
				t.Errorf("InteriorPoint = %v, not in the largest part", pt)
			}
		})
	}
}

// TestAnswerJSON compares the JSON of answers to the fixture with
// testdata/locate_answers.golden.json (go test -run TestAnswerJSON -update
// rewrites it) and checks that the JSON decodes to the contract's members.
func TestAnswerJSON(t *testing.T) {
	loc := NewLocator(loadFixture(t))
	queries := []Query{
		{Lon: 106.8448, Lat: 29.85653, Date: day("2026-11-29")},
		{Lon: 106.8448, Lat: 29.85653, Date: day("2026-01-24")},
		{Lon: 106.45, Lat: 29.7, CRS: GCJ02, Date: day("2026-11-29")},
		{Lon: 120, Lat: 10, Date: day("2026-11-29")},
	}
	var buf bytes.Buffer
	for _, q := range queries {
		var a Answer
		if err := loc.Locate(q, &a); err != nil {
			t.Fatal(err)
		}
		b := a.AppendJSON(nil)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("invalid JSON %s: %v", b, err)
		}
		for _, key := range []string{"query", "district", "township", "zones", "changes", "nearby"} {
			if _, ok := m[key]; !ok {
				t.Errorf("%s: member %q missing", b, key)
			}
		}
		qm := m["query"].(map[string]any)
		if qm["lon"] != q.Lon || qm["lat"] != q.Lat || qm["date"] != q.Date.Format(DateLayout) {
			t.Errorf("query = %v, want the query echoed", qm)
		}
		if _, ok := qm["wgs84"]; ok != (q.CRS == GCJ02) {
			t.Errorf("query = %v: wgs84 present = %v", qm, ok)
		}
		if err := json.Indent(&buf, b, "", " "); err != nil {
			t.Fatal(err)
		}
		buf.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "locate_answers.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("answers differ from %s (run with -update if the change is intended):\n%s", golden, buf.Bytes())
	}
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "统景镇", `quote " and \ back`, "ctl \x00\x01\x1f\n\r\t\b\f\x7f", "bad \xff utf8", "truncated \xe9\x95", "sep \u2028\u2029", "<&>"} {
		t.Run(s, func(t *testing.T) {
			checkAppendString(t, s)
		})
	}
}

func checkAppendString(t *testing.T, s string) {
	t.Helper()
	b := AppendJSONString(nil, s)
	// encoding/json without HTML escaping is the reference, byte for byte.
	var ref bytes.Buffer
	enc := json.NewEncoder(&ref)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	if want := bytes.TrimSuffix(ref.Bytes(), []byte("\n")); !bytes.Equal(b, want) {
		t.Fatalf("AppendJSONString(%q) = %s, encoding/json writes %s", s, b, want)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("统景镇\"\\\x00\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) { checkAppendString(t, s) })
}

// TestLocateAllocs checks that a lookup into a warmed Answer allocates
// nothing (an allocation count, not a timing).
func TestLocateAllocs(t *testing.T) {
	loc := NewLocator(loadFixture(t))
	var a Answer
	q := Query{Lon: 106.8448, Lat: 29.85653, CRS: GCJ02, Date: day("2026-11-29")}
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		if err := loc.Locate(q, &a); err != nil {
			t.Fatal(err)
		}
		buf = a.AppendJSON(buf[:0])
	})
	if allocs != 0 {
		t.Errorf("Locate+AppendJSON allocates %.1f times per run, want 0", allocs)
	}
	if a.District == nil || len(a.Nearby) == 0 {
		t.Fatal("the measured lookup found nothing; the check is vacuous")
	}
}

// beibeiPoints returns n random points (fixed seed) in the rectangle of
// the old Beibei and Yubei districts.
func beibeiPoints(n int) []orb.Point {
	rng := rand.New(rand.NewPCG(42, 7))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{106.25 + rng.Float64()*0.75, 29.55 + rng.Float64()*0.5}
	}
	return pts
}

func benchSnapshot(b *testing.B) *Snapshot {
	if _, err := os.Stat(filepath.Join("..", "data", "layers", "townships.geojson")); err == nil {
		return loadLayers(b, filepath.Join("..", "data", "layers"))
	}
	if _, err := os.Stat(filepath.Join("..", "data", "layers", "districts.geojson")); err == nil {
		return loadLayers(b, filepath.Join("..", "data", "layers"))
	}
	return loadFixture(b)
}

// BenchmarkLocate measures the full answer composition (without JSON) for
// random points of the Beibei area against all layers of data/layers.
func BenchmarkLocate(b *testing.B) {
	loc := NewLocator(benchSnapshot(b))
	pts := beibeiPoints(1024)
	date := day("2026-11-29")
	var a Answer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i&1023]
		_ = loc.Locate(Query{Lon: p[0], Lat: p[1], Date: date}, &a)
	}
}

// BenchmarkLocateJSON adds the encoding of the answer to BenchmarkLocate.
func BenchmarkLocateJSON(b *testing.B) {
	loc := NewLocator(benchSnapshot(b))
	pts := beibeiPoints(1024)
	date := day("2026-11-29")
	var a Answer
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i&1023]
		_ = loc.Locate(Query{Lon: p[0], Lat: p[1], Date: date}, &a)
		buf = a.AppendJSON(buf[:0])
	}
}

// BenchmarkLocateBrute is the baseline: the same answer by testing every
// feature of every layer without the index.
func BenchmarkLocateBrute(b *testing.B) {
	s := benchSnapshot(b)
	loc := NewLocator(s)
	pts := beibeiPoints(1024)
	date := day("2026-11-29")
	var a Answer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i&1023]
		a.Reset()
		a.Query = Query{Lon: p[0], Lat: p[1], Date: date}
		a.WGS84 = p
		for _, c := range s.Collections() {
			for _, f := range c.Features {
				if pl := loc.places[f]; pl != nil && Contains(f.Geometry, p) {
					a.hits = append(a.hits, pl)
				}
			}
		}
		for _, h := range a.hits {
			if h.Feature.Valid.Contains(date) && h.Feature.Collection == DistrictsID {
				a.District = h
			}
		}
		loc.nearby(&a)
	}
}

// BenchmarkNewLocator measures the preparation a reload costs once (places,
// pre-encoded JSON, gazetteer, township and district points).
func BenchmarkNewLocator(b *testing.B) {
	s := benchSnapshot(b)
	b.ReportAllocs()
	for b.Loop() {
		NewLocator(s)
	}
}
