//go:build geos

package build

import (
	"math"

	"github.com/paulmach/orb"
)

// refLat is the latitude (degrees) of the local plane in which distances
// between seats are compared: x = lon·cos(refLat), y = lat. Across Beibei
// and Yubei (29.5°–30.2° N) its scale error is under 0.4 %, far below the
// accuracy of a Voronoi partition.
const refLat = 29.85

// kx is cos(refLat), the length of a degree of longitude in degrees of
// latitude on the local plane.
var kx = math.Cos(refLat * math.Pi / 180)

// planeDist2 is the squared distance of a and b in the local plane.
func planeDist2(a, b orb.Point) float64 {
	dx, dy := (a[0]-b[0])*kx, a[1]-b[1]
	return dx*dx + dy*dy
}

// voronoiCells returns the Voronoi cell of every seat within box, as
// lon/lat polygons, computed in the local plane of refLat (exact up to
// floating point). Seats must be distinct.
func voronoiCells(seats []orb.Point, box orb.Bound) []orb.Polygon {
	sites := make([]orb.Point, len(seats))
	for i, s := range seats {
		sites[i] = orb.Point{s[0] * kx, s[1]}
	}
	pbox := orb.Bound{Min: orb.Point{box.Min[0] * kx, box.Min[1]}, Max: orb.Point{box.Max[0] * kx, box.Max[1]}}
	cells := make([]orb.Polygon, len(seats))
	for i, c := range voronoi(sites, pbox) {
		ring := make(orb.Ring, 0, len(c.poly)+1)
		for _, p := range c.poly {
			ring = append(ring, orb.Point{p[0] / kx, p[1]})
		}
		if len(ring) > 0 {
			ring = append(ring, ring[0])
		}
		cells[i] = orb.Polygon{ring}
	}
	return cells
}

// vcell is the Voronoi cell of one site: a convex polygon as an open ring,
// and for each edge poly[k]→poly[k+1] the index of the site whose bisector
// made it (from[k]), or -1 for an edge of the bounding box.
type vcell struct {
	poly []orb.Point
	from []int
}

// voronoi returns the Voronoi cell of every site within box, in the plane
// of the coordinates given. Each cell is the box clipped by the
// perpendicular-bisector half-plane of the other sites, nearest first
// through a uniform grid, stopping once no site left can cut it (every
// remaining site is farther than twice the cell's radius). Coincident
// sites get the same cell.
func voronoi(sites []orb.Point, box orb.Bound) []vcell {
	g := newSiteGrid(sites, box)
	cells := make([]vcell, len(sites))
	for i, si := range sites {
		c := vcell{
			poly: []orb.Point{box.Min, {box.Max[0], box.Min[1]}, box.Max, {box.Min[0], box.Max[1]}},
			from: []int{-1, -1, -1, -1},
		}
		cx, cy := g.cellOf(si)
		for r := 0; ; r++ {
			visited := g.ring(cx, cy, r, func(j int) {
				if j == i {
					return
				}
				sj := sites[j]
				// keep p with 2(sj-si)·p <= |sj|²-|si|²
				a, b := 2*(sj[0]-si[0]), 2*(sj[1]-si[1])
				if a == 0 && b == 0 {
					return
				}
				k := sj[0]*sj[0] + sj[1]*sj[1] - si[0]*si[0] - si[1]*si[1]
				c = c.clip(a, b, k, j)
			})
			if !visited || float64(r)*g.size >= 2*c.radius(si) {
				break
			}
		}
		cells[i] = c
	}
	return cells
}

// radius is the largest distance from p to a vertex of the cell.
func (c vcell) radius(p orb.Point) float64 {
	r := 0.0
	for _, q := range c.poly {
		r = max(r, math.Hypot(q[0]-p[0], q[1]-p[1]))
	}
	return r
}

// clip clips the cell to a·x + b·y <= k (Sutherland–Hodgman against one
// line), labelling the new edge along the line with site j.
func (c vcell) clip(a, b, k float64, j int) vcell {
	cuts := false
	for _, p := range c.poly {
		if a*p[0]+b*p[1]-k > 0 {
			cuts = true
			break
		}
	}
	if !cuts {
		return c // the common case: a far site
	}
	var out vcell
	n := len(c.poly)
	out.poly = make([]orb.Point, 0, n+1)
	out.from = make([]int, 0, n+1)
	for e := 0; e < n; e++ {
		p, q, lab := c.poly[e], c.poly[(e+1)%n], c.from[e]
		fp := a*p[0] + b*p[1] - k
		fq := a*q[0] + b*q[1] - k
		switch {
		case fp < 0 && fq > 0:
			out.add(p, lab)
			t := fp / (fp - fq)
			out.add(orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}, j)
		case fp <= 0 && fq > 0: // p on the line, q outside: leave along the line
			out.add(p, j)
		case fp <= 0:
			out.add(p, lab)
		case fq < 0: // p outside, q inside: enter along this edge
			t := fp / (fp - fq)
			out.add(orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}, lab)
		}
	}
	return out
}

func (c *vcell) add(p orb.Point, from int) {
	c.poly = append(c.poly, p)
	c.from = append(c.from, from)
}

// siteGrid buckets sites in square cells for the nearest-first search of
// voronoi.
type siteGrid struct {
	min    orb.Point
	size   float64
	nx, ny int
	cells  [][]int
}

func newSiteGrid(sites []orb.Point, box orb.Bound) *siteGrid {
	w, h := box.Max[0]-box.Min[0], box.Max[1]-box.Min[1]
	// about two sites per cell
	size := math.Sqrt(w * h * 2 / float64(max(len(sites), 1)))
	if !(size > 0) {
		size = max(w, h, 1e-9)
	}
	g := &siteGrid{min: box.Min, size: size, nx: int(w/size) + 1, ny: int(h/size) + 1}
	g.cells = make([][]int, g.nx*g.ny)
	for i, s := range sites {
		x, y := g.cellOf(s)
		g.cells[y*g.nx+x] = append(g.cells[y*g.nx+x], i)
	}
	return g
}

func (g *siteGrid) cellOf(p orb.Point) (int, int) {
	x := int((p[0] - g.min[0]) / g.size)
	y := int((p[1] - g.min[1]) / g.size)
	return min(max(x, 0), g.nx-1), min(max(y, 0), g.ny-1)
}

// ring calls fn for the sites in the cells at Chebyshev distance r from
// (cx, cy), and reports whether any such cell is inside the grid.
func (g *siteGrid) ring(cx, cy, r int, fn func(int)) bool {
	any := false
	visit := func(x, y int) {
		if x < 0 || y < 0 || x >= g.nx || y >= g.ny {
			return
		}
		any = true
		for _, j := range g.cells[y*g.nx+x] {
			fn(j)
		}
	}
	if r == 0 {
		visit(cx, cy)
		return any
	}
	for x := cx - r; x <= cx+r; x++ {
		visit(x, cy-r)
		visit(x, cy+r)
	}
	for y := cy - r + 1; y <= cy+r-1; y++ {
		visit(cx-r, y)
		visit(cx+r, y)
	}
	return any
}
