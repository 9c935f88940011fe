package cql2

import (
	"beibeimap/geo"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ParseJSON parses a CQL2 JSON expression ({"op": "and", "args": [...]}).
// It accepts the same operators and functions as ParseText, with geometry
// literals as GeoJSON geometry objects or {"bbox": [...]}. Errors wrap
// geo.ErrInvalid (and ErrUnsupported for functions not implemented).
func ParseJSON(b []byte) (*Expr, error) {
	if len(b) > MaxLength {
		return nil, &Error{Pos: -1, Msg: fmt.Sprintf("expression longer than %d bytes", MaxLength)}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, jsonErr("not JSON: %v", err)
	}
	if dec.More() {
		return nil, jsonErr("trailing data after the JSON expression")
	}
	n, err := jsonBool(v, 0)
	if err != nil {
		return nil, err
	}
	return &Expr{root: n}, nil
}

func jsonErr(format string, args ...any) error {
	return &Error{Pos: -1, Msg: fmt.Sprintf(format, args...)}
}

func jsonUnsupported(format string, args ...any) error {
	return &unsupportedError{Error{Pos: -1, Msg: fmt.Sprintf(format, args...)}}
}

func jsonOp(v any) (op string, args []any, ok bool) {
	m, isObj := v.(map[string]any)
	if !isObj {
		return "", nil, false
	}
	op, _ = m["op"].(string)
	args, _ = m["args"].([]any)
	return op, args, op != ""
}

func jsonBool(v any, depth int) (node, error) {
	if depth > MaxDepth {
		return nil, jsonErr("expression nested deeper than %d levels", MaxDepth)
	}
	if b, ok := v.(bool); ok {
		return boolLit(b), nil
	}
	op, args, ok := jsonOp(v)
	if !ok {
		return nil, jsonErr("expected a boolean expression {\"op\": ..., \"args\": [...]}")
	}
	argc := func(n int) error {
		if len(args) != n {
			return jsonErr("%q needs %d arguments, got %d", op, n, len(args))
		}
		return nil
	}
	switch strings.ToLower(op) {
	case "and", "or":
		if len(args) < 2 {
			return nil, jsonErr("%q needs at least two arguments", op)
		}
		kids := make([]node, len(args))
		for i, a := range args {
			k, err := jsonBool(a, depth+1)
			if err != nil {
				return nil, err
			}
			kids[i] = k
		}
		if strings.ToLower(op) == "and" {
			return &andNode{kids}, nil
		}
		return &orNode{kids}, nil
	case "not":
		if err := argc(1); err != nil {
			return nil, err
		}
		k, err := jsonBool(args[0], depth+1)
		if err != nil {
			return nil, err
		}
		return &notNode{k}, nil
	case "=", "<>", "<", ">", "<=", ">=":
		if err := argc(2); err != nil {
			return nil, err
		}
		l, err := jsonScalar(args[0])
		if err != nil {
			return nil, err
		}
		r, err := jsonScalar(args[1])
		if err != nil {
			return nil, err
		}
		return &cmpNode{op: op, l: l, r: r}, nil
	case "like":
		if err := argc(2); err != nil {
			return nil, err
		}
		x, err := jsonScalar(args[0])
		if err != nil {
			return nil, err
		}
		pat, ok := args[1].(string)
		if !ok {
			return nil, jsonErr("like needs a string pattern")
		}
		return &likeNode{x: x, pat: pat}, nil
	case "between":
		if err := argc(3); err != nil {
			return nil, err
		}
		var s [3]scalar
		for i := range s {
			var err error
			if s[i], err = jsonScalar(args[i]); err != nil {
				return nil, err
			}
		}
		return &betweenNode{x: s[0], lo: s[1], hi: s[2]}, nil
	case "in":
		if err := argc(2); err != nil {
			return nil, err
		}
		x, err := jsonScalar(args[0])
		if err != nil {
			return nil, err
		}
		items, ok := args[1].([]any)
		if !ok || len(items) == 0 {
			return nil, jsonErr("in needs a non-empty array as second argument")
		}
		n := &inNode{x: x}
		for _, it := range items {
			s, err := jsonScalar(it)
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, s)
		}
		return n, nil
	case "isnull":
		if err := argc(1); err != nil {
			return nil, err
		}
		x, err := jsonScalar(args[0])
		if err != nil {
			return nil, err
		}
		return &isNullNode{x: x}, nil
	case "s_intersects", "s_disjoint":
		if err := argc(2); err != nil {
			return nil, err
		}
		n := &spatialNode{op: strings.ToUpper(op)}
		for i, a := range args {
			g, err := jsonGeomArg(a)
			if err != nil {
				return nil, err
			}
			n.args[i] = g
		}
		if n.args[0].prop != "" && n.args[1].prop != "" {
			return nil, jsonUnsupported("%s of two properties is not supported", op)
		}
		return n, nil
	}
	if unsupportedFuncs[strings.ToUpper(op)] {
		return nil, jsonUnsupported("function %s is not supported (supported: s_intersects, s_disjoint)", op)
	}
	return nil, jsonUnsupported("unknown operator %q", op)
}

func jsonScalar(v any) (scalar, error) {
	switch v := v.(type) {
	case string:
		return literal{v}, nil
	case bool:
		return literal{v}, nil
	case json.Number:
		f, err := v.Float64()
		if err != nil || math.IsInf(f, 0) {
			return nil, jsonErr("%s is not a finite number", v)
		}
		return literal{f}, nil
	case map[string]any:
		if len(v) == 1 {
			if p, ok := v["property"].(string); ok && p != "" {
				return propRef(p), nil
			}
			if s, ok := v["date"].(string); ok {
				d, err := temporalValue("DATE", s)
				if err != nil {
					return nil, err
				}
				return literal{d}, nil
			}
			if s, ok := v["timestamp"].(string); ok {
				t, err := temporalValue("TIMESTAMP", s)
				if err != nil {
					return nil, err
				}
				return literal{t}, nil
			}
		}
		if _, ok := v["op"]; ok {
			return nil, jsonUnsupported("functions and arithmetic as values are not supported")
		}
	}
	return nil, jsonErr("expected a value, {\"property\": ...}, {\"date\": ...} or {\"timestamp\": ...}")
}

func jsonGeomArg(v any) (geomArg, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return geomArg{}, jsonErr("a spatial function needs {\"property\": ...}, a GeoJSON geometry or {\"bbox\": [...]}")
	}
	if p, ok := m["property"].(string); ok && p != "" {
		return geomArg{prop: p}, nil
	}
	if bb, ok := m["bbox"].([]any); ok {
		nums := make([]float64, len(bb))
		for i, x := range bb {
			n, ok := x.(json.Number)
			f, err := n.Float64()
			if !ok || err != nil || math.IsInf(f, 0) {
				return geomArg{}, jsonErr("bbox needs finite numbers")
			}
			nums[i] = f
		}
		b, err := bboxOf(nums)
		if err != nil {
			return geomArg{}, err
		}
		return geomArg{g: b}, nil
	}
	if _, ok := m["type"].(string); ok {
		raw, err := json.Marshal(m)
		if err != nil {
			return geomArg{}, jsonErr("bad geometry: %v", err)
		}
		g, err := geojson.UnmarshalGeometry(raw)
		if err != nil || g.Coordinates == nil {
			return geomArg{}, jsonErr("bad GeoJSON geometry")
		}
		if err := checkGeometry(g.Coordinates, 0); err != nil {
			return geomArg{}, err
		}
		return geomArg{g: g.Coordinates}, nil
	}
	return geomArg{}, jsonErr("a spatial function needs {\"property\": ...}, a GeoJSON geometry or {\"bbox\": [...]}")
}

// checkGeometry applies the rules ParseText applies to WKT literals:
// finite coordinates, lines of two points, closed rings of four.
func checkGeometry(g orb.Geometry, depth int) error {
	if depth > MaxDepth {
		return jsonErr("geometry nested deeper than %d levels", MaxDepth)
	}
	bad := false
	geo.ConvertGeometry(g, func(p orb.Point) orb.Point {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			bad = true
		}
		return p
	})
	if bad {
		return jsonErr("geometry coordinates must be finite")
	}
	switch g := g.(type) {
	case orb.LineString:
		if len(g) < 2 {
			return jsonErr("a line string needs at least two points")
		}
	case orb.MultiLineString:
		for _, l := range g {
			if err := checkGeometry(l, depth+1); err != nil {
				return err
			}
		}
	case orb.Polygon:
		if len(g) == 0 {
			return jsonErr("a polygon needs a ring")
		}
		for _, r := range g {
			if err := checkRing(r); err != nil {
				return err
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if err := checkGeometry(p, depth+1); err != nil {
				return err
			}
		}
	case orb.MultiPoint:
		if len(g) == 0 {
			return jsonErr("empty geometries are not supported")
		}
	case orb.Collection:
		if len(g) == 0 {
			return jsonErr("empty geometries are not supported")
		}
		for _, sub := range g {
			if err := checkGeometry(sub, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
