package cql2_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

var square = &geo.Feature{
	ID: "sq",
	Properties: map[string]any{
		"name": "北碚区", "name_en": "Beibei", "code": "500109", "pop": 812000.0,
		"capital": true, "valid_from": "2026-01-25", "note": nil,
	},
	Geometry: orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
}

func TestMatch(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"name = '北碚区'", true},
		{"name <> '北碚区'", false},
		{`"name_en" = 'Beibei'`, true},
		{"pop > 800000", true},
		{"pop >= 812000 AND pop <= 812000", true},
		{"pop < 1e5", false},
		{"capital = TRUE", true},
		{"TRUE", true},
		{"NOT FALSE", true},
		{"name_en LIKE 'Bei%'", true},
		{"name_en LIKE 'B_ibei'", true},
		{"name_en LIKE 'bei%'", false},
		{"name_en NOT LIKE 'X%'", true},
		{"pop BETWEEN 1 AND 1000000", true},
		{"pop NOT BETWEEN 1 AND 1000000", false},
		{"code IN ('1', '500109')", true},
		{"code NOT IN ('1', '2')", true},
		{"note IS NULL", true},
		{"missing IS NULL", true},
		{"name IS NOT NULL", true},
		{"valid_from >= DATE('2026-01-25')", true},
		{"valid_from < DATE('2026-01-25')", false},
		{"valid_from < TIMESTAMP('2026-01-25T00:00:01Z')", true},
		{"note = 'x'", false},        // unknown
		{"NOT (note = 'x')", false},  // NOT unknown is unknown
		{"note = 'x' OR TRUE", true}, // unknown OR true
		{"code = 500109", false},     // type mismatch is unknown
		{"(name = 'x' OR pop > 1) AND NOT capital = FALSE", true},
		{"S_INTERSECTS(geom, POINT(5 5))", true},
		{"S_INTERSECTS(geometry, POINT(10 5))", true}, // boundary
		{"S_INTERSECTS(geom, POINT(10.0001 5))", false},
		{"S_DISJOINT(geom, POINT(20 20))", true},
		{"S_INTERSECTS(geom, BBOX(9, 9, 20, 20))", true},
		{"S_INTERSECTS(geom, BBOX(11, 11, 20, 20))", false},
		{"S_INTERSECTS(geom, LINESTRING(-5 5, 15 5))", true},
		{"S_INTERSECTS(geom, LINESTRING(-5 -5, -1 20))", false},
		{"S_INTERSECTS(geom, POLYGON((2 2, 3 2, 3 3, 2 3, 2 2)))", true},           // inside
		{"S_INTERSECTS(geom, POLYGON((-1 -1, 11 -1, 11 11, -1 11, -1 -1)))", true}, // contains
		{"S_INTERSECTS(geom, POLYGON((10 10, 12 10, 12 12, 10 12, 10 10)))", true}, // corner
		{"S_INTERSECTS(geom, MULTIPOINT((20 20), (5 5)))", true},
		{"S_INTERSECTS(geom, MULTIPOINT(20 20, 30 30))", false},
		{"S_INTERSECTS(geom, GEOMETRYCOLLECTION(POINT(50 50), LINESTRING(9 -1, 9 1)))", true},
		{"S_INTERSECTS(POINT(5 5), geom)", true},
		{"S_INTERSECTS(geom, POINT Z(5 5 100))", true},
		{"s_intersects(geom,point(-1 -1)) or name_en like '%bei'", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := cql2.ParseText(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Match(square); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
			// The canonical text parses to an expression with the same answer.
			e2, err := cql2.ParseText(e.String())
			if err != nil {
				t.Fatalf("String() %q does not parse: %v", e.String(), err)
			}
			if e2.Match(square) != tt.want || e2.String() != e.String() {
				t.Errorf("round trip %q -> %q changed the expression", e.String(), e2.String())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr        string
		unsupported bool
	}{
		{"", false},
		{"name =", false},
		{"name = 'open", false},
		{"(name = 'x'", false},
		{"name = 'x')", false},
		{"name", false},
		{"AND = 1", false},
		{"pop = 1e999", false},
		{"S_INTERSECTS(geom, POINT(1))", false},
		{"S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1)))", false},
		{"S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 2)))", false},
		{"S_INTERSECTS(geom, BBOX(1, 2, 3))", false},
		{"S_INTERSECTS(geom, BBOX(5, 0, 1, 1))", false},
		{"POINT(1 2)", false},
		{"DATE('yesterday') = x", false},
		{"x LIKE y", false},
		{"x = 1 #", false},
		{strings.Repeat("(", 100) + "x = 1" + strings.Repeat(")", 100), false},
		{strings.Repeat("NOT ", 100) + "x = 1", false},
		{"S_WITHIN(geom, POINT(1 2))", true},
		{"CASEI(name) = 'x'", true},
		{"foo(1) = 2", true},
		{"S_INTERSECTS(geom, geometry)", true},
		{"S_INTERSECTS(geom, POINT EMPTY)", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := cql2.ParseText(tt.expr)
			if err == nil {
				t.Fatal("no error")
			}
			var pe *cql2.Error
			if !errors.Is(err, geo.ErrInvalid) || !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "cql2: ") {
				t.Errorf("error %v does not wrap geo.ErrInvalid as *cql2.Error", err)
			}
			if errors.Is(err, cql2.ErrUnsupported) != tt.unsupported {
				t.Errorf("unsupported = %v, want %v (%v)", !tt.unsupported, tt.unsupported, err)
			}
		})
	}
}

func TestJSONMatchesText(t *testing.T) {
	tests := []struct{ json, text string }{
		{`{"op":"=","args":[{"property":"name"},"北碚区"]}`, "name = '北碚区'"},
		{`{"op":"and","args":[{"op":">","args":[{"property":"pop"},1]},{"op":"isNull","args":[{"property":"note"}]}]}`, "pop > 1 AND note IS NULL"},
		{`{"op":"not","args":[{"op":"like","args":[{"property":"name_en"},"X%"]}]}`, "NOT name_en LIKE 'X%'"},
		{`{"op":"between","args":[{"property":"pop"},1,2]}`, "pop BETWEEN 1 AND 2"},
		{`{"op":"in","args":[{"property":"code"},["1","500109"]]}`, "code IN ('1','500109')"},
		{`{"op":">=","args":[{"property":"valid_from"},{"date":"2026-01-25"}]}`, "valid_from >= DATE('2026-01-25')"},
		{`{"op":"s_intersects","args":[{"property":"geom"},{"type":"Point","coordinates":[5,5]}]}`, "S_INTERSECTS(geom, POINT(5 5))"},
		{`{"op":"s_intersects","args":[{"property":"geom"},{"bbox":[11,11,20,20]}]}`, "S_INTERSECTS(geom, BBOX(11,11,20,20))"},
		{`{"op":"s_intersects","args":[{"property":"geom"},{"type":"Polygon","coordinates":[[[2,2],[3,2],[3,3],[2,3],[2,2]]]}]}`, "S_INTERSECTS(geom, POLYGON((2 2,3 2,3 3,2 3,2 2)))"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			j, err := cql2.ParseJSON([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			x, err := cql2.ParseText(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if j.String() != x.String() {
				t.Errorf("JSON %s, text %s", j, x)
			}
		})
	}
	for _, bad := range []string{``, `{`, `[]`, `{"op":"="}`, `{"op":"=","args":[1]}`, `{"op":"s_intersects","args":[{"property":"g"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}]}`, `{"op":"and","args":[true]}`, `{"op":"t_after","args":[1,2]}`, `true false`} {
		if _, err := cql2.ParseJSON([]byte(bad)); !errors.Is(err, geo.ErrInvalid) {
			t.Errorf("ParseJSON(%s) = %v, want an error wrapping geo.ErrInvalid", bad, err)
		}
	}
}

func TestBoundAndTransform(t *testing.T) {
	e, err := cql2.ParseText("S_INTERSECTS(geom, POINT(29 106)) AND name = 'x'")
	if err != nil {
		t.Fatal(err)
	}
	swapped, err := e.Transform(func(p orb.Point) (orb.Point, error) { return orb.Point{p[1], p[0]}, nil })
	if err != nil {
		t.Fatal(err)
	}
	b, ok := swapped.Bound()
	if !ok || b.Min != (orb.Point{106, 29}) {
		t.Errorf("Bound %v %v", b, ok)
	}
	if _, ok := mustParse(t, "NOT S_INTERSECTS(geom, POINT(1 1))").Bound(); ok {
		t.Errorf("NOT must not restrict the bound")
	}
	if _, ok := mustParse(t, "S_INTERSECTS(geom, POINT(1 1)) OR name = 'x'").Bound(); ok {
		t.Errorf("OR with a non-spatial branch must not restrict the bound")
	}
	if got := mustParse(t, "a = 1 AND S_INTERSECTS(g, POINT(1 1)) AND b = 2 AND a < 3").Properties(); strings.Join(got, ",") != "a,b" {
		t.Errorf("Properties %v", got)
	}
}

// TestTransformShares checks that Transform returns the expression itself
// when no point changes, and otherwise a copy that leaves the original as
// it was, whatever literal the changed point is in; and fn's error.
func TestTransformShares(t *testing.T) {
	const text = "S_INTERSECTS(geom, POINT(1 2)) OR (name = 'x' AND NOT S_WITHIN(geom, POLYGON((0 0, 3 0, 3 3, 0 0))))"
	e := mustParse(t, strings.Replace(text, "S_WITHIN", "S_INTERSECTS", 1))
	want := e.String()
	same, err := e.Transform(func(p orb.Point) (orb.Point, error) { return p, nil })
	if err != nil || same != e {
		t.Fatalf("identity Transform = %p, %v; want the expression itself %p", same, err, e)
	}
	for _, moved := range []orb.Point{{1, 2}, {3, 3}} {
		got, err := e.Transform(func(p orb.Point) (orb.Point, error) {
			if p == moved {
				return orb.Point{p[0] + 10, p[1]}, nil
			}
			return p, nil
		})
		if err != nil || got == e {
			t.Fatalf("moving %v: Transform = %p, %v; want a copy", moved, got, err)
		}
		if s := got.String(); s == want || !strings.Contains(s, fmt.Sprintf("%g %g", moved[0]+10, moved[1])) {
			t.Errorf("moving %v: %s", moved, s)
		}
		if e.String() != want {
			t.Errorf("moving %v changed the original: %s", moved, e.String())
		}
	}
	bad := errors.New("out of range")
	if _, err := e.Transform(func(p orb.Point) (orb.Point, error) {
		if p == (orb.Point{3, 0}) {
			return p, bad
		}
		return p, nil
	}); err != bad {
		t.Errorf("Transform error %v, want %v", err, bad)
	}
}

func mustParse(t *testing.T, s string) *cql2.Expr {
	t.Helper()
	e, err := cql2.ParseText(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
