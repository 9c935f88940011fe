package cql2_test

import (
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

// TestIntersectsPoint checks which expressions IntersectsPoint recognises,
// and that where it does, Match agrees with geo.Covers of the point.
func TestIntersectsPoint(t *testing.T) {
	tests := []struct {
		expr string
		ok   bool
		pt   orb.Point
	}{
		{"S_INTERSECTS(geom, POINT(1 2))", true, orb.Point{1, 2}},
		{"S_INTERSECTS(POINT(10 5), geometry)", true, orb.Point{10, 5}},
		{"s_intersects(geom,point(0 0))", true, orb.Point{0, 0}},
		{"S_DISJOINT(geom, POINT(1 2))", false, orb.Point{}},
		{"NOT S_INTERSECTS(geom, POINT(1 2))", false, orb.Point{}},
		{"S_INTERSECTS(geom, POINT(1 2)) AND name = '北碚区'", false, orb.Point{}},
		{"S_INTERSECTS(geom, MULTIPOINT((1 2)))", false, orb.Point{}},
		{"S_INTERSECTS(geom, BBOX(0, 0, 1, 1))", false, orb.Point{}},
		{"S_INTERSECTS(POINT(1 2), POINT(1 2))", false, orb.Point{}},
		{"name = 'x'", false, orb.Point{}},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := cql2.ParseText(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			pt, ok := e.IntersectsPoint()
			if ok != tc.ok || pt != tc.pt {
				t.Fatalf("IntersectsPoint = %v, %v; want %v, %v", pt, ok, tc.pt, tc.ok)
			}
			if ok {
				if got, want := e.Match(square), geo.Covers(square.Geometry, pt); got != want {
					t.Errorf("Match = %v, Covers = %v", got, want)
				}
			}
		})
	}
}
