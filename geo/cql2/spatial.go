package cql2

import (
	"strconv"

	orbgeo "github.com/paulmach/orb"

	"beibeimap/geo"
)

// parts is a geometry taken apart for the intersection test: isolated
// points, segments (of lines and of polygon rings) and polygons.
type parts struct {
	pts   []orbgeo.Point
	segs  [][2]orbgeo.Point
	polys []orbgeo.Polygon
}

func decompose(g orbgeo.Geometry, p *parts) {
	switch g := g.(type) {
	case orbgeo.Point:
		p.pts = append(p.pts, g)
	case orbgeo.MultiPoint:
		p.pts = append(p.pts, g...)
	case orbgeo.LineString:
		if len(g) == 1 {
			p.pts = append(p.pts, g[0])
		}
		for i := 1; i < len(g); i++ {
			p.segs = append(p.segs, [2]orbgeo.Point{g[i-1], g[i]})
		}
	case orbgeo.MultiLineString:
		for _, l := range g {
			decompose(l, p)
		}
	case orbgeo.Ring:
		decompose(orbgeo.Polygon{g}, p)
	case orbgeo.Polygon:
		if len(g) == 0 || len(g[0]) == 0 {
			return
		}
		p.polys = append(p.polys, g)
		for _, r := range g {
			n := len(r)
			if n == 1 {
				p.pts = append(p.pts, r[0])
			}
			for i := 0; i < n && n > 1; i++ {
				a, b := r[i], r[(i+1)%n]
				if a != b {
					p.segs = append(p.segs, [2]orbgeo.Point{a, b})
				}
			}
		}
	case orbgeo.MultiPolygon:
		for _, poly := range g {
			decompose(poly, p)
		}
	case orbgeo.Collection:
		for _, sub := range g {
			decompose(sub, p)
		}
	case orbgeo.Bound:
		decompose(g.ToPolygon(), p)
	}
}

// Intersects reports whether the closed point sets of a and b share at
// least one point, in the plane of their coordinates: boundaries count, so
// a point on a polygon's edge, or two polygons that share only a vertex,
// intersect. Every orb geometry type is accepted, Bound included.
func Intersects(a, b orbgeo.Geometry) bool {
	if a == nil || b == nil {
		return false
	}
	// A point needs no bounding-box test first: computing the box reads
	// every vertex, as does the point test itself.
	if p, ok := b.(orbgeo.Point); ok {
		return coversPoint(a, p)
	}
	if p, ok := a.(orbgeo.Point); ok {
		return coversPoint(b, p)
	}
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	var pa, pb parts
	decompose(a, &pa)
	decompose(b, &pb)
	return pa.touch(&pb) || pb.touch(&pa) || pa.cross(&pb)
}

// coversPoint is Intersects(g, pt) without taking g apart: the common
// "which features are here" query allocates nothing.
func coversPoint(g orbgeo.Geometry, pt orbgeo.Point) bool {
	switch g := g.(type) {
	case orbgeo.Point:
		return g == pt
	case orbgeo.MultiPoint:
		for _, p := range g {
			if p == pt {
				return true
			}
		}
	case orbgeo.LineString:
		if len(g) == 1 {
			return g[0] == pt
		}
		for i := 1; i < len(g); i++ {
			if onSegment(g[i-1], g[i], pt) {
				return true
			}
		}
	case orbgeo.MultiLineString:
		for _, l := range g {
			if coversPoint(l, pt) {
				return true
			}
		}
	case orbgeo.Ring:
		return coversPoint(orbgeo.Polygon{g}, pt)
	case orbgeo.Polygon:
		if len(g) == 0 {
			return false
		}
		if geo.ContainsBrute(g, pt) {
			return true
		}
		for _, r := range g {
			n := len(r)
			if n == 1 && r[0] == pt {
				return true
			}
			for i := 0; i < n && n > 1; i++ {
				if onSegment(r[i], r[(i+1)%n], pt) {
					return true
				}
			}
		}
	case orbgeo.MultiPolygon:
		for _, p := range g {
			if coversPoint(p, pt) {
				return true
			}
		}
	case orbgeo.Collection:
		for _, sub := range g {
			if coversPoint(sub, pt) {
				return true
			}
		}
	case orbgeo.Bound:
		return g.Contains(pt)
	}
	return false
}

// touch reports whether a point or segment start of p lies on or in q.
func (p *parts) touch(q *parts) bool {
	for _, pt := range p.pts {
		if q.covers(pt) {
			return true
		}
	}
	// With no crossing segments (checked by cross), a connected part is
	// either wholly inside a polygon of q or wholly outside: one vertex per
	// segment is enough.
	for _, s := range p.segs {
		for _, poly := range q.polys {
			if geo.ContainsBrute(poly, s[0]) {
				return true
			}
		}
	}
	return false
}

// covers reports whether pt lies on a point, on a segment or in a polygon
// of q.
func (q *parts) covers(pt orbgeo.Point) bool {
	for _, o := range q.pts {
		if o == pt {
			return true
		}
	}
	for _, s := range q.segs {
		if onSegment(s[0], s[1], pt) {
			return true
		}
	}
	for _, poly := range q.polys {
		if geo.ContainsBrute(poly, pt) {
			return true
		}
	}
	return false
}

// cross reports whether a segment of p meets a segment of q.
func (p *parts) cross(q *parts) bool {
	for _, s := range p.segs {
		sb := orbgeo.Bound{Min: s[0], Max: s[0]}.Extend(s[1])
		for _, t := range q.segs {
			if !sb.Intersects(orbgeo.Bound{Min: t[0], Max: t[0]}.Extend(t[1])) {
				continue
			}
			if segmentsMeet(s[0], s[1], t[0], t[1]) {
				return true
			}
		}
	}
	return false
}

func orient(a, b, c orbgeo.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// onSegment reports whether p lies on the closed segment ab.
func onSegment(a, b, p orbgeo.Point) bool {
	if orient(a, b, p) != 0 {
		return false
	}
	return p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
		p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1])
}

// segmentsMeet reports whether the closed segments ab and cd share a point.
func segmentsMeet(a, b, c, d orbgeo.Point) bool {
	d1, d2 := sign(orient(c, d, a)), sign(orient(c, d, b))
	d3, d4 := sign(orient(a, b, c)), sign(orient(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return (d1 == 0 && onSegment(c, d, a)) || (d2 == 0 && onSegment(c, d, b)) ||
		(d3 == 0 && onSegment(a, b, c)) || (d4 == 0 && onSegment(a, b, d))
}

// wkt appends g as CQL2 text (WKT, and BBOX for a Bound).
func wkt(b []byte, g orbgeo.Geometry) []byte {
	switch g := g.(type) {
	case orbgeo.Point:
		return append(coord(append(b, "POINT("...), g), ')')
	case orbgeo.MultiPoint:
		b = append(b, "MULTIPOINT("...)
		for i, p := range g {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(coord(append(b, '('), p), ')')
		}
		return append(b, ')')
	case orbgeo.LineString:
		return coords(append(b, "LINESTRING"...), g)
	case orbgeo.MultiLineString:
		b = append(b, "MULTILINESTRING("...)
		for i, l := range g {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = coords(b, l)
		}
		return append(b, ')')
	case orbgeo.Polygon:
		return polyText(append(b, "POLYGON"...), g)
	case orbgeo.MultiPolygon:
		b = append(b, "MULTIPOLYGON("...)
		for i, p := range g {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = polyText(b, p)
		}
		return append(b, ')')
	case orbgeo.Collection:
		b = append(b, "GEOMETRYCOLLECTION("...)
		for i, sub := range g {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = wkt(b, sub)
		}
		return append(b, ')')
	case orbgeo.Bound:
		b = append(b, "BBOX("...)
		for i, v := range []float64{g.Min[0], g.Min[1], g.Max[0], g.Max[1]} {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
		return append(b, ')')
	}
	return b
}

func coord(b []byte, p orbgeo.Point) []byte {
	b = strconv.AppendFloat(b, p[0], 'g', -1, 64)
	b = append(b, ' ')
	return strconv.AppendFloat(b, p[1], 'g', -1, 64)
}

func coords(b []byte, ps []orbgeo.Point) []byte {
	b = append(b, '(')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = coord(b, p)
	}
	return append(b, ')')
}

func polyText(b []byte, p orbgeo.Polygon) []byte {
	b = append(b, '(')
	for i, r := range p {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = coords(b, r)
	}
	return append(b, ')')
}
