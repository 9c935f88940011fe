package gpkg

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// TestGeometryRoundTrip encodes every orb geometry type as a GeoPackage
// binary geometry and decodes it back.
func TestGeometryRoundTrip(t *testing.T) {
	for i, g := range orb.AllGeometries {
		if g == nil {
			if _, _, _, err := encodeGeometry(g); err == nil {
				t.Error("a nil geometry was encoded")
			}
			continue
		}
		t.Run(fmt.Sprintf("%d-%T", i, g), func(t *testing.T) {
			blob, _, empty, err := encodeGeometry(g)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeGeometry(blob)
			if err != nil {
				t.Fatal(err)
			}
			want := g
			switch g := g.(type) {
			case orb.Ring:
				want = orb.Polygon{g}
			case orb.Bound:
				want = g.ToPolygon()
			}
			if !orb.Equal(got, want) && !(empty && isEmpty(got)) {
				t.Errorf("%T %v came back as %T %v", g, g, got, got)
			}
			if empty != isEmpty(want) || (blob[3]&flagEmpty != 0) != empty {
				t.Errorf("empty %v, flags %#x", empty, blob[3])
			}
		})
	}
}

// FuzzDecodeGeometry: any blob decodes or fails, never panics.
func FuzzDecodeGeometry(f *testing.F) {
	for _, g := range orb.AllGeometries {
		if blob, _, _, err := encodeGeometry(g); err == nil {
			f.Add(blob)
		}
	}
	f.Add([]byte("GP\x00\x01\xe6\x10\x00\x00"))
	f.Add([]byte("GP\x00\x03\xe6\x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGeometry(b)
		if err == nil && g == nil {
			t.Fatal("nil geometry without error")
		}
	})
}
