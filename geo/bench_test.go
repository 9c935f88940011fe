package geo_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/geo"
)

// beibeiBox is the area of random lookups: old and new Beibei with margin.
var beibeiBox = orb.Bound{Min: orb.Point{106.25, 29.60}, Max: orb.Point{107.0, 30.15}}

func randomPoints(seed uint64, n int, b orb.Bound) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return pts
}

func loadDefault(tb testing.TB) *geo.Snapshot {
	tb.Helper()
	s, err := data.LoadSnapshot(data.Default())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// bruteContaining is the baseline: every feature of every collection,
// every vertex, no index.
func bruteContaining(s *geo.Snapshot, pt orb.Point, d time.Time, fn func(*geo.Feature) bool) {
	for _, c := range s.Collections() {
		for _, f := range c.Features {
			if !f.Valid.Contains(d) {
				continue
			}
			var in bool
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				in = geo.Contains(g, pt)
			case orb.MultiPolygon:
				for _, p := range g {
					if geo.Contains(p, pt) {
						in = true
						break
					}
				}
			}
			if in && !fn(f) {
				return
			}
		}
	}
}

// TestIndexedMatchesBrute is the correctness twin of the benchmark below:
// both paths must find the same features for the same random points.
func TestIndexedMatchesBrute(t *testing.T) {
	s := loadDefault(t)
	d := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	for _, pt := range randomPoints(7, 3000, beibeiBox) {
		var a, b []string
		s.Containing(pt, d, func(f *geo.Feature) bool { a = append(a, f.Collection+"/"+f.ID); return true })
		bruteContaining(s, pt, d, func(f *geo.Feature) bool { b = append(b, f.Collection+"/"+f.ID); return true })
		if len(a) != len(b) {
			t.Fatalf("at %v indexed found %v, brute force %v", pt, a, b)
		}
		seen := map[string]bool{}
		for _, id := range b {
			seen[id] = true
		}
		for _, id := range a {
			if !seen[id] {
				t.Fatalf("at %v indexed found %v, brute force %v", pt, a, b)
			}
		}
	}
}

// BenchmarkLookup compares the indexed point lookup against all embedded
// layers with the brute-force scan, on the same fixed random points.
func BenchmarkLookup(b *testing.B) {
	s := loadDefault(b)
	pts := randomPoints(42, 4096, beibeiBox)
	d := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	var hits int
	count := func(*geo.Feature) bool { hits++; return true }
	b.Run("indexed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			s.Containing(pts[i&4095], d, count)
		}
	})
	b.Run("brute", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			bruteContaining(s, pts[i&4095], d, count)
		}
	})
}

// synthetic builds n features: one polygon (a 12-gon of random radius on a
// jittered grid) for every nine points, spread over a 10°×10° area.
func synthetic(n int, seed uint64) []*geo.Collection {
	rng := rand.New(rand.NewPCG(seed, 1))
	nPoly := n / 10
	polys := &geo.Collection{ID: "polygons", Features: make([]*geo.Feature, 0, nPoly)}
	side := int(math.Ceil(math.Sqrt(float64(nPoly))))
	cell := 10.0 / float64(side)
	for i := 0; i < nPoly; i++ {
		cx := 100 + (float64(i%side)+0.5)*cell
		cy := 25 + (float64(i/side)+0.5)*cell
		r := cell * (0.3 + 0.4*rng.Float64())
		ring := make(orb.Ring, 0, 13)
		for k := 0; k < 12; k++ {
			a := float64(k) / 12 * 2 * math.Pi
			ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		polys.Features = append(polys.Features, &geo.Feature{ID: fmt.Sprint(i), Collection: "polygons", Geometry: orb.Polygon{ring}})
	}
	pts := &geo.Collection{ID: "points", Features: make([]*geo.Feature, 0, n-nPoly)}
	for i, p := range randomPoints(seed+1, n-nPoly, orb.Bound{Min: orb.Point{100, 25}, Max: orb.Point{110, 35}}) {
		pts.Features = append(pts.Features, &geo.Feature{ID: fmt.Sprint(i), Collection: "points", Geometry: p})
	}
	return []*geo.Collection{polys, pts}
}

// BenchmarkSyntheticLookup shows how lookup time grows from 10k to 1M
// indexed features (one polygon for every nine points).
func BenchmarkSyntheticLookup(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		s, err := geo.NewSnapshot(synthetic(n, 3))
		if err != nil {
			b.Fatal(err)
		}
		q := randomPoints(9, 4096, orb.Bound{Min: orb.Point{100, 25}, Max: orb.Point{110, 35}})
		var hits int
		b.Run(fmt.Sprintf("features=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s.Containing(q[i&4095], time.Time{}, func(*geo.Feature) bool { hits++; return true })
			}
		})
	}
}

// BenchmarkSyntheticBuild measures building the index of 1,000,000 points
// and 100,000 polygons (1.1M features); run with -benchtime=1x.
func BenchmarkSyntheticBuild(b *testing.B) {
	cols := synthetic(1_100_000, 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geo.NewSnapshot(cols); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNearby compares Snapshot.Nearby (R-tree search of the radius)
// with a scan of every feature of the nearby collections that tests its
// bounding box against the radius first (what the Locator did before), for
// the lookup's parameters: projects and corridors within 5 km, at most 5.
func BenchmarkNearby(b *testing.B) {
	s := loadDefault(b)
	pts := randomPoints(42, 4096, beibeiBox)
	d := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	var buf []geo.Near
	b.Run("indexed", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			buf = s.Nearby(buf[:0], pts[i&4095], geo.NearbyRadius, d, geo.NearbyLimit, geo.ProjectsID, geo.CorridorsID)
		}
	})
	var feats []*geo.Feature
	var bounds []orb.Bound
	for _, id := range []string{geo.ProjectsID, geo.CorridorsID} {
		c, err := s.Collection(id)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range c.Features {
			feats = append(feats, f)
			bounds = append(bounds, f.Geometry.Bound())
		}
	}
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			pt := pts[i&4095]
			dlat := geo.NearbyRadius / 111195.0
			dlon := dlat / math.Cos(pt[1]*math.Pi/180)
			buf = buf[:0]
			for j, f := range feats {
				bd := bounds[j]
				if pt[0]+dlon < bd.Min[0] || pt[0]-dlon > bd.Max[0] || pt[1]+dlat < bd.Min[1] || pt[1]-dlat > bd.Max[1] || !f.Valid.Contains(d) {
					continue
				}
				if m := geo.Distance(f.Geometry, pt); m <= geo.NearbyRadius {
					buf = append(buf, geo.Near{Feature: f, Meters: m})
				}
			}
			slices.SortFunc(buf, func(a, b geo.Near) int { return cmp.Compare(a.Meters, b.Meters) })
			if len(buf) > geo.NearbyLimit {
				buf = buf[:geo.NearbyLimit]
			}
		}
	})
}
