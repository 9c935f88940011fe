package tiles

import (
	"time"

	"github.com/paulmach/orb/maptile"

	"beibeimap/geo"
)

// Candidates returns every tile from zoom minZoom to maxZoom (both
// included, at most MaxZoom) that Render may fill for snap, date and
// layers: the tiles whose buffered bound meets a part of a feature valid on
// date (zero: any). Render can still find some of them empty (features
// that only graze the buffer, or that collapse at that zoom); no tile left
// out has anything to draw. Tiles come zoom by zoom, in the same order
// every time. The children of a tile with nothing in it are not
// visited, so the cost follows the data, not the world.
func Candidates(snap *geo.Snapshot, date time.Time, minZoom, maxZoom maptile.Zoom, layers ...string) []maptile.Tile {
	maxZoom = min(maxZoom, MaxZoom)
	want := map[string]bool{}
	for _, l := range layers {
		want[l] = true
	}
	meets := func(t maptile.Tile) bool {
		found := false
		snap.Intersecting(t.Bound(float64(buffer)/float64(Extent)), func(f *geo.Feature) bool {
			found = (len(want) == 0 || want[f.Collection]) && (date.IsZero() || f.Valid.Contains(date))
			return !found
		})
		return found
	}
	byZoom := make([][]maptile.Tile, maxZoom+1)
	level := []maptile.Tile{maptile.New(0, 0, 0)}
	for z := maptile.Zoom(0); z <= maxZoom && len(level) > 0; z++ {
		var next []maptile.Tile
		for _, t := range level {
			if !meets(t) {
				continue
			}
			if z >= minZoom {
				byZoom[z] = append(byZoom[z], t)
			}
			if z < maxZoom {
				next = append(next, t.Children()...)
			}
		}
		level = next
	}
	var out []maptile.Tile
	for _, ts := range byZoom {
		out = append(out, ts...)
	}
	return out
}
