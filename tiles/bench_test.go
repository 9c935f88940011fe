package tiles_test

import (
	"fmt"
	"testing"
	"time"

	orbgeo "github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"beibeimap/data"
	"beibeimap/tiles"
)

// beibeiTiles returns every tile at zoom z over the new Beibei district
// (the bounding box of its 2026 outline, rounded outwards).
func beibeiTiles(z maptile.Zoom) []maptile.Tile {
	b := orbgeo.Bound{Min: orbgeo.Point{106.18, 29.57}, Max: orbgeo.Point{106.92, 30.12}}
	lo, hi := maptile.At(orbgeo.Point{b.Min[0], b.Max[1]}, z), maptile.At(orbgeo.Point{b.Max[0], b.Min[1]}, z)
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
	}
}
