package cql2

import (
	"strconv"

	"github.com/paulmach/orb"
	orbwkt "github.com/paulmach/orb/encoding/wkt"
)

// wkt appends g as CQL2 text: WKT (orb's encoder) for a geometry, BBOX for
// a Bound.
func wkt(b []byte, g orb.Geometry) []byte {
	bb, ok := g.(orb.Bound)
	if !ok {
		return append(b, orbwkt.Marshal(g)...)
	}
	b = append(b, "BBOX("...)
	for i, v := range []float64{bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1]} {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return append(b, ')')
}
