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
// lon/lat polygons: the box clipped by the perpendicular-bisector
// half-plane of every other seat, computed in the local plane (O(n²),
// exact up to floating point). Seats must be distinct.
func voronoiCells(seats []orb.Point, box orb.Bound) []orb.Polygon {
	cells := make([]orb.Polygon, len(seats))
	for i, s := range seats {
		si := orb.Point{s[0] * kx, s[1]}
		poly := []orb.Point{
			{box.Min[0] * kx, box.Min[1]}, {box.Max[0] * kx, box.Min[1]},
			{box.Max[0] * kx, box.Max[1]}, {box.Min[0] * kx, box.Max[1]},
		}
		for j, t := range seats {
			if i == j {
				continue
			}
			sj := orb.Point{t[0] * kx, t[1]}
			// keep p with 2(sj-si)·p <= |sj|²-|si|²
			a, b := 2*(sj[0]-si[0]), 2*(sj[1]-si[1])
			c := sj[0]*sj[0] + sj[1]*sj[1] - si[0]*si[0] - si[1]*si[1]
			poly = clipHalfPlane(poly, a, b, c)
		}
		ring := make(orb.Ring, 0, len(poly)+1)
		for _, p := range poly {
			ring = append(ring, orb.Point{p[0] / kx, p[1]})
		}
		if len(ring) > 0 {
			ring = append(ring, ring[0])
		}
		cells[i] = orb.Polygon{ring}
	}
	return cells
}

// clipHalfPlane clips the convex polygon poly (open ring) to a·x + b·y <= c
// (Sutherland–Hodgman against one edge).
func clipHalfPlane(poly []orb.Point, a, b, c float64) []orb.Point {
	var out []orb.Point
	n := len(poly)
	for k := 0; k < n; k++ {
		p, q := poly[k], poly[(k+1)%n]
		fp := a*p[0] + b*p[1] - c
		fq := a*q[0] + b*q[1] - c
		if fp <= 0 {
			out = append(out, p)
		}
		if (fp < 0 && fq > 0) || (fp > 0 && fq < 0) {
			t := fp / (fp - fq)
			out = append(out, orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
		}
	}
	return out
}
