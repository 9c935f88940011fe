package geo_test

import (
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// coversReference is Covers by definition, the slow way: inside under
// Contains, or on a ring or its closing segment as a line.
func coversReference(g orb.Geometry, pt orb.Point) bool {
	if geo.Contains(g, pt) {
		return true
	}
	on := false
	geo.Walk(g, func(p geo.Part) bool {
		switch p.Kind {
		case geo.PointPart, geo.LinePart:
			on = geo.Covers(p.Line, pt) || (p.Kind == geo.PointPart && p.Point == pt)
		case geo.PolygonPart:
			for _, r := range p.Polygon {
				if len(r) > 0 {
					on = on || geo.Covers(orb.LineString(r), pt) || geo.Covers(orb.LineString{r[len(r)-1], r[0]}, pt)
				}
			}
		}
		return !on
	})
	return on
}

// coversProbes returns points that exercise every branch of the covers
// test on the polygons of the default districts: random points, every
// vertex (on the boundary), points level with a vertex just east and west
// of it (the ray passes through a vertex) and edge midpoints.
func coversProbes(tb testing.TB) (geoms []orb.Geometry, pts []orb.Point) {
	tb.Helper()
	snap := loadDefault(tb)
	col, err := snap.Collection("districts")
	if err != nil {
		tb.Fatal(err)
	}
	pts = randomPoints(7, 500, beibeiBox)
	for _, f := range col.Features {
		geoms = append(geoms, f.Geometry)
		i := 0
		geo.EachPoint(f.Geometry, func(p orb.Point) {
			if i++; i%7 == 0 {
				pts = append(pts, p, orb.Point{p[0] + 1e-4, p[1]}, orb.Point{p[0] - 1e-4, p[1]})
			}
		})
		geo.Walk(f.Geometry, func(p geo.Part) bool {
			for _, r := range p.Polygon {
				for j := 1; j < len(r); j += 11 {
					pts = append(pts, orb.Point{(r[j-1][0] + r[j][0]) / 2, (r[j-1][1] + r[j][1]) / 2})
				}
			}
			return true
		})
	}
	return geoms, pts
}

// TestCoversMatchesReference checks the one-pass polygon test of Covers
// against its definition on real outlines, boundary points included.
func TestCoversMatchesReference(t *testing.T) {
	geoms, pts := coversProbes(t)
	var in, on int
	for _, g := range geoms {
		for _, pt := range pts {
			got, want := geo.Covers(g, pt), coversReference(g, pt)
			if got != want {
				t.Fatalf("Covers(%v) = %v, reference %v", pt, got, want)
			}
			if want {
				in++
				if !geo.Contains(g, pt) {
					on++
				}
			}
		}
	}
	// The probes must reach the boundary cases, or the test proves little.
	if in == 0 || on == 0 {
		t.Fatalf("probes covered %d times, %d of them on a boundary only", in, on)
	}
	// Hand-made cases: an unclosed ring, a degenerate edge, a hole.
	sq := orb.Polygon{{{0, 0}, {2, 0}, {2, 2}, {2, 2}, {0, 2}}, {{0.5, 0.5}, {1, 0.5}, {1, 1}, {0.5, 1}, {0.5, 0.5}}}
	for _, pt := range []orb.Point{{0, 1}, {1, 0}, {2, 2}, {0.1, 0.1}, {0.75, 0.75}, {0.5, 0.75}, {3, 1}, {0, 0}, {-1, 0}} {
		if got, want := geo.Covers(sq, pt), coversReference(sq, pt); got != want {
			t.Errorf("square with hole: Covers(%v) = %v, reference %v", pt, got, want)
		}
	}
}

// BenchmarkCovers measures Covers over the district outlines;
// BenchmarkCoversReference is the test by definition in the same run.
func BenchmarkCovers(b *testing.B) {
	geoms, pts := coversProbes(b)
	for _, bc := range []struct {
		name string
		fn   func(orb.Geometry, orb.Point) bool
	}{{"one-pass", geo.Covers}, {"reference", coversReference}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				bc.fn(geoms[i%len(geoms)], pts[i%len(pts)])
				i++
			}
		})
	}
}

// TestCoveringMatchesCovers checks Snapshot.Covering, which tests prepared
// polygons band by band, against Covers of every feature of every
// collection, at random points and on boundaries (the probes of
// coversProbes), and Prepared.Covers against Covers of the polygon.
func TestCoveringMatchesCovers(t *testing.T) {
	snap := loadDefault(t)
	_, pts := coversProbes(t)
	hits := 0
	for _, c := range snap.Collections() {
		for _, pt := range pts {
			var want []*geo.Feature
			for _, f := range c.Features {
				if geo.Covers(f.Geometry, pt) {
					want = append(want, f)
				}
			}
			got := map[*geo.Feature]int{}
			snap.Covering(pt, func(f *geo.Feature) bool { got[f]++; return true }, c.ID)
			if len(got) != len(want) {
				t.Fatalf("%s at %v: Covering found %d features, Covers %d", c.ID, pt, len(got), len(want))
			}
			for _, f := range want {
				if got[f] != 1 {
					t.Fatalf("%s at %v: %s reported %d times, want once", c.ID, pt, f.ID, got[f])
				}
			}
			hits += len(want)
		}
	}
	if hits == 0 {
		t.Fatal("no probe is covered by anything")
	}
	// Every collection at once, and stopping early.
	pt := pts[len(pts)-1]
	n := 0
	snap.Covering(pt, func(*geo.Feature) bool { n++; return false })
	if n > 1 {
		t.Errorf("Covering went on after fn returned false: %d calls", n)
	}
	for _, g := range []orb.Polygon{
		{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}, {{0.5, 0.5}, {1, 0.5}, {1, 1}, {0.5, 1}, {0.5, 0.5}}},
	} {
		pp := geo.Prepare(g)
		for _, pt := range []orb.Point{{0, 1}, {1, 0}, {2, 2}, {0.1, 0.1}, {0.75, 0.75}, {0.5, 0.75}, {1, 0.75}, {3, 1}, {0, 0}, {-1, 0}, {2, 1}} {
			if got, want := pp.Covers(pt), geo.Covers(g, pt); got != want {
				t.Errorf("Prepared.Covers(%v) = %v, Covers %v", pt, got, want)
			}
		}
	}
}
