package tiles_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/tiles"
)

// beibeiTiles returns every tile at zoom z over the new Beibei district
// (the bounding box of its 2026 outline, rounded outwards).
func beibeiTiles(z maptile.Zoom) []maptile.Tile {
	b := orb.Bound{Min: orb.Point{106.18, 29.57}, Max: orb.Point{106.92, 30.12}}
	lo, hi := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z), maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var ts []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			ts = append(ts, maptile.New(x, y, z))
		}
	}
	return ts
}

// BenchmarkRender renders the tiles over the new Beibei of the embedded
// data, cold (no cache), at the zooms people browse; one op is one tile.
// Beside each zoom, "zN-orb" renders the same tiles through orb's own MVT
// pipeline (project with floor, Sutherland–Hodgman clip, simplify, drop
// small parts, version-1 layers), which is what Render did before it kept
// MVT 2.1 — fast, but with the wrong winding and invalid polygons. Run side
// by side, their ratio is the cost of getting tiles right even on a busy
// machine.
func BenchmarkRender(b *testing.B) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	d := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, z := range []maptile.Zoom{8, 10, 12, 14} {
		ts := beibeiTiles(z)
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := tiles.Render(snap, ts[i%len(ts)], d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("z%d-orb", z), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := renderOrb(snap, ts[i%len(ts)], d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// renderOrb is the old Render: orb's MVT pipeline, properties reduced to
// the id.
func renderOrb(snap *geo.Snapshot, t maptile.Tile, d time.Time) error {
	fcs := map[string]*geojson.FeatureCollection{}
	snap.Intersecting(t.Bound(64.0/tiles.Extent), func(f *geo.Feature) bool {
		if !f.Valid.Contains(d) {
			return true
		}
		gf := geojson.NewFeature(orb.Clone(f.Geometry))
		gf.Properties = geojson.Properties{"id": f.ID}
		if fcs[f.Collection] == nil {
			fcs[f.Collection] = geojson.NewFeatureCollection()
		}
		fcs[f.Collection].Append(gf)
		return true
	})
	var ls mvt.Layers
	for _, c := range snap.Collections() {
		if fc := fcs[c.ID]; fc != nil {
			ls = append(ls, mvt.NewLayer(c.ID, fc))
		}
	}
	ls.ProjectToTile(t)
	ls.Clip(orb.Bound{Min: orb.Point{-64, -64}, Max: orb.Point{tiles.Extent + 64, tiles.Extent + 64}})
	ls.Simplify(simplify.DouglasPeucker(0.25))
	ls.RemoveEmpty(0.5, 0.5)
	_, err := mvt.Marshal(ls)
	return err
}
