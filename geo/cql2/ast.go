package cql2

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// tv is a truth value of three-valued logic.
type tv uint8

const (
	vFalse tv = iota
	vTrue
	vUnknown
)

func tvOf(b bool) tv {
	if b {
		return vTrue
	}
	return vFalse
}

func (v tv) not() tv {
	switch v {
	case vTrue:
		return vFalse
	case vFalse:
		return vTrue
	}
	return vUnknown
}

// node is a boolean expression.
type node interface {
	eval(f *geo.Feature) tv
	text(b []byte) []byte
}

// scalarUser is a node that reads scalar operands.
type scalarUser interface{ scalars() []scalar }

// scalar is a value operand: a property reference or a literal.
type scalar interface {
	value(f *geo.Feature) any
	text(b []byte) []byte
}

// propRef reads a property of the feature; a missing property is null.
type propRef string

func (p propRef) value(f *geo.Feature) any { return normValue(f.Properties[string(p)]) }

func (p propRef) text(b []byte) []byte {
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(string(p), `"`, `""`)...)
	return append(b, '"')
}

// dateVal and timeVal are DATE and TIMESTAMP literals.
type (
	dateVal time.Time
	timeVal time.Time
)

// literal is a constant: string, float64, bool, dateVal or timeVal.
type literal struct{ v any }

func (l literal) value(*geo.Feature) any { return l.v }

func (l literal) text(b []byte) []byte {
	switch v := l.v.(type) {
	case string:
		b = append(b, '\'')
		b = append(b, strings.ReplaceAll(v, "'", "''")...)
		return append(b, '\'')
	case float64:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case bool:
		if v {
			return append(b, "TRUE"...)
		}
		return append(b, "FALSE"...)
	case dateVal:
		return append(append(append(b, "DATE('"...), time.Time(v).Format(geo.DateLayout)...), "')"...)
	case timeVal:
		return append(append(append(b, "TIMESTAMP('"...), time.Time(v).Format(time.RFC3339Nano)...), "')"...)
	}
	return append(b, "NULL"...)
}

// normValue maps decoded property values to the types compare knows.
func normValue(v any) any {
	switch v := v.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return nil
		}
		return f
	}
	return v
}

// compare orders a and b. ok is false when the result is unknown (a null,
// or values of different types); ordered is false for values that only
// compare for equality (booleans).
func compare(a, b any) (c int, ok, ordered bool) {
	if a == nil || b == nil {
		return 0, false, false
	}
	switch x := a.(type) {
	case float64:
		if y, isNum := b.(float64); isNum {
			return cmpFloat(x, y), true, true
		}
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), true, true
		case dateVal, timeVal:
			if t, isTime := parseTimeProp(x); isTime {
				return compare(timeVal(t), y)
			}
		}
	case bool:
		if y, isBool := b.(bool); isBool {
			if x == y {
				return 0, true, false
			}
			return 1, true, false
		}
	case dateVal:
		return compare(timeVal(x), b)
	case timeVal:
		switch y := b.(type) {
		case dateVal:
			return cmpTime(time.Time(x), time.Time(y)), true, true
		case timeVal:
			return cmpTime(time.Time(x), time.Time(y)), true, true
		case string:
			c, ok, ordered := compare(b, a)
			return -c, ok, ordered
		}
	}
	return 0, false, false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func cmpTime(x, y time.Time) int { return x.Compare(y) }

// parseTimeProp reads a property string as a date (YYYY-MM-DD, midnight
// UTC) or an RFC 3339 timestamp.
func parseTimeProp(s string) (time.Time, bool) {
	if t, err := time.Parse(geo.DateLayout, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// Logical operators.
type (
	andNode struct{ kids []node }
	orNode  struct{ kids []node }
	notNode struct{ kid node }
	boolLit bool
)

func (n *andNode) eval(f *geo.Feature) tv {
	out := vTrue
	for _, k := range n.kids {
		switch k.eval(f) {
		case vFalse:
			return vFalse
		case vUnknown:
			out = vUnknown
		}
	}
	return out
}

func (n *orNode) eval(f *geo.Feature) tv {
	out := vFalse
	for _, k := range n.kids {
		switch k.eval(f) {
		case vTrue:
			return vTrue
		case vUnknown:
			out = vUnknown
		}
	}
	return out
}

func (n *notNode) eval(f *geo.Feature) tv { return n.kid.eval(f).not() }
func (n boolLit) eval(*geo.Feature) tv    { return tvOf(bool(n)) }

func (n *andNode) text(b []byte) []byte { return joinText(b, n.kids, " AND ") }
func (n *orNode) text(b []byte) []byte  { return joinText(b, n.kids, " OR ") }
func (n *notNode) text(b []byte) []byte { return append(n.kid.text(append(b, "NOT ("...)), ')') }
func (n boolLit) text(b []byte) []byte  { return literal{bool(n)}.text(b) }

func joinText(b []byte, kids []node, op string) []byte {
	b = append(b, '(')
	for i, k := range kids {
		if i > 0 {
			b = append(b, op...)
		}
		b = k.text(b)
	}
	return append(b, ')')
}

// cmpNode is a binary comparison: = <> < > <= >=.
type cmpNode struct {
	op   string
	l, r scalar
}

func (n *cmpNode) scalars() []scalar { return []scalar{n.l, n.r} }

func (n *cmpNode) eval(f *geo.Feature) tv {
	c, ok, ordered := compare(n.l.value(f), n.r.value(f))
	if !ok {
		return vUnknown
	}
	switch n.op {
	case "=":
		return tvOf(c == 0)
	case "<>":
		return tvOf(c != 0)
	}
	if !ordered {
		return vUnknown
	}
	switch n.op {
	case "<":
		return tvOf(c < 0)
	case ">":
		return tvOf(c > 0)
	case "<=":
		return tvOf(c <= 0)
	case ">=":
		return tvOf(c >= 0)
	}
	return vUnknown
}

func (n *cmpNode) text(b []byte) []byte {
	b = n.l.text(b)
	b = append(append(append(b, ' '), n.op...), ' ')
	return n.r.text(b)
}

// likeNode matches a string against a pattern: % is any sequence, _ any
// one character, a backslash escapes the next character.
type likeNode struct {
	x   scalar
	pat string
	not bool
}

func (n *likeNode) scalars() []scalar { return []scalar{n.x} }

func (n *likeNode) eval(f *geo.Feature) tv {
	s, ok := n.x.value(f).(string)
	if !ok {
		return vUnknown
	}
	m := tvOf(like(s, n.pat))
	if n.not {
		return m.not()
	}
	return m
}

func (n *likeNode) text(b []byte) []byte {
	b = n.x.text(b)
	if n.not {
		b = append(b, " NOT"...)
	}
	return literal{n.pat}.text(append(b, " LIKE "...))
}

// like matches s against the LIKE pattern pat with the classic greedy
// algorithm that backtracks only to the last %, so it runs in
// O(len(s)·len(pat)) at worst.
func like(s, pat string) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(pat) {
			c, w := utf8.DecodeRuneInString(pat[pi:])
			switch {
			case c == '%':
				starP, starS = pi+w, si
				pi += w
				continue
			case c == '_':
				_, sw := utf8.DecodeRuneInString(s[si:])
				si += sw
				pi += w
				continue
			default:
				lit, lw := c, w
				if c == '\\' && pi+w < len(pat) {
					lit, lw = utf8.DecodeRuneInString(pat[pi+w:])
					lw += w
				}
				r, sw := utf8.DecodeRuneInString(s[si:])
				if r == lit {
					si += sw
					pi += lw
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := utf8.DecodeRuneInString(s[starS:])
		starS += sw
		si, pi = starS, starP
	}
	for pi < len(pat) && pat[pi] == '%' {
		pi++
	}
	return pi == len(pat)
}

// betweenNode is x [NOT] BETWEEN lo AND hi, both ends included.
type betweenNode struct {
	x, lo, hi scalar
	not       bool
}

func (n *betweenNode) scalars() []scalar { return []scalar{n.x, n.lo, n.hi} }

func (n *betweenNode) eval(f *geo.Feature) tv {
	x := n.x.value(f)
	c1, ok1, o1 := compare(x, n.lo.value(f))
	c2, ok2, o2 := compare(x, n.hi.value(f))
	if !ok1 || !ok2 || !o1 || !o2 {
		return vUnknown
	}
	m := tvOf(c1 >= 0 && c2 <= 0)
	if n.not {
		return m.not()
	}
	return m
}

func (n *betweenNode) text(b []byte) []byte {
	b = n.x.text(b)
	if n.not {
		b = append(b, " NOT"...)
	}
	b = n.lo.text(append(b, " BETWEEN "...))
	return n.hi.text(append(b, " AND "...))
}

// inNode is x [NOT] IN (list).
type inNode struct {
	x    scalar
	list []scalar
	not  bool
}

func (n *inNode) scalars() []scalar { return append([]scalar{n.x}, n.list...) }

func (n *inNode) eval(f *geo.Feature) tv {
	x := n.x.value(f)
	out := vFalse
	for _, s := range n.list {
		c, ok, _ := compare(x, s.value(f))
		if !ok {
			out = vUnknown
			continue
		}
		if c == 0 {
			out = vTrue
			break
		}
	}
	if n.not {
		return out.not()
	}
	return out
}

func (n *inNode) text(b []byte) []byte {
	b = n.x.text(b)
	if n.not {
		b = append(b, " NOT"...)
	}
	b = append(b, " IN ("...)
	for i, s := range n.list {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = s.text(b)
	}
	return append(b, ')')
}

// isNullNode is x IS [NOT] NULL; a missing property is null.
type isNullNode struct {
	x   scalar
	not bool
}

func (n *isNullNode) scalars() []scalar { return []scalar{n.x} }

func (n *isNullNode) eval(f *geo.Feature) tv {
	return tvOf((n.x.value(f) == nil) != n.not)
}

func (n *isNullNode) text(b []byte) []byte {
	b = n.x.text(b)
	if n.not {
		return append(b, " IS NOT NULL"...)
	}
	return append(b, " IS NULL"...)
}

// geomArg is an operand of a spatial function: a property (the feature's
// geometry) or a literal.
type geomArg struct {
	prop string
	g    orb.Geometry
}

// spatialNode is S_INTERSECTS or S_DISJOINT.
type spatialNode struct {
	op   string
	args [2]geomArg
}

func (n *spatialNode) eval(f *geo.Feature) tv {
	var gs [2]orb.Geometry
	for i, a := range n.args {
		gs[i] = a.g
		if a.prop != "" {
			gs[i] = f.Geometry
		}
		if gs[i] == nil {
			return vUnknown
		}
	}
	m := geo.Intersects(gs[0], gs[1])
	if n.op == "S_DISJOINT" {
		m = !m
	}
	return tvOf(m)
}

func (n *spatialNode) text(b []byte) []byte {
	b = append(append(b, n.op...), '(')
	for i, a := range n.args {
		if i > 0 {
			b = append(b, ", "...)
		}
		if a.prop != "" {
			b = propRef(a.prop).text(b)
		} else {
			b = wkt(b, a.g)
		}
	}
	return append(b, ')')
}

// walk calls fn for n and every node below it.
func walk(n node, fn func(node)) {
	fn(n)
	switch n := n.(type) {
	case *andNode:
		for _, k := range n.kids {
			walk(k, fn)
		}
	case *orNode:
		for _, k := range n.kids {
			walk(k, fn)
		}
	case *notNode:
		walk(n.kid, fn)
	}
}

// mapNode returns a copy of n with fn applied to every geometry literal.
func mapNode(n node, fn func(orb.Geometry) orb.Geometry) node {
	switch n := n.(type) {
	case *andNode:
		kids := make([]node, len(n.kids))
		for i, k := range n.kids {
			kids[i] = mapNode(k, fn)
		}
		return &andNode{kids}
	case *orNode:
		kids := make([]node, len(n.kids))
		for i, k := range n.kids {
			kids[i] = mapNode(k, fn)
		}
		return &orNode{kids}
	case *notNode:
		return &notNode{mapNode(n.kid, fn)}
	case *spatialNode:
		c := *n
		for i := range c.args {
			if c.args[i].g != nil {
				c.args[i].g = fn(c.args[i].g)
			}
		}
		return &c
	}
	return n
}

// bound computes Expr.Bound.
func bound(n node) (orb.Bound, bool) {
	switch n := n.(type) {
	case *andNode:
		var out orb.Bound
		found := false
		for _, k := range n.kids {
			if b, ok := bound(k); ok {
				if !found {
					out, found = b, true
				} else if out.Intersects(b) {
					out = orb.Bound{
						Min: orb.Point{math.Max(out.Min[0], b.Min[0]), math.Max(out.Min[1], b.Min[1])},
						Max: orb.Point{math.Min(out.Max[0], b.Max[0]), math.Min(out.Max[1], b.Max[1])},
					}
				} else {
					// No geometry can intersect both: an empty box that
					// intersects nothing.
					return orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}, true
				}
			}
		}
		return out, found
	case *orNode:
		var out orb.Bound
		for i, k := range n.kids {
			b, ok := bound(k)
			if !ok {
				return orb.Bound{}, false
			}
			if i == 0 {
				out = b
			} else {
				out = out.Union(b)
			}
		}
		return out, len(n.kids) > 0
	case *spatialNode:
		if n.op != "S_INTERSECTS" {
			return orb.Bound{}, false
		}
		if n.args[0].prop != "" && n.args[1].g != nil {
			return n.args[1].g.Bound(), true
		}
		if n.args[1].prop != "" && n.args[0].g != nil {
			return n.args[0].g.Bound(), true
		}
	}
	return orb.Bound{}, false
}
