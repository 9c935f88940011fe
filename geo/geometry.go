package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// This file is the geometry toolkit of the service: one walker over every
// orb geometry type and the predicates built on it. Every package that
// needs to take a geometry apart or test one (geo itself, cql2, server,
// data) calls these; orb's own functions are used wherever orb has them.

// Part is one simple part of a geometry, as Walk yields it: a point, a line
// string or a polygon (outer ring first, then holes). Exactly one of
// Point, Line and Polygon is meaningful, as Kind says.
type Part struct {
	Kind    PartKind
	Point   orb.Point
	Line    orb.LineString
	Polygon orb.Polygon
}

// PartKind says what a Part is.
type PartKind uint8

// The kinds of parts.
const (
	PointPart PartKind = iota + 1
	LinePart
	PolygonPart
)

// Walk calls fn for every simple part of g in order: a Point, LineString or
// Polygon is one part; a MultiPoint, MultiLineString or MultiPolygon yields
// each member, a Collection the parts of each member, a Ring the polygon of
// that ring and a Bound its rectangle as a polygon. nil and types orb does
// not define yield nothing. fn returns false to stop; Walk returns false
// when it was stopped. It allocates only for a Ring or a Bound.
func Walk(g orb.Geometry, fn func(Part) bool) bool {
	switch g := g.(type) {
	case orb.Point:
		return fn(Part{Kind: PointPart, Point: g})
	case orb.MultiPoint:
		for _, p := range g {
			if !fn(Part{Kind: PointPart, Point: p}) {
				return false
			}
		}
	case orb.LineString:
		return fn(Part{Kind: LinePart, Line: g})
	case orb.MultiLineString:
		for _, l := range g {
			if !fn(Part{Kind: LinePart, Line: l}) {
				return false
			}
		}
	case orb.Ring:
		return fn(Part{Kind: PolygonPart, Polygon: orb.Polygon{g}})
	case orb.Polygon:
		return fn(Part{Kind: PolygonPart, Polygon: g})
	case orb.MultiPolygon:
		for _, p := range g {
			if !fn(Part{Kind: PolygonPart, Polygon: p}) {
				return false
			}
		}
	case orb.Bound:
		return fn(Part{Kind: PolygonPart, Polygon: g.ToPolygon()})
	case orb.Collection:
		for _, sub := range g {
			if !Walk(sub, fn) {
				return false
			}
		}
	}
	return true
}

// EachPoint calls fn for every coordinate of g, in the order of Walk (the
// rings of a polygon as stored, closing point included).
func EachPoint(g orb.Geometry, fn func(orb.Point)) {
	Walk(g, func(p Part) bool {
		switch p.Kind {
		case PointPart:
			fn(p.Point)
		case LinePart:
			for _, q := range p.Line {
				fn(q)
			}
		case PolygonPart:
			for _, r := range p.Polygon {
				for _, q := range r {
					fn(q)
				}
			}
		}
		return true
	})
}

// IsEmpty reports whether g has no coordinates (an empty MultiPolygon, say:
// the dataset uses one for a unit whose area is not known).
func IsEmpty(g orb.Geometry) bool {
	empty := true
	Walk(g, func(p Part) bool {
		switch p.Kind {
		case PointPart:
			empty = false
		case LinePart:
			empty = len(p.Line) == 0
		case PolygonPart:
			for _, r := range p.Polygon {
				empty = empty && len(r) == 0
			}
		}
		return empty
	})
	return empty
}

// Contains reports whether the polygonal parts of g contain pt under the
// package's boundary rule (see the package documentation): interior points
// are inside, a point on a boundary is inside exactly when the polygon lies
// east of it (or north, on a horizontal edge), points in holes are outside.
// Points and lines contain nothing. Ring orientation does not matter and
// rings need not be closed. It reads every edge: for repeated tests of one
// polygon, Prepare it.
func Contains(g orb.Geometry, pt orb.Point) bool {
	in := false
	Walk(g, func(p Part) bool {
		in = p.Kind == PolygonPart && polygonContains(p.Polygon, pt)
		return !in
	})
	return in
}

func polygonContains(p orb.Polygon, pt orb.Point) bool {
	in := false
	for _, r := range p {
		n := len(r)
		for i := 0; i < n; i++ {
			a, b := r[i], r[(i+1)%n]
			if a == b {
				continue
			}
			if crosses(&edge{a[0], a[1], b[0], b[1]}, pt[0], pt[1]) {
				in = !in
			}
		}
	}
	return in
}

// Covers reports whether pt lies in the closed point set of g: on a point
// of it, on a line of it (end points included), or in a polygon of it or
// on its boundary. Unlike Contains, a point on a border shared by two
// polygons is covered by both. It allocates nothing for a Point, line or
// polygon g.
func Covers(g orb.Geometry, pt orb.Point) bool {
	hit := false
	Walk(g, func(p Part) bool {
		switch p.Kind {
		case PointPart:
			hit = p.Point == pt
		case LinePart:
			hit = lineCovers(p.Line, pt, false)
		case PolygonPart:
			hit = polygonCovers(p.Polygon, pt)
		}
		return !hit
	})
	return hit
}

// polygonCovers reports whether pt is in p or on the boundary of one of its
// rings: polygonContains(p, pt) or lineCovers of a ring, closed, in one
// pass over the edges. An edge whose latitude range misses pt's neither
// holds pt nor crosses the ray from it, so it costs two comparisons.
func polygonCovers(p orb.Polygon, pt orb.Point) bool {
	x, y := pt[0], pt[1]
	in := false
	for _, r := range p {
		if len(r) == 0 {
			continue
		}
		a := r[len(r)-1]
		for _, b := range r {
			lo, hi := a[1], b[1]
			if lo > hi {
				lo, hi = hi, lo
			}
			if y < lo || y > hi {
				a = b
				continue
			}
			if a == b {
				if a == pt {
					return true
				}
				continue
			}
			if onSegment(a, b, pt) {
				return true
			}
			if crosses(&edge{a[0], a[1], b[0], b[1]}, x, y) {
				in = !in
			}
			a = b
		}
	}
	return in
}

// lineCovers reports whether pt lies on the line (closed: also on the
// segment from its last point back to its first).
func lineCovers(l orb.LineString, pt orb.Point, closed bool) bool {
	n := len(l)
	if n == 1 {
		return l[0] == pt
	}
	last := n - 1
	if closed {
		last = n
	}
	for i := 0; i < last; i++ {
		if onSegment(l[i], l[(i+1)%n], pt) {
			return true
		}
	}
	return false
}

// Intersects reports whether the closed point sets of a and b share at
// least one point, in the plane of their coordinates: boundaries count, so
// a point on a polygon's edge, or two polygons that share only a vertex,
// intersect. Every orb geometry type is accepted, Bound included; nil
// intersects nothing.
func Intersects(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return false
	}
	// A point needs no bounding-box test first: computing the box reads
	// every vertex, as does the point test itself.
	if p, ok := b.(orb.Point); ok {
		return Covers(a, p)
	}
	if p, ok := a.(orb.Point); ok {
		return Covers(b, p)
	}
	if !a.Bound().Intersects(b.Bound()) {
		return false
	}
	var pa, pb pieces
	pa.add(a)
	pb.add(b)
	return pa.touch(&pb) || pb.touch(&pa) || pa.cross(&pb)
}

// pieces is a geometry taken apart for the intersection test: isolated
// points, segments (of lines and of polygon rings) and polygons.
type pieces struct {
	pts   []orb.Point
	segs  [][2]orb.Point
	polys []orb.Polygon
}

func (q *pieces) add(g orb.Geometry) {
	Walk(g, func(p Part) bool {
		switch p.Kind {
		case PointPart:
			q.pts = append(q.pts, p.Point)
		case LinePart:
			q.addLine(p.Line, false)
		case PolygonPart:
			if len(p.Polygon) == 0 || len(p.Polygon[0]) == 0 {
				return true
			}
			q.polys = append(q.polys, p.Polygon)
			for _, r := range p.Polygon {
				q.addLine(orb.LineString(r), true)
			}
		}
		return true
	})
}

func (q *pieces) addLine(l orb.LineString, closed bool) {
	n := len(l)
	if n == 1 {
		q.pts = append(q.pts, l[0])
		return
	}
	last := n - 1
	if closed {
		last = n
	}
	for i := 0; i < last; i++ {
		if a, b := l[i], l[(i+1)%n]; a != b || !closed {
			q.segs = append(q.segs, [2]orb.Point{a, b})
		}
	}
}

// touch reports whether a point or segment start of q lies on or in o.
func (q *pieces) touch(o *pieces) bool {
	for _, pt := range q.pts {
		if o.covers(pt) {
			return true
		}
	}
	// With no crossing segments (checked by cross), a connected part is
	// either wholly inside a polygon of o or wholly outside: one vertex per
	// segment is enough.
	for _, s := range q.segs {
		for _, poly := range o.polys {
			if polygonContains(poly, s[0]) {
				return true
			}
		}
	}
	return false
}

// covers reports whether pt lies on a point, on a segment or in a polygon
// of q.
func (q *pieces) covers(pt orb.Point) bool {
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
		if polygonContains(poly, pt) {
			return true
		}
	}
	return false
}

// cross reports whether a segment of q meets a segment of o.
func (q *pieces) cross(o *pieces) bool {
	for _, s := range q.segs {
		sb := orb.Bound{Min: s[0], Max: s[0]}.Extend(s[1])
		for _, t := range o.segs {
			if !sb.Intersects(orb.Bound{Min: t[0], Max: t[0]}.Extend(t[1])) {
				continue
			}
			if segmentsMeet(s[0], s[1], t[0], t[1]) {
				return true
			}
		}
	}
	return false
}

// orient is the z component of (b-a) × (c-a): positive when c lies left of
// the line from a to b, zero when the three are collinear.
func orient(a, b, c orb.Point) float64 {
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
func onSegment(a, b, p orb.Point) bool {
	return orient(a, b, p) == 0 && between(a, b, p)
}

// segmentsMeet reports whether the closed segments ab and cd share a point.
func segmentsMeet(a, b, c, d orb.Point) bool {
	d1, d2 := sign(orient(c, d, a)), sign(orient(c, d, b))
	d3, d4 := sign(orient(a, b, c)), sign(orient(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return (d1 == 0 && onSegment(c, d, a)) || (d2 == 0 && onSegment(c, d, b)) ||
		(d3 == 0 && onSegment(a, b, c)) || (d4 == 0 && onSegment(a, b, d))
}

// earthRadius is the mean radius of the earth in metres (IUGG).
const earthRadius = 6371008.8

// metresPerDegree returns the length in metres of one degree of longitude
// and of latitude at latitude lat on the WGS84 mean sphere.
func metresPerDegree(lat float64) (kx, ky float64) {
	ky = earthRadius * math.Pi / 180
	kx = ky * math.Cos(lat*math.Pi/180)
	return kx, ky
}

// local is the plane tangent at a point, in metres: x east, y north, with
// the equirectangular scale of the point's latitude. Its error is below
// 0.1 % within 20 km at the latitudes of Chongqing.
type local struct {
	o      orb.Point
	kx, ky float64
}

func newLocal(o orb.Point) local {
	kx, ky := metresPerDegree(o[1])
	return local{o, kx, ky}
}

// at returns p in the local plane.
func (l local) at(p orb.Point) orb.Point {
	return orb.Point{(p[0] - l.o[0]) * l.kx, (p[1] - l.o[1]) * l.ky}
}

// segment is the distance in metres from the origin to segment ab.
func (l local) segment(a, b orb.Point) float64 {
	return planar.DistanceFromSegment(l.at(a), l.at(b), orb.Point{})
}

// box is the distance in metres from the origin to the rectangle, 0 inside.
func (l local) box(lo, hi [2]float64) float64 {
	dx := max(lo[0]-l.o[0], 0, l.o[0]-hi[0]) * l.kx
	dy := max(lo[1]-l.o[1], 0, l.o[1]-hi[1]) * l.ky
	return math.Hypot(dx, dy)
}

// line is the distance in metres from the origin to the line (closed: the
// ring it bounds, without its interior).
func (l local) line(ls orb.LineString, closed bool) float64 {
	n := len(ls)
	if n == 0 {
		return math.Inf(1)
	}
	if n == 1 {
		return l.segment(ls[0], ls[0])
	}
	d := math.Inf(1)
	last := n - 1
	if closed {
		last = n
	}
	for i := 0; i < last; i++ {
		d = math.Min(d, l.segment(ls[i], ls[(i+1)%n]))
	}
	return d
}

// Distance returns the distance in metres from pt (WGS84 lon/lat) to the
// nearest point of g, 0 when a polygon of g contains pt (boundary rule of
// Contains) and +Inf for an empty g. It measures in the plane tangent at
// pt, whose error is below 0.1 % within 20 km at the latitudes of Chongqing.
func Distance(g orb.Geometry, pt orb.Point) float64 {
	l := newLocal(pt)
	d := math.Inf(1)
	Walk(g, func(p Part) bool {
		switch p.Kind {
		case PointPart:
			d = math.Min(d, l.segment(p.Point, p.Point))
		case LinePart:
			d = math.Min(d, l.line(p.Line, false))
		case PolygonPart:
			if polygonContains(p.Polygon, pt) {
				d = 0
				return false
			}
			for _, r := range p.Polygon {
				d = math.Min(d, l.line(orb.LineString(r), true))
			}
		}
		return true
	})
	return d
}

// InteriorPoint returns a point inside the polygonal geometry g under the
// package's boundary rule: the area centroid of its largest polygon when
// that lies inside, else the middle of the widest inside stretch of a
// horizontal scanline through it. Without polygons, it returns g's first
// point, or for a line its middle vertex. ok is false when g has no area and
// no vertex.
func InteriorPoint(g orb.Geometry) (pt orb.Point, ok bool) {
	var best orb.Polygon
	area := -1.0
	Walk(g, func(p Part) bool {
		switch {
		case p.Kind == PolygonPart:
			if a := math.Abs(planar.Area(p.Polygon)); a > area && len(p.Polygon) > 0 && len(p.Polygon[0]) > 0 {
				best, area = p.Polygon, a
			}
		case ok:
		case p.Kind == PointPart:
			pt, ok = p.Point, true
		case len(p.Line) > 0:
			pt, ok = p.Line[len(p.Line)/2], true
		}
		return true
	})
	if best != nil {
		return polygonInterior(best)
	}
	return pt, ok
}

func polygonInterior(p orb.Polygon) (orb.Point, bool) {
	if c, a := planar.CentroidArea(p); a != 0 && polygonContains(p, c) {
		return c, true
	}
	b := p.Bound()
	var xs []float64
	for _, f := range []float64{0.5, 0.3, 0.7, 0.4, 0.6, 0.2, 0.8, 0.1, 0.9, 0.45, 0.55, 0.35, 0.65} {
		y := b.Min[1] + f*(b.Max[1]-b.Min[1])
		xs = xs[:0]
		for _, r := range p {
			n := len(r)
			for i := 0; i < n; i++ {
				e := edge{r[i][0], r[i][1], r[(i+1)%n][0], r[(i+1)%n][1]}
				if (e.y0 > y) == (e.y1 > y) {
					continue
				}
				xs = append(xs, e.x0+(y-e.y0)*(e.x1-e.x0)/(e.y1-e.y0))
			}
		}
		sort.Float64s(xs)
		bestW, bestX := 0.0, 0.0
		for i := 0; i+1 < len(xs); i += 2 {
			if w := xs[i+1] - xs[i]; w > bestW {
				bestW, bestX = w, (xs[i]+xs[i+1])/2
			}
		}
		if bestW > 0 {
			c := orb.Point{bestX, y}
			if polygonContains(p, c) {
				return c, true
			}
		}
	}
	return p[0][0], false
}
