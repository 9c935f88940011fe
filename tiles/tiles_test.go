package tiles_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/tiles"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestParseTile(t *testing.T) {
	tests := []struct {
		z, x, y string
		param   string // "" when valid
	}{
		{"0", "0", "0", ""},
		{"10", "1023", "1023", ""},
		{"10", "1024", "0", "x"},
		{"10", "0", "1024", "y"},
		{"19", "0", "0", "z"},
		{"-1", "0", "0", "z"},
		{"a", "0", "0", "z"},
		{"3", "1.5", "0", "x"},
		{"3", "0", "NaN", "y"},
		{"3", "0", "", "y"},
	}
	for _, tc := range tests {
		t.Run(tc.z+"/"+tc.x+"/"+tc.y, func(t *testing.T) {
			_, err := tiles.ParseTile(tc.z, tc.x, tc.y)
			var ie *geo.InputError
			switch {
			case tc.param == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.param != "" && (!errors.As(err, &ie) || ie.Param != tc.param):
				t.Errorf("error = %v, want an InputError naming %q", err, tc.param)
			}
		})
	}
}

func fixture(t *testing.T) *geo.Snapshot {
	t.Helper()
	sq := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	}
	c := &geo.Collection{ID: "zones", Features: []*geo.Feature{
		{ID: "500109", Collection: "zones", Geometry: sq(106.3, 29.7, 106.6, 30.0), Properties: map[string]any{"name": "北碚区", "n": 1.5, "tags": []any{"a"}}},
		{ID: "far", Collection: "zones", Geometry: sq(100, 20, 101, 21), Properties: map[string]any{"name": "far"}},
	}}
	r := &geo.Collection{ID: "roads", Features: []*geo.Feature{
		{ID: "g351", Collection: "roads", Geometry: orb.LineString{{106.35, 29.8}, {106.55, 29.9}}, Properties: map[string]any{"name": "G351"}},
	}}
	s, err := geo.NewSnapshot([]*geo.Collection{c, r})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRenderGolden compares the encoded tile of a fixed fixture with a
// golden file, then decodes it and checks what it says.
func TestRenderGolden(t *testing.T) {
	s := fixture(t)
	tile := maptile.At(orb.Point{106.45, 29.85}, 8)
	b, err := tiles.Render(s, tile, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "fixture-z8.mvt")
	if *update {
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("tile differs from %s (run go test -update after checking the change)", golden)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*mvt.Layer{}
	for _, l := range ls {
		byName[l.Name] = l
	}
	if len(byName) != 2 || len(byName["zones"].Features) != 1 || len(byName["roads"].Features) != 1 {
		t.Fatalf("layers = %v, want zones (1 feature, not the far one) and roads (1)", ls)
	}
	z := byName["zones"].Features[0]
	if z.Properties["id"] != "500109" || z.Properties["name"] != "北碚区" || z.Properties["tags"] != `["a"]` {
		t.Errorf("properties = %v", z.Properties)
	}
	ls.ProjectToWGS84(tile)
	poly, ok := z.Geometry.(orb.Polygon)
	if !ok || !planar.PolygonContains(poly, orb.Point{106.45, 29.85}) || planar.PolygonContains(poly, orb.Point{106.65, 29.85}) {
		t.Errorf("decoded polygon %v does not match the source square", z.Geometry)
	}
}

// TestRenderEmbedded checks a tile over Beibei from the embedded data: the
// district containing the Tongjing seat (GeoNames 106.8448, 29.85653) is in
// the districts layer and its decoded outline still contains the seat.
func TestRenderEmbedded(t *testing.T) {
	s, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	seat := orb.Point{106.8448, 29.85653}
	today := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	var want *geo.Feature
	s.Containing(seat, today, func(f *geo.Feature) bool {
		if f.Collection == "districts" {
			want = f
		}
		return want == nil
	})
	if want == nil {
		t.Fatal("no district contains the Tongjing seat in the embedded data")
	}
	tile := maptile.At(seat, 11)
	b, err := tiles.Render(s, tile, today, "districts")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	ls.ProjectToWGS84(tile)
	if len(ls) != 1 || ls[0].Name != "districts" {
		t.Fatalf("layers = %v, want only districts", ls)
	}
	found := false
	for _, f := range ls[0].Features {
		if f.Properties["id"] != want.ID {
			continue
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			found = planar.PolygonContains(g, seat)
		case orb.MultiPolygon:
			found = planar.MultiPolygonContains(g, seat)
		}
	}
	if !found {
		t.Errorf("district %s not found containing the seat in tile %v", want.ID, tile)
	}
}

// TestCacheMergesConcurrentMisses starts many readers of one key while the
// single render is held open, then releases it: exactly one render runs.
func TestCacheMergesConcurrentMisses(t *testing.T) {
	c := tiles.NewCache(2)
	var renders atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	render := func() ([]byte, error) {
		if renders.Add(1) == 1 {
			close(started)
		}
		<-release
		return []byte("tile"), nil
	}
	var wg sync.WaitGroup
	wg.Add(1)
	k := tiles.Key{Version: "v1", Date: "2026-11-29", Tile: maptile.New(1, 2, 3)}
	go func() { defer wg.Done(); c.Get(k, render) }()
	<-started
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b, err := c.Get(k, render); err != nil || string(b) != "tile" {
				t.Errorf("Get = %q, %v", b, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("rendered %d times, want 1", n)
	}
	// Eviction: two more keys push "k" out of a cache of two.
	a, b := k, k
	a.Layers, b.Layers = "a", "b"
	c.Get(a, func() ([]byte, error) { return []byte("a"), nil })
	c.Get(b, func() ([]byte, error) { return []byte("b"), nil })
	c.Get(k, render)
	if n := renders.Load(); n != 2 {
		t.Errorf("after eviction rendered %d times, want 2", n)
	}
	e := k
	e.Layers = "e"
	if _, err := c.Get(e, func() ([]byte, error) { return nil, errors.New("boom") }); err == nil {
		t.Error("render error not returned")
	}
}

// TestCacheGenerations checks that the first request of a new snapshot
// generation drops the tiles of the old one, and that a late request of the
// old generation is answered but does not bring its tile back.
func TestCacheGenerations(t *testing.T) {
	c := tiles.NewCache(100)
	tile := maptile.New(1, 1, 1)
	get := func(v string, tl maptile.Tile) {
		t.Helper()
		if _, err := c.Get(tiles.Key{Version: v, Tile: tl}, func() ([]byte, error) { return []byte(v), nil }); err != nil {
			t.Fatal(err)
		}
	}
	get("old", tile)
	get("old", maptile.New(0, 0, 0))
	if n := c.Len(); n != 2 {
		t.Fatalf("cache holds %d tiles, want 2", n)
	}
	get("new", tile)
	if n := c.Len(); n != 1 {
		t.Errorf("after the first tile of a new generation the cache holds %d tiles, want 1", n)
	}
	get("old", maptile.New(0, 0, 0)) // a request that began before the reload
	if n := c.Len(); n != 1 {
		t.Errorf("a late request of the old generation was kept: %d tiles, want 1", n)
	}
	var renders int
	b, _ := c.Get(tiles.Key{Version: "new", Tile: tile}, func() ([]byte, error) { renders++; return nil, nil })
	if renders != 0 || string(b) != "new" {
		t.Errorf("the new generation's tile was not kept (renders %d, tile %q)", renders, b)
	}
}

// TestKey checks that the key tells apart everything Render depends on.
func TestKey(t *testing.T) {
	s := fixture(t)
	tile := maptile.New(203, 105, 8)
	d := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	base := tiles.NewKey(s, tile, d)
	if base.Version != s.Version() || base.Date != "2026-11-29" || base.Layers != "" || base.Tile != tile {
		t.Errorf("NewKey = %+v", base)
	}
	for name, k := range map[string]tiles.Key{
		"other date":  tiles.NewKey(s, tile, d.AddDate(0, 0, 1)),
		"every date":  tiles.NewKey(s, tile, time.Time{}),
		"some layers": tiles.NewKey(s, tile, d, "zones"),
		"other tile":  tiles.NewKey(s, maptile.New(203, 106, 8), d),
	} {
		if k == base || k.String() == base.String() {
			t.Errorf("%s: key %v equals %v", name, k, base)
		}
	}
}

func FuzzParseTile(f *testing.F) {
	f.Add("10", "830", "420")
	f.Add("0", "0", "0")
	f.Add("99999999999", "-1", "x")
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tile, err := tiles.ParseTile(z, x, y)
		if err != nil {
			if !errors.Is(err, geo.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if !tile.Valid() || tile.Z > tiles.MaxZoom {
			t.Fatalf("accepted invalid tile %v", tile)
		}
	})
}
