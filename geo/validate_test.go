package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

var (
	square = orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	inner  = orb.Ring{{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}
)

func TestValidateGeometry(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    orb.Geometry
		want string // "" = valid, else a fragment of the reason
	}{
		{"square", orb.Polygon{square}, ""},
		{"square with a hole", orb.Polygon{square, inner}, ""},
		{"repeated consecutive positions", orb.Polygon{{{0, 0}, {4, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}, ""},
		{"hole touching its shell at one point", orb.Polygon{square, {{0, 2}, {1, 3}, {1, 1}, {0, 2}}}, ""},
		{"empty multipolygon (area unknown)", orb.MultiPolygon{}, ""},
		{"empty polygon", orb.Polygon{}, ""},
		{"point", orb.Point{106.4, 29.8}, ""},
		{"line", orb.LineString{{0, 0}, {1, 1}, {0, 1}, {1, 0}}, ""}, // lines may cross themselves
		{"multipolygon of two", orb.MultiPolygon{{square}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}, ""},

		{"3 positions, not closed (issue 12)", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}}}, "at least 4"},
		{"4 positions, not closed", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, "not closed"},
		{"empty ring", orb.Polygon{{}}, "at least 4"},
		{"1-position ring", orb.Polygon{{{1, 2}}}, "at least 4"},
		{"ring collapsed to a line", orb.Polygon{{{0, 0}, {1, 0}, {0, 0}, {1, 0}, {0, 0}}}, "collapses"},
		{"empty polygon inside a multipolygon", orb.MultiPolygon{{square}, {}}, "no rings"},
		{"empty ring inside a multipolygon", orb.MultiPolygon{{square}, {{}}}, "at least 4"},
		{"bow tie", orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}, "intersects itself"},
		{"ring touching itself", orb.Polygon{{{0, 0}, {4, 0}, {2, 2}, {4, 4}, {0, 4}, {2, 2}, {0, 0}}}, "intersects itself"},
		{"spike", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {4, 6}, {4, 4}, {0, 4}, {0, 0}}}, "intersects itself"},
		{"hole outside its shell", orb.Polygon{square, {{5, 5}, {6, 5}, {6, 6}, {5, 5}}}, "outside its shell"},
		{"hole crossing its shell", orb.Polygon{square, {{3, 1}, {5, 1}, {5, 2}, {3, 2}, {3, 1}}}, "crosses"},
		{"hole sharing an edge with its shell", orb.Polygon{square, {{0, 0}, {2, 0}, {2, 1}, {0, 0}}}, "crosses"},
		{"hole inside a hole", orb.Polygon{square, {{0.5, 0.5}, {3.5, 0.5}, {3.5, 3.5}, {0.5, 3.5}, {0.5, 0.5}}, inner}, "inside hole"},
		{"NaN", orb.Point{math.NaN(), 1}, "coordinate"},
		{"latitude 91", orb.LineString{{0, 0}, {0, 91}}, "coordinate"},
		{"1-position line", orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}}}, "at least 2"},
		{"empty line inside a multiline", orb.MultiLineString{{{0, 0}, {1, 1}}, {}}, "at least 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateGeometry(tc.g)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("ValidateGeometry = %v, want nil", err)
			case tc.want != "" && err == nil:
				t.Errorf("ValidateGeometry = nil, want an error saying %q", tc.want)
			case tc.want != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("ValidateGeometry = %v, want ErrInvalid saying %q", err, tc.want)
			}
		})
	}
}

// TestValidateOrientationAndStart: neither the winding of a ring nor the
// position it starts at changes the verdict.
func TestValidateOrientationAndStart(t *testing.T) {
	for _, p := range []orb.Polygon{
		{square, inner},
		{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}},
		{square, {{3, 1}, {5, 1}, {5, 2}, {3, 2}, {3, 1}}},
	} {
		want := ValidateGeometry(p) == nil
		for shift := 0; shift < len(p[0])-1; shift++ {
			for _, rev := range []bool{false, true} {
				q := orb.Polygon{rotate(p[0], shift, rev)}
				q = append(q, p[1:]...)
				if got := ValidateGeometry(q) == nil; got != want {
					t.Errorf("%v shifted %d reversed %v: valid %v, want %v", p, shift, rev, got, want)
				}
			}
		}
	}
}

func rotate(r orb.Ring, shift int, rev bool) orb.Ring {
	open := append(orb.Ring(nil), r[:len(r)-1]...)
	if rev {
		for i, j := 0, len(open)-1; i < j; i, j = i+1, j-1 {
			open[i], open[j] = open[j], open[i]
		}
	}
	out := append(append(orb.Ring(nil), open[shift:]...), open[:shift]...)
	return append(out, out[0])
}

// TestValidateAgainstBrute compares the R-tree search with testing every pair of
// segments, on random small polygons (most of them self-intersecting).
func TestValidateAgainstBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for i := 0; i < 3000; i++ {
		n := 3 + rng.IntN(5)
		r := make(orb.Ring, 0, n+1)
		for j := 0; j < n; j++ {
			r = append(r, orb.Point{float64(rng.IntN(5)), float64(rng.IntN(5))})
		}
		r = append(r, r[0])
		p := orb.Polygon{r}
		got := ValidateGeometry(p) == nil
		want := bruteSimple(r)
		if got != want {
			t.Fatalf("ring %v: ValidateGeometry says valid=%v, brute force %v (%v)", r, got, want, ValidateGeometry(p))
		}
		if got {
			valid++
		}
	}
	if valid == 0 {
		t.Fatal("no valid ring generated: the comparison proves nothing")
	}
}

// bruteSimple reports whether the closed ring r is simple with at least
// three distinct vertices, testing every pair of segments.
func bruteSimple(r orb.Ring) bool {
	pts := dedupeRing(r)
	m := len(pts) - 1 // segments
	if m < 3 {
		return false
	}
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			a, b, c, d := pts[i], pts[i+1], pts[j], pts[j+1]
			adjacent := j == i+1 || (i == 0 && j == m-1)
			if !adjacent {
				if bruteSegmentsMeet(a, b, c, d) {
					return false
				}
				continue
			}
			// Adjacent segments share one end; any more is a fold.
			shared, far1, far2 := pts[j], pts[i], pts[j+1]
			if j != i+1 {
				shared, far1, far2 = pts[0], pts[1], pts[m-1]
			}
			if orient(shared, far1, far2) == 0 && dot(far1[0]-shared[0], far1[1]-shared[1], far2[0]-shared[0], far2[1]-shared[1]) > 0 {
				return false
			}
		}
	}
	// A simple ring with all vertices on one line has no area.
	for i := 1; i < m; i++ {
		if orient(pts[0], pts[1], pts[i]) != 0 {
			return true
		}
	}
	return false
}

func dot(ax, ay, bx, by float64) float64 { return ax*bx + ay*by }

// bruteSegmentsMeet reports whether closed segments ab and cd share a point.
func bruteSegmentsMeet(a, b, c, d orb.Point) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	return (o1 == 0 && within(a, b, c)) || (o2 == 0 && within(a, b, d)) || (o3 == 0 && within(c, d, a)) || (o4 == 0 && within(c, d, b))
}

func within(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) && math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// BenchmarkValidateLargeRing validates a 100,000-vertex star-shaped ring
// against the brute-force pair test on a 2,000-vertex one (the brute force
// is quadratic: at 100k it would take minutes).
func BenchmarkValidateLargeRing(b *testing.B) {
	for _, bc := range []struct {
		name  string
		n     int
		brute bool
	}{{"rtree-2k", 2000, false}, {"brute-2k", 2000, true}, {"rtree-100k", 100000, false}} {
		r := starRing(bc.n)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.brute {
					if !bruteSimple(r) {
						b.Fatal("star ring judged invalid")
					}
				} else if err := ValidateGeometry(orb.Polygon{r}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// starRing is a simple ring of n vertices around (106.4, 29.8), about
// 0.1° in radius, wavy at two scales and jittered by up to a tenth of the
// spacing of its vertices (a seeded, boundary-like shape).
func starRing(n int) orb.Ring {
	rng := rand.New(rand.NewPCG(3, 4))
	r := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		rad := 0.1*(1+0.1*math.Sin(7*a)+0.03*math.Sin(53*a)) + 0.06/float64(n)*rng.Float64()
		r = append(r, orb.Point{106.4 + rad*math.Cos(a), 29.8 + rad*math.Sin(a)})
	}
	return append(r, r[0])
}

// TestNewSnapshotRejectsInvalidGeometry: the rules hold for every way data
// enters, because every one goes through NewSnapshot.
func TestNewSnapshotRejectsInvalidGeometry(t *testing.T) {
	for _, g := range []orb.Geometry{
		orb.Polygon{{{106, 29}, {107, 29}, {107, 30}}},
		orb.Polygon{{}},
		orb.MultiPolygon{{{{106, 29}}}},
		orb.Polygon{{{106, 29}, {107, 30}, {107, 29}, {106, 30}, {106, 29}}},
	} {
		c := &Collection{ID: "projects", Features: []*Feature{{ID: "p1", Collection: "projects", Geometry: g}}}
		if _, err := NewSnapshot([]*Collection{c}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"p1"`) {
			t.Errorf("NewSnapshot(%v) error = %v, want ErrInvalid naming feature p1", g, err)
		}
	}
}

// FuzzValidateRing compares ValidateGeometry with the brute-force pair test
// on rings whose positions the fuzzer picks on a small grid (where
// touching and collinear cases are common).
func FuzzValidateRing(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4})
	f.Add([]byte{0, 0, 2, 2, 2, 0, 0, 2})
	f.Add([]byte{0, 0, 4, 0, 2, 2, 4, 4, 0, 4, 2, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 6 || len(b) > 64 {
			return
		}
		r := orb.Ring{}
		for i := 0; i+1 < len(b); i += 2 {
			r = append(r, orb.Point{float64(b[i] % 8), float64(b[i+1] % 8)})
		}
		r = append(r, r[0])
		err := ValidateGeometry(orb.Polygon{r})
		if got, want := err == nil, bruteSimple(r); got != want {
			t.Fatalf("ring %v: ValidateGeometry %v, brute force says valid=%v", r, err, want)
		}
	})
}
