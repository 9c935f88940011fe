package tiles

import (
	"math"

	"github.com/paulmach/orb"
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
	box       orb.Bound
	scratch   scratch
}

func newProjector(t maptile.Tile) *projector {
	return &projector{
		n: float64(uint64(1) << t.Z), x0: float64(t.X), y0: float64(t.Y),
		box: orb.Bound{Min: orb.Point{-buffer, -buffer}, Max: orb.Point{Extent + buffer, Extent + buffer}},
	}
}

// project maps lon/lat to float tile coordinates (Web Mercator).
func (p *projector) project(q orb.Point) orb.Point {
	sin := math.Sin(q[1] * math.Pi / 180)
	x := (q[0] + 180) / 360 * p.n
	y := (0.5 - math.Log((1+sin)/(1-sin))/(4*math.Pi)) * p.n
	return orb.Point{(x - p.x0) * Extent, (y - p.y0) * Extent}
}

// geometry returns g in tile coordinates, clipped, simplified and
// quantised, or nil when nothing of it is left in the tile.
func (p *projector) geometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		q := p.project(g)
		if !p.box.Contains(q) {
			return nil
		}
		return orb.Point{math.Round(q[0]), math.Round(q[1])}
	case orb.MultiPoint:
		var out orb.MultiPoint
		for _, pt := range g {
			if q, ok := p.geometry(pt).(orb.Point); ok {
				out = append(out, q)
			}
		}
		return nonEmpty(out)
	case orb.LineString:
		return p.lines(orb.MultiLineString{g})
	case orb.MultiLineString:
		return p.lines(g)
	case orb.Ring:
		return p.polygons([]orb.Polygon{{g}})
	case orb.Polygon:
		return p.polygons([]orb.Polygon{g})
	case orb.MultiPolygon:
		return p.polygons(g)
	case orb.Bound:
		return p.polygons([]orb.Polygon{g.ToPolygon()})
	}
	return nil // collections are not part of the data (geo rejects them)
}

func nonEmpty(g orb.MultiPoint) orb.Geometry {
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
func (p *projector) lines(mls orb.MultiLineString) orb.Geometry {
	var out orb.MultiLineString
	for _, ls := range mls {
		pl := make(orb.LineString, len(ls))
		for i, q := range ls {
			pl[i] = p.project(q)
		}
		for _, piece := range clip.MultiLineString(p.box, orb.MultiLineString{pl}) {
			piece = simplify.DouglasPeucker(tolerance).LineString(piece)
			var q orb.LineString
			for _, pt := range piece {
				r := orb.Point{math.Round(pt[0]), math.Round(pt[1])}
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
func (p *projector) polygons(ps []orb.Polygon) orb.Geometry {
	var rings [][]orb.Point
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
			lo, hi := p.project(orb.Point{b.Min[0], b.Max[1]}), p.project(orb.Point{b.Max[0], b.Min[1]})
			if hi[0] < p.box.Min[0] || lo[0] > p.box.Max[0] || hi[1] < p.box.Min[1] || lo[1] > p.box.Max[1] {
				if i == 0 {
					break // an outer ring out of the tile takes its holes with it
				}
				continue
			}
			pr := make([]orb.Point, n)
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
func toOrb(polys [][][]orb.Point) orb.Geometry {
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, p := range polys {
		op := make(orb.Polygon, len(p))
		for i, r := range p {
			or := make(orb.Ring, len(r)+1)
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
