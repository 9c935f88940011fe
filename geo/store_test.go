package geo_test

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := geo.ParseDate("date", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fixture is two versions of a "district" layout: before 2026-01-25 the
// square [0,10]² is split into west (0–5) and east (5–10); from then on the
// west district grows to 0–7 and the east one shrinks. A multipolygon
// feature has a far-away island.
func fixture(t *testing.T) *geo.Snapshot {
	t.Helper()
	cut := date(t, "2026-01-25")
	before := geo.Interval{To: cut.AddDate(0, 0, -1)}
	after := geo.Interval{From: cut}
	feat := func(id string, g orb.Geometry, iv geo.Interval) *geo.Feature {
		return &geo.Feature{ID: id, Collection: "districts", Geometry: g, Valid: iv, Properties: map[string]any{"name": id}}
	}
	districts := &geo.Collection{ID: "districts", Features: []*geo.Feature{
		feat("west-old", orb.Polygon{square(0, 0, 5, 10)}, before),
		feat("east-old", orb.MultiPolygon{{square(5, 0, 10, 10)}, {square(50, 50, 51, 51)}}, before),
		feat("west-new", orb.Polygon{square(0, 0, 7, 10)}, after),
		feat("east-new", orb.Polygon{square(7, 0, 10, 10)}, after),
	}}
	sites := &geo.Collection{ID: "sites", Features: []*geo.Feature{
		{ID: "a", Collection: "sites", Geometry: orb.Point{6, 5}},
		{ID: "b", Collection: "sites", Geometry: orb.Point{6, 6}},
		{ID: "road", Collection: "sites", Geometry: orb.LineString{{0, 2}, {10, 2}}},
	}}
	s, err := geo.NewSnapshot([]*geo.Collection{districts, sites})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func containing(s *geo.Snapshot, pt orb.Point, d time.Time) []string {
	var ids []string
	s.Containing(pt, d, func(f *geo.Feature) bool {
		ids = append(ids, f.ID)
		return true
	})
	return ids
}

func TestSnapshotContaining(t *testing.T) {
	s := fixture(t)
	tests := []struct {
		name string
		pt   orb.Point
		date string
		want []string
	}{
		{"before the change, west", orb.Point{6, 5}, "2025-06-01", []string{"east-old"}},
		{"after the change, same point", orb.Point{6, 5}, "2026-01-25", []string{"west-new"}},
		{"last day of the old layout", orb.Point{6, 5}, "2026-01-24", []string{"east-old"}},
		{"island of a multipolygon", orb.Point{50.5, 50.5}, "2025-06-01", []string{"east-old"}},
		{"island gone after", orb.Point{50.5, 50.5}, "2026-06-01", nil},
		{"shared border goes east", orb.Point{5, 5}, "2025-06-01", []string{"east-old"}},
		{"outside", orb.Point{-1, 5}, "2026-06-01", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := containing(s, tc.pt, date(t, tc.date))
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Errorf("Containing(%v, %s) = %v, want %v", tc.pt, tc.date, got, tc.want)
			}
		})
	}
	if got := containing(s, orb.Point{6, 5}, time.Time{}); len(got) != 2 {
		t.Errorf("zero date should match every version, got %v", got)
	}
}

func TestSnapshotNearby(t *testing.T) {
	s := fixture(t)
	// One degree is ~111 km; the sites are 1 and ~1.41 degrees from (5,5).
	got := s.Nearby(nil, orb.Point{5, 5}, 120e3, time.Time{}, 0, "sites")
	if len(got) != 1 || got[0].Feature.ID != "a" {
		t.Fatalf("Nearby 120 km = %+v, want only site a", got)
	}
	got = s.Nearby(nil, orb.Point{5, 5}, 400e3, time.Time{}, 0, "sites")
	if len(got) != 3 || got[0].Feature.ID != "a" || got[1].Feature.ID != "b" || got[2].Feature.ID != "road" {
		t.Fatalf("Nearby 400 km order = %+v, want a, b, road", got)
	}
	if got[0].Meters < 110e3 || got[0].Meters > 112e3 {
		t.Errorf("distance to a = %.0f m, want about 111 km", got[0].Meters)
	}
	if got := s.Nearby(nil, orb.Point{5, 5}, 400e3, time.Time{}, 2, "sites"); len(got) != 2 {
		t.Errorf("limit 2 returned %d", len(got))
	}
}

func TestNewSnapshotRejects(t *testing.T) {
	pt := orb.Point{1, 1}
	tests := []struct {
		name string
		cols []*geo.Collection
	}{
		{"duplicate feature id", []*geo.Collection{{ID: "c", Features: []*geo.Feature{{ID: "x", Collection: "c", Geometry: pt}, {ID: "x", Collection: "c", Geometry: pt}}}}},
		{"missing geometry", []*geo.Collection{{ID: "c", Features: []*geo.Feature{{ID: "x", Collection: "c"}}}}},
		{"out of range", []*geo.Collection{{ID: "c", Features: []*geo.Feature{{ID: "x", Collection: "c", Geometry: orb.Point{200, 1}}}}}},
		{"bad interval", []*geo.Collection{{ID: "c", Features: []*geo.Feature{{ID: "x", Collection: "c", Geometry: pt,
			Valid: geo.Interval{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}}}}},
		{"duplicate collection", []*geo.Collection{{ID: "c"}, {ID: "c"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := geo.NewSnapshot(tc.cols); !errors.Is(err, geo.ErrInvalid) {
				t.Errorf("NewSnapshot error = %v, want ErrInvalid", err)
			}
		})
	}
}

// TestStoreSwapWhileReading swaps snapshots while readers query; run with
// -race to check that readers need no lock.
func TestStoreSwapWhileReading(t *testing.T) {
	a, b := fixture(t), fixture(t)
	st := geo.NewStore(a)
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				ds := st.Dataset()
				if got := containing(ds.Snapshot, orb.Point{1, 1}, time.Time{}); len(got) != 2 {
					t.Errorf("reader saw %v", got)
					return
				}
				// The dataset is whole when published: its locator is
				// built and answers from its own snapshot.
				if ds.Locator == nil || ds.Locator.Snapshot() != ds.Snapshot {
					t.Errorf("dataset %s published without its own locator", ds.Snapshot.Version())
					return
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		if i%2 == 0 {
			st.Swap(b)
		} else {
			st.Swap(a)
		}
	}
	wg.Wait()
	cur := st.Dataset()
	if st.Swap(nil) == nil || st.Dataset() != cur {
		t.Error("Swap(nil) must keep the published dataset")
	}
	if a.Version() != b.Version() {
		t.Error("identical data must have identical versions")
	}
}

func TestIntervalContains(t *testing.T) {
	iv := geo.Interval{From: date(t, "2026-01-25")}
	if iv.Contains(date(t, "2026-01-24")) || !iv.Contains(date(t, "2026-01-25")) || !iv.Contains(date(t, "2099-01-01")) {
		t.Errorf("open-ended interval %s misbehaves", iv)
	}
	if iv.String() != "2026-01-25/.." {
		t.Errorf("String = %q", iv.String())
	}
}

// TestSnapshotIndexesEveryType checks that a feature of every geometry type
// that validates is also found: by Containing for polygonal ones, by
// Intersecting and Nearby for all.
func TestSnapshotIndexesEveryType(t *testing.T) {
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	geoms := map[string]orb.Geometry{
		"point":      orb.Point{0.5, 0.5},
		"multipoint": orb.MultiPoint{{0.5, 0.5}},
		"line":       orb.LineString{{0, 0.5}, {1, 0.5}},
		"multiline":  orb.MultiLineString{{{0, 0.5}, {1, 0.5}}},
		"ring":       sq,
		"polygon":    orb.Polygon{sq},
		"multipoly":  orb.MultiPolygon{{sq}},
		"bound":      orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}},
		"collection": orb.Collection{orb.Polygon{sq}, orb.Point{0.5, 0.5}},
	}
	polygonal := map[string]bool{"ring": true, "polygon": true, "multipoly": true, "bound": true, "collection": true}
	for name, g := range geoms {
		t.Run(name, func(t *testing.T) {
			s, err := geo.NewSnapshot([]*geo.Collection{{ID: "c", Features: []*geo.Feature{{ID: name, Collection: "c", Geometry: g}}}})
			if err != nil {
				t.Fatal(err)
			}
			var found []string
			s.Containing(orb.Point{0.25, 0.75}, time.Time{}, func(f *geo.Feature) bool { found = append(found, f.ID); return true })
			if got := len(found) == 1; got != polygonal[name] {
				t.Errorf("Containing found %v, polygonal = %v", found, polygonal[name])
			}
			n := 0
			s.Intersecting(orb.Bound{Min: orb.Point{0.4, 0.4}, Max: orb.Point{0.6, 0.6}}, func(*geo.Feature) bool { n++; return true })
			if n != 1 {
				t.Errorf("Intersecting found %d features, want 1", n)
			}
			if got := s.Nearby(nil, orb.Point{0.5, 0.5}, 10, time.Time{}, 0); len(got) != 1 || got[0].Meters > 1e-6 {
				t.Errorf("Nearby found %+v, want the feature at 0 m", got)
			}
		})
	}
}

// TestNearbyMatchesBruteForce compares Nearby with geo.Distance over every
// feature of the embedded-like fixture at random points.
func TestNearbyMatchesBruteForce(t *testing.T) {
	s := fixture(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 500; i++ {
		pt := orb.Point{-2 + 14*rng.Float64(), -2 + 14*rng.Float64()}
		radius := 50e3 + 400e3*rng.Float64()
		limit := rng.IntN(4)
		got := s.Nearby(nil, pt, radius, time.Time{}, limit)
		var want []geo.Near
		for _, c := range s.Collections() {
			for _, f := range c.Features {
				if d := geo.Distance(f.Geometry, pt); d <= radius {
					want = append(want, geo.Near{Feature: f, Meters: d})
				}
			}
		}
		slices.SortFunc(want, func(a, b geo.Near) int {
			if a.Meters != b.Meters {
				return cmp.Compare(a.Meters, b.Meters)
			}
			if a.Feature.Collection != b.Feature.Collection {
				return strings.Compare(a.Feature.Collection, b.Feature.Collection)
			}
			return strings.Compare(a.Feature.ID, b.Feature.ID)
		})
		if limit > 0 && len(want) > limit {
			want = want[:limit]
		}
		if len(got) != len(want) {
			t.Fatalf("at %v r=%.0f limit %d: got %d features, brute force %d", pt, radius, limit, len(got), len(want))
		}
		for j := range got {
			if got[j].Feature != want[j].Feature || math.Abs(got[j].Meters-want[j].Meters) > 1e-6 {
				t.Fatalf("at %v: got[%d] = %s %.3f, brute force %s %.3f", pt, j, got[j].Feature.ID, got[j].Meters, want[j].Feature.ID, want[j].Meters)
			}
		}
	}
}
