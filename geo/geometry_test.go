package geo_test

import (
	"math"
	"testing"

	orbgeo "github.com/paulmach/orb"

	"beibeimap/geo"
)

// TestToolkitAllGeometries runs every function of the geometry toolkit over
// every value orb.AllGeometries lists (empty and nil values of each type):
// none panics, and an empty geometry contains, covers and intersects
// nothing and is infinitely far away.
func TestToolkitAllGeometries(t *testing.T) {
	pt := orbgeo.Point{0, 0}
	for _, g := range orbgeo.AllGeometries {
		name := "nil"
		if g != nil {
			name = g.GeoJSONType()
		}
		t.Run(name, func(t *testing.T) {
			n := 0
			geo.EachPoint(g, func(orbgeo.Point) { n++ })
			if n > 0 {
				// The zero Point, the zero Bound (a degenerate rectangle)
				// and a collection holding a zero Point: every point is
				// the origin.
				if geo.IsEmpty(g) || !geo.Covers(g, pt) || !geo.Intersects(g, pt) || geo.Distance(g, pt) != 0 {
					t.Errorf("%d points at the origin: IsEmpty %v, covers %v, distance %v", n, geo.IsEmpty(g), geo.Covers(g, pt), geo.Distance(g, pt))
				}
				return
			}
			if !geo.IsEmpty(g) {
				t.Errorf("IsEmpty = false for a geometry without points")
			}
			if geo.Contains(g, pt) || geo.Covers(g, pt) || geo.Intersects(g, pt) || geo.Intersects(g, orbgeo.Bound{Max: orbgeo.Point{1, 1}}) {
				t.Errorf("an empty geometry contains, covers or intersects a point")
			}
			if d := geo.Distance(g, pt); !math.IsInf(d, 1) {
				t.Errorf("Distance = %v, want +Inf", d)
			}
			if _, ok := geo.InteriorPoint(g); ok {
				t.Errorf("InteriorPoint of an empty geometry is ok")
			}
		})
	}
}

// TestPredicates checks the three meanings of "in" on one square with a
// hole, as a Polygon, a MultiPolygon, a Collection and its rings reversed:
// Contains (half-open boundary rule), Covers (closed) and Distance.
func TestPredicates(t *testing.T) {
	outer := orbgeo.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	hole := orbgeo.Ring{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}
	rev := func(r orbgeo.Ring) orbgeo.Ring { c := r.Clone(); c.Reverse(); return c }
	shapes := map[string]orbgeo.Geometry{
		"polygon":      orbgeo.Polygon{outer, hole},
		"multipolygon": orbgeo.MultiPolygon{{outer, hole}},
		"collection":   orbgeo.Collection{orbgeo.LineString{{10, 10}, {11, 11}}, orbgeo.Polygon{outer, hole}},
		"reversed":     orbgeo.Polygon{rev(outer), rev(hole)},
	}
	tests := []struct {
		name             string
		pt               orbgeo.Point
		contains, covers bool
	}{
		{"interior", orbgeo.Point{0.5, 0.5}, true, true},
		{"in the hole", orbgeo.Point{2, 2}, false, false},
		{"outside", orbgeo.Point{5, 2}, false, false},
		{"west edge", orbgeo.Point{0, 2}, true, true},
		{"east edge", orbgeo.Point{4, 2}, false, true},
		{"south edge", orbgeo.Point{2, 0}, true, true},
		{"north edge", orbgeo.Point{2, 4}, false, true},
		{"hole's west edge (polygon to the west)", orbgeo.Point{1, 2}, false, true},
		{"hole's east edge (polygon to the east)", orbgeo.Point{3, 2}, true, true},
	}
	for sname, g := range shapes {
		for _, tc := range tests {
			t.Run(sname+"/"+tc.name, func(t *testing.T) {
				if got := geo.Contains(g, tc.pt); got != tc.contains {
					t.Errorf("Contains = %v, want %v", got, tc.contains)
				}
				if got := geo.Covers(g, tc.pt); got != tc.covers {
					t.Errorf("Covers = %v, want %v", got, tc.covers)
				}
				if got := geo.Intersects(g, tc.pt); got != tc.covers {
					t.Errorf("Intersects = %v, want %v (Covers)", got, tc.covers)
				}
				d := geo.Distance(g, tc.pt)
				if tc.contains != (d == 0) && tc.covers == tc.contains {
					t.Errorf("Distance = %v, contains %v", d, tc.contains)
				}
			})
		}
	}
	// Distance is in metres: one degree of latitude is about 111.2 km.
	if d := geo.Distance(orbgeo.Point{106, 30}, orbgeo.Point{106, 29}); math.Abs(d-111195) > 10 {
		t.Errorf("one degree of latitude = %.0f m, want 111195", d)
	}
	if d := geo.Distance(orbgeo.LineString{{106, 29}, {107, 29}}, orbgeo.Point{106.5, 29.01}); math.Abs(d-1112) > 2 {
		t.Errorf("0.01° north of a line = %.0f m, want 1112", d)
	}
}

// TestIntersectsSymmetric checks the property that intersection does not
// depend on argument order or ring orientation, on a grid of probes.
func TestIntersectsSymmetric(t *testing.T) {
	shapes := []orbgeo.Geometry{
		orbgeo.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}},
		orbgeo.LineString{{-1, 2}, {5, 2}},
		orbgeo.Point{2, 2},
		orbgeo.Bound{Min: orbgeo.Point{3.5, 3.5}, Max: orbgeo.Point{6, 6}},
	}
	for i, a := range shapes {
		for j, b := range shapes {
			if geo.Intersects(a, b) != geo.Intersects(b, a) {
				t.Errorf("shapes %d and %d: Intersects is not symmetric", i, j)
			}
		}
	}
	if geo.Intersects(shapes[0], shapes[2]) {
		t.Errorf("a point in the hole intersects the polygon")
	}
	rev := orbgeo.Polygon{{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}}
	for x := -0.5; x <= 4.5; x += 0.5 {
		for y := -0.5; y <= 4.5; y += 0.5 {
			p := orbgeo.Point{x, y}
			want := x >= 0 && x <= 4 && y >= 0 && y <= 4
			if geo.Intersects(rev, p) != want {
				t.Errorf("point %v: got %v, want %v", p, !want, want)
			}
		}
	}
}
