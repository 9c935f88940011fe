package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// edge is one segment of a ring, stored with y0 <= y1 is not assumed: the
// crossing test is symmetric in the end points.
type edge struct {
	x0, y0, x1, y1 float64
}

// Prepared is a polygon prepared for repeated point-in-polygon tests. Its
// edges (outer ring and holes together) are bucketed into horizontal bands,
// so a test reads only the edges of the band the point falls in instead of
// every vertex. It is immutable and safe for concurrent use.
type Prepared struct {
	bound  orb.Bound
	edges  []edge
	minY   float64
	invH   float64 // bands per degree of latitude
	nb     int     // number of bands
	starts []int32 // band i owns idx[starts[i]:starts[i+1]]
	idx    []int32
}

// maxBands bounds the memory of a prepared polygon; with ~2 edges a band the
// test reads a handful of edges.
const maxBands = 4096

// Prepare builds the band index of polygon p (outer ring first, then holes,
// as in GeoJSON). Ring orientation does not matter; rings need not be
// explicitly closed.
func Prepare(p orb.Polygon) *Prepared {
	pp := &Prepared{bound: p.Bound()}
	for _, r := range p {
		n := len(r)
		if n < 2 {
			continue
		}
		for i := 0; i < n; i++ {
			a, b := r[i], r[(i+1)%n]
			if a == b {
				continue
			}
			pp.edges = append(pp.edges, edge{a[0], a[1], b[0], b[1]})
		}
	}
	nb := len(pp.edges)/2 + 1
	if nb > maxBands {
		nb = maxBands
	}
	h := pp.bound.Max[1] - pp.bound.Min[1]
	pp.minY = pp.bound.Min[1]
	if h <= 0 || nb == 1 {
		pp.invH = 0
		nb = 1
	} else {
		pp.invH = float64(nb) / h
	}
	pp.nb = nb
	counts := make([]int32, nb+1)
	pp.eachBand(func(band int, _ int32) { counts[band+1]++ })
	for i := 1; i <= nb; i++ {
		counts[i] += counts[i-1]
	}
	pp.starts = counts
	pp.idx = make([]int32, counts[nb])
	fill := make([]int32, nb)
	pp.eachBand(func(band int, e int32) {
		pp.idx[pp.starts[band]+fill[band]] = e
		fill[band]++
	})
	return pp
}

// eachBand calls fn for every (band, edge) pair where the edge's y-range
// overlaps the band.
func (pp *Prepared) eachBand(fn func(band int, e int32)) {
	for i, e := range pp.edges {
		lo, hi := pp.band(math.Min(e.y0, e.y1)), pp.band(math.Max(e.y0, e.y1))
		for b := lo; b <= hi; b++ {
			fn(b, int32(i))
		}
	}
}

// band returns the band index of latitude y, clamped to the bands.
func (pp *Prepared) band(y float64) int {
	if pp.invH == 0 {
		return 0
	}
	b := int((y - pp.minY) * pp.invH)
	if b < 0 {
		return 0
	}
	if b >= pp.nb {
		return pp.nb - 1
	}
	return b
}

// Bound returns the polygon's bounding box.
func (pp *Prepared) Bound() orb.Bound { return pp.bound }

// Contains reports whether pt lies in the polygon under the package's
// boundary rule (see the package documentation): interior points are inside,
// points on a boundary are inside exactly when the polygon lies east of the
// point (or north, on a horizontal edge). Points in holes are outside.
func (pp *Prepared) Contains(pt orb.Point) bool { return pp.within(pt, false) }

// Covers reports whether pt lies in the closed polygon: inside it or on the
// boundary of one of its rings (a point on a hole's edge included), as
// Covers of the polygon says. An edge holding pt spans pt's latitude, so
// only the edges of pt's band are read.
func (pp *Prepared) Covers(pt orb.Point) bool { return pp.within(pt, true) }

// within is Contains, or Covers when closed: the crossings of the ray from
// pt with the edges of pt's band, and with closed an edge holding pt
// answering true at once.
func (pp *Prepared) within(pt orb.Point, closed bool) bool {
	x, y := pt[0], pt[1]
	if x < pp.bound.Min[0] || x > pp.bound.Max[0] || y < pp.bound.Min[1] || y > pp.bound.Max[1] {
		return false
	}
	b := pp.band(y)
	in := false
	for _, ei := range pp.idx[pp.starts[b]:pp.starts[b+1]] {
		e := &pp.edges[ei]
		if closed && onSegment(orb.Point{e.x0, e.y0}, orb.Point{e.x1, e.y1}, pt) {
			return true
		}
		if crosses(e, x, y) {
			in = !in
		}
	}
	return in
}

// crosses reports whether the ray from (x, y) towards +x crosses edge e,
// with the half-open convention that makes the boundary rule hold: an edge
// counts when exactly one end point lies strictly above y, and its crossing
// lies strictly east of x.
func crosses(e *edge, x, y float64) bool {
	if (e.y0 > y) == (e.y1 > y) {
		return false
	}
	// x of the edge at height y, computed from the lower end point so that
	// the value is the same for an edge shared by two polygons whichever
	// direction each of them lists it in.
	ax, ay, bx, by := e.x0, e.y0, e.x1, e.y1
	if ay > by {
		ax, ay, bx, by = bx, by, ax, ay
	}
	xi := ax + (y-ay)*(bx-ax)/(by-ay)
	return x < xi
}

// distance is the distance in metres from the origin of l to the polygon,
// 0 when it contains the origin.
func (pp *Prepared) distance(l local) float64 {
	if pp.Contains(l.o) {
		return 0
	}
	d := math.Inf(1)
	for i := range pp.edges {
		e := &pp.edges[i]
		d = math.Min(d, l.segment(orb.Point{e.x0, e.y0}, orb.Point{e.x1, e.y1}))
	}
	return d
}

// finiteGeometry reports whether g is a geometry type the package knows and
// every coordinate of it is finite and inside the lon/lat ranges.
func finiteGeometry(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Point, orb.MultiPoint, orb.LineString, orb.MultiLineString,
		orb.Ring, orb.Polygon, orb.MultiPolygon, orb.Collection, orb.Bound:
	default:
		return false
	}
	ok := true
	EachPoint(g, func(p orb.Point) {
		ok = ok && ValidLonLat(p[0], p[1])
	})
	return ok
}

// ValidLonLat reports whether lon and lat are finite and within
// [-180, 180] and [-90, 90] degrees.
func ValidLonLat(lon, lat float64) bool {
	return !math.IsNaN(lon) && !math.IsNaN(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}
