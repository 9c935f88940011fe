package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/geo"
)

// FuzzAppendProperties checks the hand-written JSON encoder of feature
// properties against encoding/json: the output must decode to the same
// values.
func FuzzAppendProperties(f *testing.F) {
	for _, s := range []string{"北碚区", `quote " and \ slash`, "\x00\x1f\n\t", "\xff\xfe bad utf-8", "\u2028\u2029", "<&>"} {
		f.Add(s, 1.5)
	}
	f.Add("", 1e-7)
	f.Add("x", 1e21)
	f.Add("y", -0.0)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		props := map[string]any{s: s, "n": x, "b": true, "z": nil, "a": []any{s, x}}
		b := appendProperties(nil, props, nil)
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q: invalid JSON %s: %v", s, b, err)
		}
		want := map[string]any{}
		ref, err := json.Marshal(props)
		if err != nil {
			return // NaN or Inf: encoding/json refuses, we write null
		}
		json.Unmarshal(ref, &want)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if string(gb) != string(wb) {
			t.Fatalf("decoded %s, encoding/json gives %s", gb, wb)
		}
	})
}

// TestDerivedForOldSnapshot: a request that still holds the snapshot before
// a reload does not put that snapshot's derived state back in place of the
// current one's.
func TestDerivedForOldSnapshot(t *testing.T) {
	s := defaultServer(t)
	old := s.store.Snapshot()
	cur := s.derivedFor(old)
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	s.store.Swap(snap)
	now := s.derivedFor(snap)
	if got := s.derivedFor(old); got == now || s.derived.Load() != now {
		t.Fatalf("asking for the old snapshot's state replaced the current one's (old state reused: %v)", got == cur)
	}
	if s.derived.Load() != now || s.derivedFor(snap) != now {
		t.Errorf("the current snapshot's state was replaced")
	}
}

// TestSelectFeaturesScan holds selectFeatures, which narrows through the
// R-tree and stops once every candidate is met, to a plain scan of the
// collection with the exact predicates, on boxes and points from a
// township's worth of candidates to all of them (the small and the large
// candidate set).
func TestSelectFeaturesScan(t *testing.T) {
	s := defaultServer(t)
	snap := s.store.Snapshot()
	boxes := []orb.Bound{
		{Min: orb.Point{106.40, 29.80}, Max: orb.Point{106.45, 29.85}},
		{Min: orb.Point{106.2, 29.6}, Max: orb.Point{106.9, 30.2}},
		{Min: orb.Point{105, 28}, Max: orb.Point{108, 32}},
		{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}},
	}
	points := []orb.Point{{106.4378, 29.8256}, {106.8448, 29.85653}, {106.53, 29.6}, {106.62, 29.72}, {0, 0}}
	for _, c := range snap.Collections() {
		for _, b := range boxes {
			iq := &itemsQuery{bbox: &b}
			var want []*geo.Feature
			for _, f := range c.Features {
				if geo.Intersects(f.Geometry, b) {
					want = append(want, f)
				}
			}
			if got := selectFeatures(snap, c, iq); !slices.Equal(got, want) {
				t.Errorf("%s bbox %v: %d features, the scan finds %d", c.ID, b, len(got), len(want))
			}
		}
		for _, p := range points {
			e, err := parseFilter(fmt.Sprintf("S_INTERSECTS(geom,POINT(%v %v))", p[0], p[1]), "", "", snap.Fields(c.ID))
			if err != nil {
				t.Fatal(err)
			}
			var want []*geo.Feature
			for _, f := range c.Features {
				if e.Match(f) {
					want = append(want, f)
				}
			}
			if got := selectFeatures(snap, c, &itemsQuery{filter: e}); !slices.Equal(got, want) {
				t.Errorf("%s point %v: %d features, the scan finds %d", c.ID, p, len(got), len(want))
			}
		}
	}
}
