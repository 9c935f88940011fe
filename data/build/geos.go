//go:build geos

package build

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"

	"beibeimap/geo"
)

// gridSize is the precision of every coordinate the build writes: 1e-7
// degrees, about 1 cm. All geometry operations snap to this grid, so that
// what is written is exactly what was computed and neighbours share their
// vertices bit for bit.
const gridSize = 1e-7

// toGEOS converts an orb geometry to GEOS through WKB.
func toGEOS(ctx *geos.Context, g orb.Geometry) (*geos.Geom, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("build: encode wkb: %w", err)
	}
	gg, err := ctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, fmt.Errorf("build: geos: read wkb: %w", err)
	}
	return gg, nil
}

// fromGEOS converts a GEOS geometry back to orb through WKB.
func fromGEOS(g *geos.Geom) (orb.Geometry, error) {
	og, err := wkb.Unmarshal(g.ToWKB())
	if err != nil {
		return nil, fmt.Errorf("build: decode wkb: %w", err)
	}
	return og, nil
}

// polygonal returns the polygonal part of g (MakeValid and overlays may
// return collections with lines or points) as a MultiPolygon in canonical
// form: each ring starts at its smallest vertex, exterior rings run
// counter-clockwise and holes clockwise (RFC 7946), polygons are sorted by
// their first vertex, and coordinates are rounded to gridSize.
func polygonal(g orb.Geometry) orb.MultiPolygon {
	var out orb.MultiPolygon
	geo.Walk(g, func(p geo.Part) bool {
		if p.Kind == geo.PolygonPart && len(p.Polygon) > 0 {
			out = append(out, p.Polygon)
		}
		return true
	})
	for i, p := range out {
		np := make(orb.Polygon, len(p))
		for j, r := range p {
			np[j] = canonicalRing(r, j == 0)
		}
		// holes in a stable order too
		if len(np) > 2 {
			holes := np[1:]
			sort.Slice(holes, func(a, b int) bool { return pointLess(holes[a][0], holes[b][0]) })
		}
		out[i] = np
	}
	sort.Slice(out, func(a, b int) bool { return pointLess(out[a][0][0], out[b][0][0]) })
	return out
}

// canonicalRing rounds r, closes it, starts it at its smallest vertex and
// orients it counter-clockwise when outer is true, clockwise otherwise.
func canonicalRing(r orb.Ring, outer bool) orb.Ring {
	pts := make([]orb.Point, 0, len(r))
	for _, p := range r {
		q := roundPoint(p)
		if len(pts) > 0 && pts[len(pts)-1] == q {
			continue
		}
		pts = append(pts, q)
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) == 0 {
		return nil
	}
	m := 0
	for i, p := range pts {
		if pointLess(p, pts[m]) {
			m = i
		}
	}
	rot := append(append([]orb.Point{}, pts[m:]...), pts[:m]...)
	ring := orb.Ring(append(rot, rot[0]))
	ccw := ring.Orientation() == orb.CCW
	if ccw != outer {
		// reverse, keeping the start vertex first
		for i, j := 1, len(ring)-2; i < j; i, j = i+1, j-1 {
			ring[i], ring[j] = ring[j], ring[i]
		}
	}
	return ring
}

func pointLess(a, b orb.Point) bool {
	if a[0] != b[0] {
		return a[0] < b[0]
	}
	return a[1] < b[1]
}

// roundCoord rounds to gridSize; the result prints with at most 7 decimals.
func roundCoord(x float64) float64 { return math.Round(x*1e7) / 1e7 }

func roundPoint(p orb.Point) orb.Point {
	return orb.Point{roundCoord(p[0]), roundCoord(p[1])}
}

// guard turns a GEOS panic (go-geos panics on GEOS errors) into an error.
func guard(what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("build: geos: %s: %v", what, r)
		}
	}()
	return fn()
}
