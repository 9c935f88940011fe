package cql2

import (
	"reflect"
	"testing"
)

// TestPointIntersectsTaken: the plain spellings of a map click take the
// fast path; everything it does not cover goes to the general parser.
func TestPointIntersectsTaken(t *testing.T) {
	for _, c := range []struct {
		s    string
		fast bool
	}{
		{"S_INTERSECTS(geom,POINT(106.4378 29.8256))", true},
		{" s_intersects ( geometry , point ( -106.4 +29.8e0 ) ) ", true},
		{"S_INTERSECTS(geom,POINT(.5 5.))", true},
		{"S_INTERSECTS(geom,POINT(106.4-29.8))", false},       // sign as separator
		{"S_INTERSECTS(geom,POINT(106.4 29.8 300))", false},   // z
		{"S_INTERSECTS(geom,POINT Z(106.4 29.8 300))", false}, // Z
		{"S_INTERSECTS(POINT(106.4 29.8),geom)", false},       // swapped
		{`S_INTERSECTS("geom",POINT(106.4 29.8))`, false},     // quoted
		{"S_INTERSECTS(名,POINT(106.4 29.8))", false},          // non-ASCII name
		{"S_INTERſECTS(geom,POINT(106.4 29.8))", false},       // ſ upper-cases to S
		{"S_INTERSECTS(geom,POINT(106.4 29.8))\u00a0", false}, // NBSP: white space, not ASCII
		{"S_INTERSECTS(and,POINT(106.4 29.8))", false},        // keyword
		{"S_INTERSECTS(geom,POINT(1e999 29.8))", false},       // not finite
		{"S_INTERSECTS(geom,POINT(106.4 29.8)) AND x = 1", false},
	} {
		_, ok := parsePointIntersects(c.s)
		if ok != c.fast {
			t.Errorf("%q: fast path %v, want %v", c.s, ok, c.fast)
		}
		// Either way ParseText gives what the general parser gives.
		e1, err1 := ParseText(c.s)
		e2, err2 := parseTokens(c.s)
		if (err1 == nil) != (err2 == nil) || err1 == nil && !reflect.DeepEqual(e1, e2) {
			t.Errorf("%q: ParseText %v, %v; general parser %v, %v", c.s, e1, err1, e2, err2)
		}
	}
}

// FuzzPointIntersects holds the fast path to the general parser: whatever
// it takes, parseTokens takes too, into the same expression.
func FuzzPointIntersects(f *testing.F) {
	for _, s := range []string{
		"S_INTERSECTS(geom,POINT(106.4378 29.8256))",
		" s_intersects ( geometry , point ( -106.4 +29.8e0 ) ) ",
		"S_INTERSECTS(geom,POINT(.5 5.))",
		"S_INTERSECTS(geom,POINT(106.4-29.8))",
		"S_INTERSECTS(a.b:c_1,POINT(1E+3 -.5e-2))",
		"S_INTERSECTS(geom,POINT(1..2 3))",
		"S_INTERSECTS(point,POINT(1 2))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parsePointIntersects(s)
		if !ok {
			return
		}
		general, err := parseTokens(s)
		if err != nil {
			t.Fatalf("%q: the fast path takes it, the general parser refuses it: %v", s, err)
		}
		if !reflect.DeepEqual(fast, general) {
			t.Fatalf("%q: fast path %s, general parser %s", s, fast, general)
		}
	})
}
