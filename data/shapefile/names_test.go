package shapefile

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDBFNamesUnique: whatever the property names, the DBF names are at
// most 10 ASCII characters and unique without regard to case, and a name
// that fits is kept.
func TestDBFNamesUnique(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"district", "before", "after", "name", "en", "source", "geonames", "id", "valid", "from", "to", "seat", "北碚", "Name", "NAME", "x"}
	for round := 0; round < 500; round++ {
		fields := []*field{{name: "id"}}
		seen := map[string]bool{}
		for n := r.IntN(30) + 1; n > 0; n-- {
			var parts []string
			for k := r.IntN(4) + 1; k > 0; k-- {
				parts = append(parts, words[r.IntN(len(words))])
			}
			p := strings.Join(parts, "_")
			if !seen[p] && p != "id" {
				seen[p] = true
				fields = append(fields, &field{property: p})
			}
		}
		dbfNames(fields)
		used := map[string]string{}
		for _, f := range fields {
			low := strings.ToLower(f.name)
			if len(f.name) == 0 || len(f.name) > 10 || strings.ContainsFunc(f.name, func(c rune) bool { return c > 127 }) {
				t.Fatalf("property %q got DBF name %q", f.property, f.name)
			}
			if other, ok := used[low]; ok {
				t.Fatalf("%q and %q share the DBF name %q", other, f.property, f.name)
			}
			used[low] = f.property
		}
		// A name that fits is kept unless another field took it first
		// (the same name but for case).
		for _, f := range fields {
			fits := f.property != "" && len(f.property) <= 10 && !strings.ContainsFunc(f.property, func(c rune) bool { return c > 127 })
			if fits && f.name != f.property && used[strings.ToLower(f.property)] == "" {
				t.Errorf("%q fits but became %q", f.property, f.name)
			}
			if fits && f.name != f.property && used[strings.ToLower(f.property)] == f.property {
				t.Errorf("%q holds its own name and %q", f.property, f.name)
			}
		}
	}
}
