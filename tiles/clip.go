package tiles

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// This file clips polygons to the buffered tile box so that the result is a
// valid polygon again. orb/clip (Sutherland–Hodgman) keeps one ring per
// input ring, so a shape that leaves the box and comes back becomes one ring
// joined by zero-width bridges along the box edge: a self-intersection by
// GEOS's rules. Here each ring is cut into the chains that lie inside the
// box, and the chains are joined along the box boundary, as in
// Weiler–Atherton clipping against a rectangle.
//
// Rings are open (no repeated closing point) and oriented with the interior
// of the polygon on their left: positive area by the MVT formula for outer
// rings, negative for holes.

// signedArea is the MVT 2.1 (§4.3.4.4) area of an open ring: positive for
// an outer ring in tile coordinates (clockwise on screen, y down).
func signedArea(r []orb.Point) float64 {
	var s float64
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		s += r[j][0]*r[i][1] - r[i][0]*r[j][1]
	}
	return s / 2
}

// ringContains reports whether p lies inside the open ring r (even–odd
// rule; points on the boundary may go either way).
func ringContains(r []orb.Point, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// box sides, numbered in the positive direction of travel round the box
// (interior on the left): bottom (y = min) with x rising, right, top, left.
const (
	sideBottom = iota
	sideRight
	sideTop
	sideLeft
)

// chain is the part of a ring between the point where it enters the box
// and the point where it leaves it.
type chain struct {
	pts       []orb.Point
	sIn, sOut float64 // perimeter positions of the entry and exit points
	used      bool
}

// clipper clips rings to one box.
type clipper struct {
	box  orb.Bound
	w, h float64
}

// perimeter returns the position of a boundary point on side s, measured
// from the box's minimum corner in the positive direction.
func (c *clipper) perimeter(p orb.Point, side int) float64 {
	switch side {
	case sideBottom:
		return p[0] - c.box.Min[0]
	case sideRight:
		return c.w + p[1] - c.box.Min[1]
	case sideTop:
		return c.w + c.h + c.box.Max[0] - p[0]
	default:
		return 2*c.w + c.h + c.box.Max[1] - p[1]
	}
}

// corner returns corner k (0 = minimum corner, then in the positive
// direction) and its perimeter position.
func (c *clipper) corner(k int) (orb.Point, float64) {
	switch k {
	case 0:
		return c.box.Min, 0
	case 1:
		return orb.Point{c.box.Max[0], c.box.Min[1]}, c.w
	case 2:
		return c.box.Max, c.w + c.h
	default:
		return orb.Point{c.box.Min[0], c.box.Max[1]}, 2*c.w + c.h
	}
}

// snap puts a point computed on side s exactly on that side.
func (c *clipper) snap(p orb.Point, side int) orb.Point {
	switch side {
	case sideBottom:
		p[1] = c.box.Min[1]
	case sideRight:
		p[0] = c.box.Max[0]
	case sideTop:
		p[1] = c.box.Max[1]
	default:
		p[0] = c.box.Min[0]
	}
	p[0] = math.Min(math.Max(p[0], c.box.Min[0]), c.box.Max[0])
	p[1] = math.Min(math.Max(p[1], c.box.Min[1]), c.box.Max[1])
	return p
}

// segment clips p→q to the box (Liang–Barsky): the parameters of the part
// inside and the sides where it enters (t0 > 0) and leaves (t1 < 1).
func (c *clipper) segment(p, q orb.Point) (t0, t1 float64, in, out int, ok bool) {
	dx, dy := q[0]-p[0], q[1]-p[1]
	t0, t1, in, out = 0, 1, -1, -1
	for _, e := range [4]struct {
		side int
		pk   float64
		qk   float64
	}{
		{sideLeft, -dx, p[0] - c.box.Min[0]},
		{sideRight, dx, c.box.Max[0] - p[0]},
		{sideBottom, -dy, p[1] - c.box.Min[1]},
		{sideTop, dy, c.box.Max[1] - p[1]},
	} {
		switch {
		case e.pk == 0:
			if e.qk < 0 {
				return 0, 0, -1, -1, false
			}
		case e.pk < 0:
			if r := e.qk / e.pk; r > t0 {
				t0, in = r, e.side
			}
		default:
			if r := e.qk / e.pk; r < t1 {
				t1, out = r, e.side
			}
		}
	}
	return t0, t1, in, out, t0 <= t1
}

func (c *clipper) inside(p orb.Point) bool {
	return p[0] >= c.box.Min[0] && p[0] <= c.box.Max[0] && p[1] >= c.box.Min[1] && p[1] <= c.box.Max[1]
}

func lerp(p, q orb.Point, t float64) orb.Point {
	return orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
}

// chains cuts a ring that is not wholly inside the box into its chains
// inside the box; none when the ring does not cross the box.
func (c *clipper) chains(r []orb.Point) []*chain {
	start := -1
	for i, p := range r {
		if !c.inside(p) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	var out []*chain
	var cur *chain
	n := len(r)
	for k := 0; k < n; k++ {
		p, q := r[(start+k)%n], r[(start+k+1)%n]
		// Fast paths for the common edges: wholly inside (in a chain), or
		// wholly beyond one side.
		if cur != nil && c.inside(q) {
			cur.pts = appendDistinct(cur.pts, q)
			continue
		}
		if cur == nil && (p[0] < c.box.Min[0] && q[0] < c.box.Min[0] || p[0] > c.box.Max[0] && q[0] > c.box.Max[0] ||
			p[1] < c.box.Min[1] && q[1] < c.box.Min[1] || p[1] > c.box.Max[1] && q[1] > c.box.Max[1]) {
			continue
		}
		t0, t1, in, ex, ok := c.segment(p, q)
		if !ok {
			continue
		}
		if cur == nil {
			if t0 <= 0 || in < 0 {
				continue // only possible for a point exactly on the boundary, already handled
			}
			a := c.snap(lerp(p, q, t0), in)
			cur = &chain{pts: []orb.Point{a}, sIn: c.perimeter(a, in)}
		}
		if t1 < 1 && ex >= 0 {
			b := c.snap(lerp(p, q, t1), ex)
			cur.pts = appendDistinct(cur.pts, b)
			cur.sOut = c.perimeter(b, ex)
			if len(cur.pts) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur.pts = appendDistinct(cur.pts, q)
	}
	return out
}

func appendDistinct(ps []orb.Point, p orb.Point) []orb.Point {
	if len(ps) > 0 && ps[len(ps)-1] == p {
		return ps
	}
	return append(ps, p)
}

// clipRings clips the oriented rings of one (multi)polygon to box and
// returns the rings of the result, each outer ring followed by its holes
// (outer rings positive, holes negative, all open).
func clipRings(rings [][]orb.Point, box orb.Bound) [][][]orb.Point {
	c := &clipper{box: box, w: box.Max[0] - box.Min[0], h: box.Max[1] - box.Min[1]}
	var kept [][]orb.Point
	var chains []*chain
	var around [][]orb.Point // rings that meet the box's bound but not the box: they may surround it
	for _, r := range rings {
		b := bound(r)
		switch {
		case b.Min[0] >= box.Min[0] && b.Max[0] <= box.Max[0] && b.Min[1] >= box.Min[1] && b.Max[1] <= box.Max[1]:
			kept = append(kept, r)
		case !b.Intersects(box):
		default:
			ch := c.chains(r)
			if len(ch) == 0 {
				around = append(around, r)
			}
			chains = append(chains, ch...)
		}
	}
	if len(chains) == 0 {
		// No ring crosses the box: it is inside the polygon when an odd
		// number of rings surround it.
		centre := box.Center()
		n := 0
		for _, r := range around {
			if ringContains(r, centre) {
				n++
			}
		}
		if n%2 == 1 {
			kept = append(kept, []orb.Point{box.Min, {box.Max[0], box.Min[1]}, box.Max, {box.Min[0], box.Max[1]}})
		}
	} else {
		kept = append(kept, c.join(chains)...)
	}
	return assignHoles(kept)
}

// join links the chains into closed rings: from each exit point it follows
// the box boundary forwards, through its corners, to the next entry point.
func (c *clipper) join(chains []*chain) [][]orb.Point {
	perim := 2 * (c.w + c.h)
	order := make([]*chain, len(chains))
	copy(order, chains)
	sort.Slice(order, func(i, j int) bool { return order[i].sIn < order[j].sIn })
	var out [][]orb.Point
	for _, first := range order {
		if first.used {
			continue
		}
		var ring []orb.Point
		cur := first
		for guard := 0; guard <= len(order); guard++ {
			cur.used = true
			for _, p := range cur.pts {
				ring = appendDistinct(ring, p)
			}
			// The next entry forwards from the exit, the start chain
			// included (it closes the ring).
			var nx *chain
			best := math.Inf(1)
			for _, ch := range order {
				if ch.used && ch != first {
					continue
				}
				d := ch.sIn - cur.sOut
				if d < 0 {
					d += perim
				}
				if d < best {
					best, nx = d, ch
				}
			}
			if nx == nil {
				break
			}
			ring = c.appendCorners(ring, cur.sOut, best)
			if nx == first {
				break
			}
			cur = nx
		}
		if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
			ring = ring[:len(ring)-1]
		}
		if len(ring) >= 3 {
			out = append(out, ring)
		}
	}
	return out
}

// appendCorners appends the box corners met going forwards a distance d
// along the boundary from perimeter position s.
func (c *clipper) appendCorners(ring []orb.Point, s, d float64) []orb.Point {
	perim := 2 * (c.w + c.h)
	type pc struct {
		p orb.Point
		d float64
	}
	var cs [4]pc
	for k := 0; k < 4; k++ {
		p, cs0 := c.corner(k)
		dd := cs0 - s
		if dd <= 0 {
			dd += perim
		}
		cs[k] = pc{p, dd}
	}
	sort.Slice(cs[:], func(i, j int) bool { return cs[i].d < cs[j].d })
	for _, x := range cs {
		if x.d < d {
			ring = appendDistinct(ring, x.p)
		}
	}
	return ring
}

// assignHoles groups open rings into polygons: each outer ring (positive
// area) with the holes (negative area) whose first point lies in it,
// choosing the smallest such outer ring. Holes in no outer ring are dropped.
func assignHoles(rings [][]orb.Point) [][][]orb.Point {
	var shells [][][]orb.Point
	var areas []float64
	var holes [][]orb.Point
	for _, r := range rings {
		if a := signedArea(r); a > 0 {
			shells = append(shells, [][]orb.Point{r})
			areas = append(areas, a)
		} else if a < 0 {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		best := -1
		for i, s := range shells {
			if (best < 0 || areas[i] < areas[best]) && ringContains(s[0], h[0]) {
				best = i
			}
		}
		if best >= 0 {
			shells[best] = append(shells[best], h)
		}
	}
	return shells
}

// bound is the bounding box of a non-empty list of points (orb's
// MultiPoint.Bound, without its per-point checks: this is a hot loop).
func bound(ps []orb.Point) orb.Bound {
	b := orb.Bound{Min: ps[0], Max: ps[0]}
	for _, p := range ps[1:] {
		if p[0] < b.Min[0] {
			b.Min[0] = p[0]
		} else if p[0] > b.Max[0] {
			b.Max[0] = p[0]
		}
		if p[1] < b.Min[1] {
			b.Min[1] = p[1]
		} else if p[1] > b.Max[1] {
			b.Max[1] = p[1]
		}
	}
	return b
}
