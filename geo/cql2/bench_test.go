package cql2_test

import (
	"testing"

	"beibeimap/geo/cql2"
)

// BenchmarkParseText parses the filter of a click on the map (the point
// fast path) and, for comparison, the same filter in a spelling the
// general parser takes.
func BenchmarkParseText(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"point", "S_INTERSECTS(geom,POINT(106.437800000123 29.8256))"},
		{"point-general", "S_INTERSECTS(geom, POINT(106.437800000123 29.8256)) AND TRUE"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cql2.ParseText(bc.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
