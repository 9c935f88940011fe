package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// TestToolkitAllGeometries runs every function of the geometry toolkit over
// every value orb.AllGeometries lists (empty and nil values of each type):
// none panics, and an empty geometry contains, covers and intersects
// nothing and is infinitely far away.
func TestToolkitAllGeometries(t *testing.T) {
	pt := orb.Point{0, 0}
	for _, g := range orb.AllGeometries {
		name := "nil"
		if g != nil {
			name = g.GeoJSONType()
		}
		t.Run(name, func(t *testing.T) {
			n := 0
			geo.EachPoint(g, func(orb.Point) { n++ })
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
			if geo.Contains(g, pt) || geo.Covers(g, pt) || geo.Intersects(g, pt) || geo.Intersects(g, orb.Bound{Max: orb.Point{1, 1}}) {
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
	outer := orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	hole := orb.Ring{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}
	rev := func(r orb.Ring) orb.Ring { c := r.Clone(); c.Reverse(); return c }
	shapes := map[string]orb.Geometry{
		"polygon":      orb.Polygon{outer, hole},
		"multipolygon": orb.MultiPolygon{{outer, hole}},
		"collection":   orb.Collection{orb.LineString{{10, 10}, {11, 11}}, orb.Polygon{outer, hole}},
		"reversed":     orb.Polygon{rev(outer), rev(hole)},
	}
	tests := []struct {
		name             string
		pt               orb.Point
		contains, covers bool
	}{
		{"interior", orb.Point{0.5, 0.5}, true, true},
		{"in the hole", orb.Point{2, 2}, false, false},
		{"outside", orb.Point{5, 2}, false, false},
		{"west edge", orb.Point{0, 2}, true, true},
		{"east edge", orb.Point{4, 2}, false, true},
		{"south edge", orb.Point{2, 0}, true, true},
		{"north edge", orb.Point{2, 4}, false, true},
		{"hole's west edge (polygon to the west)", orb.Point{1, 2}, false, true},
		{"hole's east edge (polygon to the east)", orb.Point{3, 2}, true, true},
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
	if d := geo.Distance(orb.Point{106, 30}, orb.Point{106, 29}); math.Abs(d-111195) > 10 {
		t.Errorf("one degree of latitude = %.0f m, want 111195", d)
	}
	if d := geo.Distance(orb.LineString{{106, 29}, {107, 29}}, orb.Point{106.5, 29.01}); math.Abs(d-1112) > 2 {
		t.Errorf("0.01° north of a line = %.0f m, want 1112", d)
	}
}

// TestIntersectsSymmetric checks the property that intersection does not
// depend on argument order or ring orientation, on a grid of probes.
func TestIntersectsSymmetric(t *testing.T) {
	shapes := []orb.Geometry{
		orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}},
		orb.LineString{{-1, 2}, {5, 2}},
		orb.Point{2, 2},
		orb.Bound{Min: orb.Point{3.5, 3.5}, Max: orb.Point{6, 6}},
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
	rev := orb.Polygon{{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}}
	for x := -0.5; x <= 4.5; x += 0.5 {
		for y := -0.5; y <= 4.5; y += 0.5 {
			p := orb.Point{x, y}
			want := x >= 0 && x <= 4 && y >= 0 && y <= 4
			if geo.Intersects(rev, p) != want {
				t.Errorf("point %v: got %v, want %v", p, !want, want)
			}
		}
	}
}
