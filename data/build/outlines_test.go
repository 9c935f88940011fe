//go:build geos

package build

import (
	"io"
	"math"
	"testing"

	"github.com/twpayne/go-geos"
)

// TestPartitionOutlines: rectangles that overlap or leave a gap come out
// as a partition, the border running along the midline of the overlap or
// gap, the union unchanged, and the figures adding up.
func TestPartitionOutlines(t *testing.T) {
	const x0, y0 = 106.0, 29.5
	rect := func(ctx *geos.Context, minX, minY, maxX, maxY float64) *geos.Geom {
		return ctx.NewGeomFromBounds(x0+minX, y0+minY, x0+maxX, y0+maxY)
	}
	for _, tc := range []struct {
		name     string
		outlines func(*geos.Context) map[string]*geos.Geom
		// the border between A and B reaches x0+border at most; the
		// disputed and the gap area in degrees²
		border        float64
		disputed, gap float64
	}{
		{
			name: "overlap",
			outlines: func(ctx *geos.Context) map[string]*geos.Geom {
				return map[string]*geos.Geom{"A": rect(ctx, 0, 0, 0.100, 0.1), "B": rect(ctx, 0.096, 0, 0.2, 0.1)}
			},
			border: 0.098, disputed: 0.004 * 0.1,
		},
		{
			name: "slanted overlap",
			outlines: func(ctx *geos.Context) map[string]*geos.Geom {
				a, _ := geos.NewGeomFromWKT("POLYGON((106 29.5, 106.1 29.5, 106.104 29.6, 106 29.6, 106 29.5))")
				return map[string]*geos.Geom{"A": a, "B": rect(ctx, 0.096, 0, 0.2, 0.1)}
			},
			// the midline of x=0.096 and x=0.1+0.04·y runs from 0.098 to 0.100
			border: 0.100, disputed: 0.1 * (0.004 + 0.008) / 2,
		},
		{
			name: "enclosed gap",
			outlines: func(ctx *geos.Context) map[string]*geos.Geom {
				return map[string]*geos.Geom{
					"A": rect(ctx, 0, 0, 0.100, 0.1), "B": rect(ctx, 0.104, 0, 0.2, 0.1),
					"C": rect(ctx, 0, 0.1, 0.2, 0.15), "D": rect(ctx, 0, -0.05, 0.2, 0),
				}
			},
			border: 0.102, gap: 0.004 * 0.1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := geos.NewContext()
			b := &builder{ctx: ctx, log: io.Discard}
			in := tc.outlines(ctx)
			var before *geos.Geom
			for _, g := range in {
				if before == nil {
					before = g.Clone()
				} else {
					before = before.Union(g)
				}
			}
			out, fig, err := b.partitionOutlines(in)
			if err != nil {
				t.Fatal(err)
			}
			codes := []string{"A", "B", "C", "D"}
			var after *geos.Geom
			for i, c := range codes {
				g := out[c]
				if g == nil {
					continue
				}
				if !g.IsValid() {
					t.Fatalf("%s invalid: %s", c, g.IsValidReason())
				}
				for _, d := range codes[i+1:] {
					if h := out[d]; h != nil {
						if a := g.Intersection(h).Area(); a > 1e-12 {
							t.Errorf("%s and %s overlap by %g deg²", c, d, a)
						}
					}
				}
				if after == nil {
					after = g.Clone()
				} else {
					after = after.Union(g)
				}
			}
			// the union keeps its outer edge and loses its holes
			if d := before.Difference(after).Area(); d > 1e-12 {
				t.Errorf("%g deg² of the outlines lost", d)
			}
			if d := after.Difference(before).Area() - tc.gap; math.Abs(d) > 1e-9 {
				t.Errorf("%g deg² added beyond the gap", d)
			}
			// the border of A facing B lies on the midline
			if got := out["A"].Bounds().MaxX - x0; math.Abs(got-tc.border) > 2.5e-4 {
				t.Errorf("A reaches x0+%.5f, want the midline's x0+%.5f", got, tc.border)
			}
			// A's share of the disputed or gap area is half of it (the midline)
			aArea := out["A"].Area() - in["A"].Difference(in["B"]).Area()
			if tc.gap > 0 {
				aArea = out["A"].Area() - in["A"].Area()
			}
			want := (tc.disputed + tc.gap) / 2
			if math.Abs(aArea-want) > want*0.02 {
				t.Errorf("A gets %g deg² of the disputed or gap area, want about %g", aArea, want)
			}
			if tc.disputed > 0 && (fig.disputedFaces == 0 || fig.share["A"].neighbours != 1) {
				t.Errorf("figures: %d disputed faces, A has %d neighbours", fig.disputedFaces, fig.share["A"].neighbours)
			}
			if tc.gap > 0 && fig.gapFaces != 1 {
				t.Errorf("figures: %d gap faces, want 1", fig.gapFaces)
			}
		})
	}
}
