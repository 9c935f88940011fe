package tiles

import (
	"math"

	orbgeo "github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// tolerance is the Douglas–Peucker tolerance in tile units: half a unit,
// so that simplification and rounding together move no point by more than
// about one unit.
const tolerance = 0.5

// projector turns WGS84 geometry into the integer tile coordinates of one
// tile (y down, 0..Extent across the tile), clipped to the buffered box.
type projector struct {
	n, x0, y0 float64 // tiles across the world at the zoom; the tile's column and row
	box       orbgeo.Bound
	scratch   scratch
}

func newProjector(t maptile.Tile) *projector {
	return &projector{
		n: float64(uint64(1) << t.Z), x0: float64(t.X), y0: float64(t.Y),
		box: orbgeo.Bound{Min: orbgeo.Point{-buffer, -buffer}, Max: orbgeo.Point{Extent + buffer, Extent + buffer}},
	}
}

// project maps lon/lat to float tile coordinates (Web Mercator).
func (p *projector) project(q orbgeo.Point) orbgeo.Point {
	sin := math.Sin(q[1] * math.Pi / 180)
	x := (q[0] + 180) / 360 * p.n
	y := (0.5 - math.Log((1+sin)/(1-sin))/(4*math.Pi)) * p.n
	return orbgeo.Point{(x - p.x0) * Extent, (y - p.y0) * Extent}
}

// geometry returns g in tile coordinates, clipped, simplified and
// quantised, or nil when nothing of it is left in the tile.
func (p *projector) geometry(g orbgeo.Geometry) orbgeo.Geometry {
	switch g := g.(type) {
	case orbgeo.Point:
		q := p.project(g)
		if !p.box.Contains(q) {
			return nil
		}
		return orbgeo.Point{math.Round(q[0]), math.Round(q[1])}
	case orbgeo.MultiPoint:
		var out orbgeo.MultiPoint
		for _, pt := range g {
			if q, ok := p.geometry(pt).(orbgeo.Point); ok {
				out = append(out, q)
			}
		}
		return nonEmpty(out)
	case orbgeo.LineString:
		return p.lines(orbgeo.MultiLineString{g})
	case orbgeo.MultiLineString:
		return p.lines(g)
	case orbgeo.Ring:
		return p.polygons([]orbgeo.Polygon{{g}})
	case orbgeo.Polygon:
		return p.polygons([]orbgeo.Polygon{g})
	case orbgeo.MultiPolygon:
		return p.polygons(g)
	case orbgeo.Bound:
		return p.polygons([]orbgeo.Polygon{g.ToPolygon()})
	}
	return nil // collections are not part of the data (geo rejects them)
}

func nonEmpty(g orbgeo.MultiPoint) orbgeo.Geometry {
	switch len(g) {
	case 0:
		return nil
	case 1:
		return g[0]
	}
	return g
}

// lines clips, simplifies and quantises line strings; pieces shorter than
// one unit are dropped.
func (p *projector) lines(mls orbgeo.MultiLineString) orbgeo.Geometry {
	var out orbgeo.MultiLineString
	for _, ls := range mls {
		pl := make(orbgeo.LineString, len(ls))
		for i, q := range ls {
			pl[i] = p.project(q)
		}
		for _, piece := range clip.MultiLineString(p.box, orbgeo.MultiLineString{pl}) {
			piece = simplify.DouglasPeucker(tolerance).LineString(piece)
			var q orbgeo.LineString
			for _, pt := range piece {
				r := orbgeo.Point{math.Round(pt[0]), math.Round(pt[1])}
				if len(q) == 0 || q[len(q)-1] != r {
					q = append(q, r)
				}
			}
			if len(q) >= 2 {
				out = append(out, q)
			}
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// polygons projects, orients (outer rings positive by the MVT formula,
// holes negative), clips, simplifies and quantises the polygons of one
// feature, keeping the result valid (see repair).
func (p *projector) polygons(ps []orbgeo.Polygon) orbgeo.Geometry {
	var rings [][]orbgeo.Point
	for _, poly := range ps {
		for i, r := range poly {
			n := len(r)
			if n > 1 && r[0] == r[n-1] {
				n--
			}
			if n < 3 {
				continue
			}
			// Web Mercator keeps lon/lat bounds square, so a ring whose
			// projected bound misses the box cannot meet or surround it.
			b := bound(r)
			lo, hi := p.project(orbgeo.Point{b.Min[0], b.Max[1]}), p.project(orbgeo.Point{b.Max[0], b.Min[1]})
			if hi[0] < p.box.Min[0] || lo[0] > p.box.Max[0] || hi[1] < p.box.Min[1] || lo[1] > p.box.Max[1] {
				if i == 0 {
					break // an outer ring out of the tile takes its holes with it
				}
				continue
			}
			pr := make([]orbgeo.Point, n)
			for k := 0; k < n; k++ {
				pr[k] = p.project(r[k])
			}
			if a := signedArea(pr); i == 0 && a < 0 || i > 0 && a > 0 {
				for l, m := 0, n-1; l < m; l, m = l+1, m-1 {
					pr[l], pr[m] = pr[m], pr[l]
				}
			}
			rings = append(rings, pr)
		}
	}
	clipped := clipRings(rings, p.box)
	if len(clipped) == 0 {
		return nil
	}
	return toOrb(p.scratch.repair(clipped))
}

// toOrb turns open-ring polygons into an orb Polygon or MultiPolygon with
// closed rings, or nil when there is none.
func toOrb(polys [][][]orbgeo.Point) orbgeo.Geometry {
	mp := make(orbgeo.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		op := make(orbgeo.Polygon, len(p))
		for i, r := range p {
			or := make(orbgeo.Ring, len(r)+1)
			copy(or, r)
			or[len(r)] = r[0]
			op[i] = or
		}
		mp = append(mp, op)
	}
	switch len(mp) {
	case 0:
		return nil
	case 1:
		return mp[0]
	}
	return mp
}
