package tiles

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

var testBox = orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}

func sq(x0, y0, x1, y1 float64) []orb.Point {
	return []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} // positive (outer) in tile coordinates
}

func reversed(r []orb.Point) []orb.Point {
	out := make([]orb.Point, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

func totalArea(polys [][][]orb.Point) float64 {
	var a float64
	for _, p := range polys {
		for _, r := range p {
			a += signedArea(r)
		}
	}
	return a
}

func TestClipRings(t *testing.T) {
	tests := []struct {
		name         string
		rings        [][]orb.Point
		polys, holes int
		area         float64
	}{
		{"inside", [][]orb.Point{sq(2, 2, 4, 4)}, 1, 0, 4},
		{"disjoint", [][]orb.Point{sq(20, 20, 30, 30)}, 0, 0, 0},
		{"covers the box", [][]orb.Point{sq(-5, -5, 15, 15)}, 1, 0, 100},
		{"covers the box, hole inside", [][]orb.Point{sq(-5, -5, 15, 15), reversed(sq(4, 4, 6, 6))}, 1, 1, 96},
		{"covers the box, hole across an edge", [][]orb.Point{sq(-5, -5, 15, 15), reversed(sq(4, -2, 6, 6))}, 1, 0, 88},
		{"covers the box, hole around it", [][]orb.Point{sq(-10, -10, 20, 20), reversed(sq(-5, -5, 15, 15))}, 0, 0, 0},
		{"across one edge", [][]orb.Point{sq(5, 2, 15, 4)}, 1, 0, 10},
		// A U whose arms leave the box through one side stays one polygon;
		// upside down, its base outside, it is two, where Sutherland–Hodgman
		// makes one ring with a bridge along the edge.
		{"U out through one side", [][]orb.Point{{{2, 5}, {8, 5}, {8, 15}, {6, 15}, {6, 7}, {4, 7}, {4, 15}, {2, 15}}}, 1, 0, 6*2 + 2*2*3},
		{"U, bottom outside", [][]orb.Point{{{2, 12}, {8, 12}, {8, 5}, {6, 5}, {6, 11}, {4, 11}, {4, 5}, {2, 5}}}, 2, 0, 2 * 2 * 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rings := make([][]orb.Point, len(tc.rings))
			for i, r := range tc.rings {
				if i == 0 && signedArea(r) < 0 {
					r = reversed(r)
				}
				rings[i] = r
			}
			got := clipRings(rings, testBox)
			holes := 0
			for _, p := range got {
				holes += len(p) - 1
			}
			if len(got) != tc.polys || holes != tc.holes || math.Abs(totalArea(got)-tc.area) > 1e-9 {
				t.Errorf("got %d polygons, %d holes, area %v; want %d, %d, %v: %v", len(got), holes, totalArea(got), tc.polys, tc.holes, tc.area, got)
			}
			if !valid(got) {
				t.Errorf("result not valid: %v (conflicts %v)", got, new(scratch).conflicts(got))
			}
		})
	}
}

// TestClipRingsAgainstOrb clips random star-shaped polygons and compares
// the area with orb's Sutherland–Hodgman clip, whose bridges have no area:
// the two must agree, and only ours must be valid.
func TestClipRingsAgainstOrb(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	bridged := 0 // orb results with a bridge: the cases this test is for
	for i := 0; i < 500; i++ {
		c := orb.Point{r.Float64()*20 - 5, r.Float64()*20 - 5}
		n := 5 + r.IntN(40)
		ring := make([]orb.Point, n)
		for k := range ring {
			a := 2 * math.Pi * float64(k) / float64(n)
			d := 1 + r.Float64()*12
			ring[k] = orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)}
		}
		if signedArea(ring) < 0 {
			ring = reversed(ring)
		}
		got := clipRings([][]orb.Point{ring}, testBox)
		closed := append(orb.Ring(append([]orb.Point(nil), ring...)), ring[0])
		want := 0.0
		if g := clip.Polygon(testBox, orb.Polygon{closed}); g != nil {
			want = math.Abs(planar.Area(g))
			if open := g[0][:len(g[0])-1]; len(open) >= 3 && !valid([][][]orb.Point{{open}}) {
				bridged++
			}
		}
		if math.Abs(totalArea(got)-want) > 1e-6*math.Max(1, want) {
			t.Fatalf("polygon %d: area %v, orb says %v\nring %v\ngot %v", i, totalArea(got), want, ring, got)
		}
		if !valid(got) {
			t.Fatalf("polygon %d: result not valid: %v", i, got)
		}
	}
	if bridged < 10 {
		t.Errorf("only %d of the random polygons made orb bridge an edge; the test needs more", bridged)
	}
	t.Logf("%d of 500 orb clips were invalid (bridges)", bridged)
}

func TestValid(t *testing.T) {
	tests := []struct {
		name  string
		polys [][][]orb.Point
		want  bool
	}{
		{"square", [][][]orb.Point{{sq(0, 0, 4, 4)}}, true},
		{"with hole", [][][]orb.Point{{sq(0, 0, 4, 4), reversed(sq(1, 1, 2, 2))}}, true},
		{"bow tie", [][][]orb.Point{{{{0, 0}, {4, 4}, {4, 0}, {0, 4}}}}, false},
		{"hole outside its shell", [][][]orb.Point{{sq(0, 0, 4, 4), reversed(sq(5, 5, 6, 6))}}, false},
		{"hole crossing its shell", [][][]orb.Point{{sq(0, 0, 4, 4), reversed(sq(3, 1, 5, 2))}}, false},
		{"hole touching its shell at a point", [][][]orb.Point{{sq(0, 0, 4, 4), {{0, 2}, {2, 3}, {2, 1}}}}, true},
		{"nested shells", [][][]orb.Point{{sq(0, 0, 4, 4)}, {sq(1, 1, 2, 2)}}, false},
		{"island in a hole", [][][]orb.Point{{sq(0, 0, 6, 6), reversed(sq(1, 1, 5, 5))}, {sq(2, 2, 3, 3)}}, true},
		{"parts sharing an edge", [][][]orb.Point{{sq(0, 0, 2, 2)}, {sq(2, 0, 4, 2)}}, false},
		{"parts touching at a corner", [][][]orb.Point{{sq(0, 0, 2, 2)}, {sq(2, 2, 4, 4)}}, true},
		{"ring touching itself", [][][]orb.Point{{{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {0, 4}}}}, false},
		{"nested holes", [][][]orb.Point{{sq(0, 0, 6, 6), reversed(sq(1, 1, 5, 5)), reversed(sq(2, 2, 3, 3))}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := valid(tc.polys); got != tc.want {
				t.Errorf("valid = %v, want %v", got, tc.want)
			}
		})
	}
}
