package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"beibeimap/geo"
)

// square returns the closed counter-clockwise ring of the axis-aligned
// square [x0,x1]×[y0,y1].
func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func TestPreparedContains(t *testing.T) {
	outer := square(0, 0, 10, 10)
	hole := square(4, 4, 6, 6)
	withHole := orb.Polygon{outer, hole}
	tri := orb.Polygon{{{0, 0}, {10, 0}, {5, 8}, {0, 0}}}
	open := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}}} // not explicitly closed

	tests := []struct {
		name string
		poly orb.Polygon
		pt   orb.Point
		want bool
	}{
		{"interior", withHole, orb.Point{2, 2}, true},
		{"in hole", withHole, orb.Point{5, 5}, false},
		{"outside bbox", withHole, orb.Point{11, 5}, false},
		{"west edge is inside", withHole, orb.Point{0, 5}, true},
		{"east edge is outside", withHole, orb.Point{10, 5}, false},
		{"south edge is inside", withHole, orb.Point{5, 0}, true},
		{"north edge is outside", withHole, orb.Point{5, 10}, false},
		{"hole's west edge (polygon lies west) is outside", withHole, orb.Point{4, 5}, false},
		{"hole's east edge (polygon lies east) is inside", withHole, orb.Point{6, 5}, true},
		{"south-west corner", withHole, orb.Point{0, 0}, true},
		{"north-east corner", withHole, orb.Point{10, 10}, false},
		{"triangle interior", tri, orb.Point{5, 4}, true},
		{"triangle outside near apex", tri, orb.Point{8, 6}, false},
		{"triangle apex", tri, orb.Point{5, 8}, false},
		{"unclosed ring", open, orb.Point{5, 5}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := geo.Prepare(tc.poly).Contains(tc.pt); got != tc.want {
				t.Errorf("Prepared.Contains(%v) = %v, want %v", tc.pt, got, tc.want)
			}
			if got := geo.Contains(tc.poly, tc.pt); got != tc.want {
				t.Errorf("Contains(%v) = %v, want %v", tc.pt, got, tc.want)
			}
		})
	}
}

// TestSharedBorderExactlyOne checks the promise of the boundary rule: on a
// border shared by two polygons (same vertices), every point is in exactly
// one of them, whatever the orientation of either ring.
func TestSharedBorderExactlyOne(t *testing.T) {
	// A zig-zag border from (5,0) to (5,10) shared by a west and an east polygon.
	border := []orb.Point{{5, 0}, {6, 2}, {4, 4}, {5.5, 6}, {4.5, 8}, {5, 10}}
	west := orb.Ring{{0, 0}}
	west = append(west, border...)
	west = append(west, orb.Point{0, 10}, orb.Point{0, 0})
	east := orb.Ring{{10, 0}, {10, 10}}
	for i := len(border) - 1; i >= 0; i-- {
		east = append(east, border[i])
	}
	east = append(east, orb.Point{10, 0})

	for _, flipW := range []bool{false, true} {
		for _, flipE := range []bool{false, true} {
			w, e := west, east
			if flipW {
				w = reversed(w)
			}
			if flipE {
				e = reversed(e)
			}
			pw, pe := geo.Prepare(orb.Polygon{w}), geo.Prepare(orb.Polygon{e})
			for i := 1; i < len(border); i++ {
				a, b := border[i-1], border[i]
				for _, f := range []float64{0, 0.25, 0.5, 0.75} {
					pt := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
					if pt[1] == 0 || pt[1] == 10 {
						continue // on the outer south/north edge, outside both by design at y=10
					}
					inW, inE := pw.Contains(pt), pe.Contains(pt)
					if inW == inE {
						t.Errorf("flipW=%v flipE=%v: point %v on the shared border: west=%v east=%v, want exactly one", flipW, flipE, pt, inW, inE)
					}
				}
			}
		}
	}
}

// TestPreparedMatchesOrb compares the prepared test with orb's planar
// RingContains on random points away from any boundary, for a polygon with
// many vertices and a hole, in both orientations.
func TestPreparedMatchesOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// A star-shaped ring of 400 vertices around (0,0).
	var outer orb.Ring
	for i := 0; i < 400; i++ {
		a := float64(i) / 400 * 2 * 3.141592653589793
		r := 5 + 3*rng.Float64()
		outer = append(outer, orb.Point{r * math.Cos(a), r * math.Sin(a)})
	}
	outer = append(outer, outer[0])
	hole := square(-1, -1, 1, 1)
	for _, poly := range []orb.Polygon{{outer, hole}, {reversed(outer), reversed(hole)}} {
		pp := geo.Prepare(poly)
		for i := 0; i < 20000; i++ {
			pt := orb.Point{rng.Float64()*20 - 10, rng.Float64()*20 - 10}
			want := planar.PolygonContains(poly, pt)
			if got := pp.Contains(pt); got != want {
				t.Fatalf("Contains(%v) = %v, orb says %v", pt, got, want)
			}
		}
	}
}

// FuzzPreparedContains checks that the banded index never disagrees with
// the unprepared reference, for any point and any small polygon.
func FuzzPreparedContains(f *testing.F) {
	f.Add(0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.5, 0.5)
	f.Add(0.0, 0.0, 10.0, 0.0, 5.0, 8.0, 5.0, 8.0)
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1, x2, y2, px, py float64) {
		poly := orb.Polygon{{{x0, y0}, {x1, y1}, {x2, y2}, {x0, y0}}}
		pt := orb.Point{px, py}
		if got, want := geo.Prepare(poly).Contains(pt), geo.Contains(poly, pt); got != want {
			t.Errorf("prepared %v, brute %v for %v in %v", got, want, pt, poly)
		}
	})
}
