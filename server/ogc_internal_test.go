package server

import (
	"encoding/json"
	"testing"

	"beibeimap/data"
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
