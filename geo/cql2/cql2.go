// Package cql2 parses OGC Common Query Language (CQL2) filter expressions,
// in the text encoding and the JSON encoding, and evaluates them against
// geo.Feature values.
//
// Supported are the conformance classes basic-cql2 (comparisons, AND, OR,
// NOT, IS NULL), advanced-comparison-operators (LIKE, BETWEEN, IN),
// basic-spatial-functions and basic-spatial-functions-plus (S_INTERSECTS
// with every geometry literal: POINT, LINESTRING, POLYGON, their MULTI
// forms, GEOMETRYCOLLECTION and BBOX), plus S_DISJOINT, its negation.
// Other functions are rejected with an error, never silently ignored.
//
// Evaluation follows SQL's three-valued logic: a comparison with a missing
// or null property, or between values of different types, is unknown;
// NOT unknown is unknown; a feature is selected only when the whole
// expression is true. Spatial predicates treat geometries as closed sets
// (a point on a polygon's boundary intersects it), in the coordinate
// system of the feature geometry, WGS84 lon/lat, with no curvature.
package cql2

import (
	"errors"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// Limits that keep a hostile expression from exhausting the stack or memory.
const (
	// MaxDepth bounds the nesting of expressions, parentheses and geometry
	// literals.
	MaxDepth = 64
	// MaxLength bounds the length of an expression in bytes.
	MaxLength = 64 << 10
)

// Error is a parse error. It wraps geo.ErrInvalid.
type Error struct {
	// Pos is the byte offset in the input where the problem was found
	// (-1 for the JSON encoding).
	Pos int
	// Msg explains the problem.
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Pos < 0 {
		return "cql2: " + e.Msg
	}
	return fmt.Sprintf("cql2: at offset %d: %s", e.Pos, e.Msg)
}

// Unwrap returns geo.ErrInvalid.
func (e *Error) Unwrap() error { return geo.ErrInvalid }

var _ error = (*Error)(nil)

func errAt(pos int, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// ErrUnsupported marks a syntactically valid expression that uses a
// function or operator this package does not implement. Errors wrapping it
// also wrap geo.ErrInvalid.
var ErrUnsupported = errors.New("unsupported")

// unsupportedError is an *Error for a feature this package lacks.
type unsupportedError struct{ e Error }

func (e *unsupportedError) Error() string   { return e.e.Error() }
func (e *unsupportedError) Unwrap() []error { return []error{&e.e, ErrUnsupported} }

func unsupportedAt(pos int, format string, args ...any) error {
	return &unsupportedError{Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}}
}

// Expr is a parsed CQL2 boolean expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	root node
}

// Match reports whether f satisfies the expression (true, not unknown).
// Property names are looked up in f.Properties; in a spatial function any
// property name stands for f.Geometry (callers check names against the
// queryables with Properties and SpatialProperties).
func (e *Expr) Match(f *geo.Feature) bool { return e.root.eval(f) == vTrue }

// Properties returns the distinct names of the properties the expression
// compares (outside spatial functions), in order of first use.
func (e *Expr) Properties() []string {
	var out []string
	walk(e.root, func(n node) {
		if c, ok := n.(scalarUser); ok {
			for _, s := range c.scalars() {
				if p, ok := s.(propRef); ok && !slices.Contains(out, string(p)) {
					out = append(out, string(p))
				}
			}
		}
	})
	return out
}

// SpatialProperties returns the distinct property names used as geometry
// operands of spatial functions, in order of first use.
func (e *Expr) SpatialProperties() []string {
	var out []string
	walk(e.root, func(n node) {
		if s, ok := n.(*spatialNode); ok {
			for _, a := range s.args {
				if a.prop != "" && !slices.Contains(out, a.prop) {
					out = append(out, a.prop)
				}
			}
		}
	})
	return out
}

// Bound returns a bounding box that the geometry of every matching feature
// intersects, and false when the expression does not restrict geometry that
// way (for example under NOT or OR with a non-spatial branch). Callers use it
// to pre-select candidates from a spatial index.
func (e *Expr) Bound() (orb.Bound, bool) { return bound(e.root) }

// IntersectsPoint reports whether the whole expression is S_INTERSECTS of
// a property (the feature geometry) and a POINT literal, either way round,
// and returns the point. Such an expression matches exactly the features
// whose geometry covers the point (geo.Covers), which callers may answer
// from an index of prepared polygons (geo.Snapshot.Covering) instead of
// calling Match on each candidate.
func (e *Expr) IntersectsPoint() (orb.Point, bool) {
	n, ok := e.root.(*spatialNode)
	if !ok || n.op != "S_INTERSECTS" {
		return orb.Point{}, false
	}
	for i, a := range n.args {
		if pt, ok := a.g.(orb.Point); ok && a.prop == "" && n.args[1-i].prop != "" {
			return pt, true
		}
	}
	return orb.Point{}, false
}

// Transform returns the expression with every point of its geometry
// literals replaced by fn's result; fn's first error is returned. It
// converts literals given in another CRS (filter-crs) to WGS84 lon/lat.
// When fn changes no point (a literal already in CRS84, which fn only
// checks) it returns e itself, an expression being never changed once
// parsed; otherwise a copy, calling fn once more per point.
func (e *Expr) Transform(fn func(orb.Point) (orb.Point, error)) (*Expr, error) {
	var err error
	same := true
	walk(e.root, func(n node) {
		s, ok := n.(*spatialNode)
		if !ok {
			return
		}
		for _, a := range s.args {
			if a.g == nil {
				continue
			}
			geo.EachPoint(a.g, func(p orb.Point) {
				if err == nil {
					q, e := fn(p)
					err = e
					same = same && q == p
				}
			})
		}
	})
	if err != nil {
		return nil, err
	}
	if same {
		return e, nil
	}
	root := mapNode(e.root, func(g orb.Geometry) orb.Geometry {
		return geo.ConvertGeometry(g, func(p orb.Point) orb.Point {
			if err != nil {
				return p
			}
			q, e := fn(p)
			if e != nil {
				err = e
				return p
			}
			return q
		})
	})
	if err != nil {
		return nil, err
	}
	return &Expr{root: root}, nil
}

// String returns the expression in canonical CQL2 text: keywords upper
// case, every binary logical operation parenthesised. Parsing the result
// gives an equivalent expression.
func (e *Expr) String() string {
	var b []byte
	b = e.root.text(b)
	return string(b)
}
