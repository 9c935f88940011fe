package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"
)

// ValidateGeometry reports why g cannot be served, or nil when it can. It is
// the one geometry validation of every snapshot (NewSnapshot calls it for
// every feature) and of `beibeimap data check`, pure Go and O(n log n) in
// the number of positions. The rules:
//
//   - the type is one of orb's (Point … Collection); every coordinate is
//     finite and inside [-180, 180] × [-90, 90];
//   - a geometry with no positions at all (an empty MultiPolygon, say) is
//     allowed: the dataset uses one for a unit whose area is not known;
//     but no part of a non-empty geometry may be empty;
//   - a line has at least 2 positions (it may cross itself);
//   - a polygon has at least one ring; every ring has at least 4
//     positions, the last equal to the first, and does not collapse to a
//     line;
//   - a ring neither crosses nor touches itself (repeated consecutive
//     positions are allowed), and no two rings of a polygon cross or
//     share a stretch of boundary (touching at a point is allowed);
//   - every hole lies inside its shell and outside every other hole.
//
// Whether the polygons of a MultiPolygon overlap, and every other question
// of topology, is left to the GEOS checks of `data check -tags geos`. The
// error is a *GeometryError.
func ValidateGeometry(g orb.Geometry) error {
	if !finiteGeometry(g) {
		return invalidGeometry("non-finite, out-of-range or unknown coordinate")
	}
	if noParts(g) {
		return nil
	}
	return validateParts(g, "")
}

// GeometryError is the error of ValidateGeometry: which part of the
// geometry breaks which rule. It wraps ErrInvalid.
type GeometryError struct {
	// Reason names the part and ring (1-based) and the rule broken
	// ("polygon 2: ring 1 intersects itself").
	Reason string
}

// Error implements error.
func (e *GeometryError) Error() string { return "geo: " + e.Reason }

// Unwrap returns ErrInvalid.
func (e *GeometryError) Unwrap() error { return ErrInvalid }

func invalidGeometry(format string, args ...any) error {
	return &GeometryError{Reason: fmt.Sprintf(format, args...)}
}

// noParts reports whether g is an empty geometry: a multi-geometry, line or
// polygon without members (a Polygon holding one empty ring has a part).
func noParts(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		return len(g) == 0
	case orb.Ring:
		return len(g) == 0
	case orb.Polygon:
		return len(g) == 0
	case orb.MultiPolygon:
		return len(g) == 0
	case orb.Collection:
		return len(g) == 0
	}
	return false
}

// validateParts checks the parts of the non-empty geometry g; where locates
// g in the geometry being validated ("polygon 2 ").
func validateParts(g orb.Geometry, where string) error {
	switch g := g.(type) {
	case orb.LineString:
		if len(g) < 2 {
			return invalidGeometry("%sline has %d positions; a line needs at least 2", where, len(g))
		}
	case orb.MultiLineString:
		for i, l := range g {
			if err := validateParts(l, fmt.Sprintf("%sline %d: ", where, i+1)); err != nil {
				return err
			}
		}
	case orb.Ring:
		return validatePolygon(orb.Polygon{g}, where)
	case orb.Polygon:
		return validatePolygon(g, where)
	case orb.MultiPolygon:
		for i, p := range g {
			if err := validatePolygon(p, fmt.Sprintf("%spolygon %d: ", where, i+1)); err != nil {
				return err
			}
		}
	case orb.Collection:
		for i, sub := range g {
			if err := validateParts(sub, fmt.Sprintf("%smember %d: ", where, i+1)); err != nil {
				return err
			}
		}
	}
	return nil
}

// validatePolygon checks the rings of p, their crossings and their nesting.
func validatePolygon(p orb.Polygon, where string) error {
	if len(p) == 0 {
		return invalidGeometry("%spolygon has no rings", where)
	}
	rings := make([]orb.Ring, len(p))
	for i, r := range p {
		if len(r) < 4 {
			return invalidGeometry("%sring %d has %d positions; a ring needs at least 4, the last equal to the first", where, i+1, len(r))
		}
		if r[0] != r[len(r)-1] {
			return invalidGeometry("%sring %d is not closed (its last position differs from its first)", where, i+1)
		}
		rings[i] = dedupeRing(r)
		if collinear(rings[i]) {
			return invalidGeometry("%sring %d collapses to a line or a point", where, i+1)
		}
	}
	if a, b, ok := firstCrossing(rings); ok {
		if a == b {
			return invalidGeometry("%sring %d intersects itself", where, a+1)
		}
		return invalidGeometry("%sring %d crosses ring %d or shares a stretch of boundary with it", where, b+1, a+1)
	}
	// No two rings cross, so one position of a hole off the other ring's
	// boundary says on which side of that ring the whole hole lies.
	for i := 1; i < len(rings); i++ {
		if !inside(rings[i], rings[0]) {
			return invalidGeometry("%shole %d (ring %d) lies outside its shell", where, i, i+1)
		}
		for j := 1; j < len(rings); j++ {
			if i != j && rings[i].Bound().Intersects(rings[j].Bound()) && inside(rings[i], rings[j]) {
				return invalidGeometry("%shole %d (ring %d) lies inside hole %d", where, i, i+1, j)
			}
		}
	}
	return nil
}

// inside reports whether the ring r, which crosses no edge of outer, lies
// inside outer: its first position off outer's boundary is inside. A ring
// entirely on outer's boundary is not inside.
func inside(r, outer orb.Ring) bool {
	if !outer.Bound().Contains(r.Bound().Min) || !outer.Bound().Contains(r.Bound().Max) {
		return false
	}
	for _, pt := range r {
		if !onBoundary(outer, pt) {
			return planar.RingContains(outer, pt)
		}
	}
	return false
}

func onBoundary(r orb.Ring, pt orb.Point) bool {
	return lineCovers(orb.LineString(r), pt, false)
}

// dedupeRing returns r without repeated consecutive positions.
func dedupeRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r))
	for i, pt := range r {
		if i == 0 || pt != r[i-1] {
			out = append(out, pt)
		}
	}
	return out
}

// collinear reports whether every position of r lies on one line.
func collinear(r orb.Ring) bool {
	if len(r) < 4 {
		return true
	}
	for _, pt := range r[2:] {
		if orient(r[0], r[1], pt) != 0 {
			return false
		}
	}
	return true
}

// between reports whether p lies in the bounding box of segment ab (with
// orient(a, b, p) == 0: on the closed segment).
func between(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segment is one edge of a deduplicated closed ring: positions i and i+1.
type segment struct {
	ring, i int
}

// firstCrossing indexes the segments of rings in an R-tree and tests each
// against the earlier segments whose bounding boxes it meets: O(n log n)
// plus the number of such meetings, which stays small even for a jagged
// 100,000-position boundary (a sweep over one axis would walk every
// segment spanning the sweep line). It returns the rings of the first
// forbidden meeting found (a == b for a ring meeting itself).
func firstCrossing(rings []orb.Ring) (a, b int, found bool) {
	var tr rtree.RTreeG[segment]
	for ri, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			s := segment{ring: ri, i: i}
			p, q := r[i], r[i+1]
			lo := [2]float64{math.Min(p[0], q[0]), math.Min(p[1], q[1])}
			hi := [2]float64{math.Max(p[0], q[0]), math.Max(p[1], q[1])}
			tr.Search(lo, hi, func(_, _ [2]float64, t segment) bool {
				if forbidden(rings, s, t) {
					a, b, found = t.ring, s.ring, true
				}
				return !found
			})
			if found {
				return a, b, true
			}
			tr.Insert(lo, hi, s)
		}
	}
	return 0, 0, false
}

// forbidden reports whether segments s and t meet where they must not:
// anywhere but their shared end for two adjacent segments of one ring,
// anywhere for two other segments of one ring, and at more than a single
// point (a crossing or a common stretch) for segments of different rings.
func forbidden(rings []orb.Ring, s, t segment) bool {
	p, q := rings[s.ring][s.i], rings[s.ring][s.i+1]
	u, v := rings[t.ring][t.i], rings[t.ring][t.i+1]
	o1, o2, o3, o4 := orient(p, q, u), orient(p, q, v), orient(u, v, p), orient(u, v, q)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true // proper crossing
	}
	if o1 == 0 && o2 == 0 && o3 == 0 && o4 == 0 {
		if overlap(p, q, u, v) {
			return true // a common stretch, or a fold back along the last edge
		}
	}
	touch := (o1 == 0 && between(p, q, u)) || (o2 == 0 && between(p, q, v)) ||
		(o3 == 0 && between(u, v, p)) || (o4 == 0 && between(u, v, q))
	if !touch || s.ring != t.ring {
		return false
	}
	last := len(rings[s.ring]) - 2 // index of the ring's last segment
	i, j := min(s.i, t.i), max(s.i, t.i)
	if j == i+1 || (i == 0 && j == last) {
		// Adjacent: they share an end; collinear folds were caught above,
		// and two non-collinear segments meet only there.
		return false
	}
	return true
}

// overlap reports whether the collinear segments pq and uv share more than
// one point.
func overlap(p, q, u, v orb.Point) bool {
	axis := 0
	if math.Abs(q[0]-p[0]) < math.Abs(q[1]-p[1]) {
		axis = 1
	}
	lo := math.Max(math.Min(p[axis], q[axis]), math.Min(u[axis], v[axis]))
	hi := math.Min(math.Max(p[axis], q[axis]), math.Max(u[axis], v[axis]))
	return hi > lo
}
