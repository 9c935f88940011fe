package tiles

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// tolerances are the Douglas–Peucker tolerances (tile units) repair tries
// for a ring, in order: the normal one, none (every point kept), then
// coarser ones, which remove slivers narrower than a unit that rounding
// turns inside out.
var tolerances = [...]float64{tolerance, 0, 1, 2, 4}

// repair turns clipped polygons in float tile coordinates into valid
// polygons in integer tile coordinates. Every ring is simplified with the
// first of tolerances and rounded (see quantiseRing); while the result is
// not valid, each ring that conflicts moves on to the next tolerance, and
// one that conflicts at the last is dropped (an outer ring with its
// holes). Rings that collapse (fewer than three distinct points, zero area)
// or whose orientation flips are dropped, outer rings with their holes.
func (sc *scratch) repair(clipped [][][]orb.Point) [][][]orb.Point {
	type ring struct {
		src   []orb.Point
		q     []orb.Point
		level int // index into tolerances; len(tolerances): dropped
	}
	rs := make([][]ring, len(clipped))
	for i, p := range clipped {
		rs[i] = make([]ring, len(p))
		for j, r := range p {
			rs[i][j] = ring{src: r, q: quantiseRing(r, tolerances[0])}
		}
	}
	type at struct{ p, r int }
	var out [][][]orb.Point
	var where []at // the source ring of each ring of out, in reading order
	for round := 0; ; round++ {
		out, where = out[:0], where[:0]
		for i, p := range rs {
			if p[0].level == len(tolerances) || signedArea(p[0].q) <= 0 {
				continue
			}
			poly := [][]orb.Point{p[0].q}
			where = append(where, at{i, 0})
			for j := 1; j < len(p); j++ {
				if p[j].level < len(tolerances) && signedArea(p[j].q) < 0 {
					poly = append(poly, p[j].q)
					where = append(where, at{i, j})
				}
			}
			out = append(out, poly)
		}
		bad := sc.conflicts(out)
		if len(bad) == 0 || round > 4*len(tolerances) {
			return out
		}
		for _, k := range bad {
			r := &rs[where[k].p][where[k].r]
			if r.level++; r.level < len(tolerances) {
				r.q = quantiseRing(r.src, tolerances[r.level])
			}
		}
	}
}

// quantiseRing simplifies an open ring (Douglas–Peucker, tol tile units; 0
// keeps every point), rounds it to integer tile coordinates and removes
// repeated and collinear points (spikes included); nil when fewer than
// three points are left.
func quantiseRing(r []orb.Point, tol float64) []orb.Point {
	if tol > 0 && len(r) > 4 {
		closed := make(orb.Ring, len(r)+1)
		copy(closed, r)
		closed[len(r)] = r[0]
		closed = simplify.DouglasPeucker(tol).Ring(closed)
		r = closed[:len(closed)-1]
	}
	out := make([]orb.Point, 0, len(r))
	for _, p := range r {
		p = orb.Point{math.Round(p[0]), math.Round(p[1])}
		out = append(out, p)
		// Drop repeated points and the middle of any three collinear
		// points (a spike is three collinear points doubling back).
		for len(out) >= 2 && out[len(out)-1] == out[len(out)-2] ||
			len(out) >= 3 && cross(out[len(out)-3], out[len(out)-2], out[len(out)-1]) == 0 {
			out[len(out)-2] = out[len(out)-1]
			out = out[:len(out)-1]
		}
	}
	// The same across the closing point.
	for changed := true; changed && len(out) >= 3; {
		changed = false
		n := len(out)
		switch {
		case out[n-1] == out[0]:
			out, changed = out[:n-1], true
		case cross(out[n-2], out[n-1], out[0]) == 0:
			out, changed = out[:n-1], true
		case cross(out[n-1], out[0], out[1]) == 0:
			out, changed = out[1:], true
		}
	}
	if len(out) < 3 {
		return nil
	}
	return out
}

// cross is the z component of (b-a)×(c-a); exact for tile coordinates.
func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// seg is one edge of a ring, for the sweep in valid.
type seg struct {
	a, b       orb.Point
	minx, maxx float64
	ring, i, n int // ring number, edge index in it, edges in it
}

// touch is a point where two different rings meet.
type touch struct {
	p    orb.Point
	r, s int
}

// valid reports whether the polygons (outer ring first, holes after,
// integer tile coordinates) form a valid MultiPolygon by the rules GEOS
// applies (OGC simple features): no ring crosses or touches itself; two
// rings meet at most at single points where they touch without crossing,
// and two rings of one polygon at most once (twice would cut its interior
// apart); every hole lies in its own outer ring, and every outer ring lies
// inside an even number of the other rings (outside every other polygon,
// or on an island in a hole).
// It errs on the strict side.
func valid(polys [][][]orb.Point) bool { return len(new(scratch).conflicts(polys)) == 0 }

// scratch holds the buffers of conflicts for reuse across the features of
// one tile. It is not safe for concurrent use.
type scratch struct {
	segs, sorted []seg
	count        []int32
	rings        [][]orb.Point
	owner        []int
	touches      []touch
	bounds       []orb.Bound
}

// conflicts returns the numbers (in reading order, outer rings and holes
// alike) of the rings that break a rule of valid, nil when there is none.
func (sc *scratch) conflicts(polys [][][]orb.Point) []int {
	segs, rings, owner := sc.segs[:0], sc.rings[:0], sc.owner[:0] // owner: the polygon of each ring
	defer func() { sc.segs, sc.rings, sc.owner = segs, rings, owner }()
	for pi, p := range polys {
		for _, r := range p {
			k := len(rings)
			rings = append(rings, r)
			owner = append(owner, pi)
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				segs = append(segs, seg{a: a, b: b, minx: math.Min(a[0], b[0]), maxx: math.Max(a[0], b[0]), ring: k, i: i, n: len(r)})
			}
		}
	}
	sorted := sc.sortByMinX(segs)
	touches := sc.touches[:0]
	defer func() { sc.touches = touches }()
	var bad []int
	for i := range sorted {
		s := &sorted[i]
		for j := i + 1; j < len(sorted) && sorted[j].minx <= s.maxx; j++ {
			t := &sorted[j]
			if s.ring == t.ring {
				if d := s.i - t.i; d == 1 || d == -1 || d == s.n-1 || d == 1-s.n {
					continue
				}
			}
			if math.Max(s.a[1], s.b[1]) < math.Min(t.a[1], t.b[1]) || math.Max(t.a[1], t.b[1]) < math.Min(s.a[1], s.b[1]) {
				continue
			}
			p, kind := meet(s.a, s.b, t.a, t.b)
			switch {
			case kind == meetNone:
			case kind == meetPoint && s.ring != t.ring:
				r, q := s.ring, t.ring
				if r > q {
					r, q = q, r
				}
				touches = append(touches, touch{p, r, q})
			default:
				bad = append(bad, s.ring, t.ring)
			}
		}
	}
	// Touching rings must not cross at the touching point, and two rings
	// of one polygon may touch only once.
	sort.Slice(touches, func(i, j int) bool {
		a, b := touches[i], touches[j]
		if a.r != b.r {
			return a.r < b.r
		}
		if a.s != b.s {
			return a.s < b.s
		}
		if a.p[0] != b.p[0] {
			return a.p[0] < b.p[0]
		}
		return a.p[1] < b.p[1]
	})
	for i, tc := range touches {
		if i > 0 && touches[i-1] == tc {
			continue // met by two edges at a shared vertex
		}
		if i > 0 && touches[i-1].r == tc.r && touches[i-1].s == tc.s && owner[tc.r] == owner[tc.s] ||
			crossesAt(rings[tc.r], rings[tc.s], tc.p) {
			bad = append(bad, tc.r, tc.s)
		}
	}
	// With no crossings, one point per ring decides the nesting: a point
	// a little way along its first edge, which no other ring touches.
	bounds := slices.Grow(sc.bounds[:0], len(rings))[:len(rings)]
	sc.bounds = bounds
	for i, r := range rings {
		bounds[i] = bound(r)
	}
	k := 0
	for _, p := range polys {
		shell := k
		for h, r := range p {
			q := lerp(r[0], r[1], 0.318309886)
			n := 0
			for j, o := range rings {
				if j != k && bounds[j].Contains(q) && ringContains(o, q) {
					n++
				}
			}
			if h == 0 && n%2 != 0 || h > 0 && (n%2 != 1 || !ringContains(rings[shell], q)) {
				bad = append(bad, k)
			}
			k++
		}
	}
	slices.Sort(bad)
	return slices.Compact(bad)
}

// How two segments meet.
const (
	meetNone    = iota
	meetPoint   // at one point, without crossing (an end on the other)
	meetCross   // crossing in the interior of both
	meetOverlap // along a piece of positive length
)

// meet classifies how the closed segments ab and cd meet and returns the
// meeting point of a meetPoint.
func meet(a, b, c, d orb.Point) (orb.Point, int) {
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	if (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0) {
		return orb.Point{}, meetCross
	}
	if d1 == 0 && d2 == 0 { // collinear
		lo := func(p, q orb.Point) orb.Point { // lexicographic min
			if p[0] < q[0] || p[0] == q[0] && p[1] < q[1] {
				return p
			}
			return q
		}
		hi := func(p, q orb.Point) orb.Point {
			if lo(p, q) == p {
				return q
			}
			return p
		}
		s, e := lo(a, b), hi(a, b)
		u, v := lo(c, d), hi(c, d)
		from, to := hi(s, u), lo(e, v)
		switch {
		case lo(from, to) != from:
			return orb.Point{}, meetNone
		case from == to:
			return from, meetPoint
		}
		return orb.Point{}, meetOverlap
	}
	on := func(p, q, r orb.Point) bool { // r on segment pq, given collinear
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) && math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	switch {
	case d1 == 0 && on(c, d, a):
		return a, meetPoint
	case d2 == 0 && on(c, d, b):
		return b, meetPoint
	case d3 == 0 && on(a, b, c):
		return c, meetPoint
	case d4 == 0 && on(a, b, d):
		return d, meetPoint
	}
	return orb.Point{}, meetNone
}

// directions returns the two directions in which ring r leaves point p,
// which lies on it (a vertex, or inside an edge).
func directions(r []orb.Point, p orb.Point) (u, v orb.Point, ok bool) {
	n := len(r)
	for i := range r {
		a, b := r[i], r[(i+1)%n]
		switch {
		case a == p:
			prev := r[(i+n-1)%n]
			return orb.Point{prev[0] - p[0], prev[1] - p[1]}, orb.Point{b[0] - p[0], b[1] - p[1]}, true
		case b != p && cross(a, b, p) == 0 && math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1]):
			return orb.Point{a[0] - p[0], a[1] - p[1]}, orb.Point{b[0] - p[0], b[1] - p[1]}, true
		}
	}
	return u, v, false
}

// crossesAt reports whether rings r and s, which meet at p, cross there:
// the two directions of s lie on different sides of the two of r.
func crossesAt(r, s []orb.Point, p orb.Point) bool {
	r1, r2, ok1 := directions(r, p)
	s1, s2, ok2 := directions(s, p)
	if !ok1 || !ok2 {
		return true
	}
	a1, a2 := math.Atan2(r1[1], r1[0]), math.Atan2(r2[1], r2[0])
	if a1 > a2 {
		a1, a2 = a2, a1
	}
	between := func(d orb.Point) bool {
		a := math.Atan2(d[1], d[0])
		return a1 < a && a < a2
	}
	return between(s1) != between(s2)
}

// sortByMinX returns segs ordered by minx. Tile coordinates are integers in
// a small range, so a counting sort does it in linear time; other inputs
// are sorted by comparison.
func (sc *scratch) sortByMinX(segs []seg) []seg {
	if len(segs) < 64 {
		slices.SortFunc(segs, func(a, b seg) int { return cmp.Compare(a.minx, b.minx) })
		return segs
	}
	lo, hi := segs[0].minx, segs[0].minx
	for _, s := range segs {
		lo, hi = math.Min(lo, s.minx), math.Max(hi, s.minx)
	}
	span := hi - lo
	if span > 1<<16 || span != math.Trunc(span) || lo != math.Trunc(lo) {
		slices.SortFunc(segs, func(a, b seg) int { return cmp.Compare(a.minx, b.minx) })
		return segs
	}
	count := slices.Grow(sc.count[:0], int(span)+2)[:int(span)+2]
	clear(count)
	sc.count = count
	for _, s := range segs {
		if s.minx != math.Trunc(s.minx) { // not integer after all
			slices.SortFunc(segs, func(a, b seg) int { return cmp.Compare(a.minx, b.minx) })
			return segs
		}
		count[int(s.minx-lo)+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	out := slices.Grow(sc.sorted[:0], len(segs))[:len(segs)]
	sc.sorted = out
	for _, s := range segs {
		k := int(s.minx - lo)
		out[count[k]] = s
		count[k]++
	}
	return out
}
