package data_test

import (
	"testing"

	"beibeimap/data"
	"beibeimap/geo"
)

// BenchmarkLoadValidation measures what the geometry validation adds to a
// load of the embedded layers: "validate" runs geo.ValidateGeometry on
// every feature, "index" is geo.NewSnapshot (validation included) and
// "load" reads and decodes the files first, as every start-up and reload
// does.
func BenchmarkLoadValidation(b *testing.B) {
	cols, err := data.Load(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, c := range cols {
				for _, f := range c.Features {
					if err := geo.ValidateGeometry(f.Geometry); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := geo.NewSnapshot(cols); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := data.LoadSnapshot(data.Default()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
