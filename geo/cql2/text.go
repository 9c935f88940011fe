package cql2

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tIdent          // bare identifier or keyword
	tQIdent         // "quoted identifier"
	tString         // 'string'
	tNumber         // unsigned number
	tPunct          // ( ) , = <> < > <= >= + -
)

type token struct {
	kind tokKind
	s    string
	pos  int
}

// lex splits s into tokens.
func lex(s string) ([]token, error) {
	// About one token per three bytes in a typical filter
	// (S_INTERSECTS(geom,POINT(106.4 29.8)): 11 tokens in 36 bytes), so
	// that most filters are lexed into one allocation.
	toks := make([]token, 0, min(len(s)/3+2, 256))
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, errAt(i, "invalid UTF-8")
		case unicode.IsSpace(r):
			i += w
		case r == '\'' || r == '"':
			str, n, err := lexQuoted(s, i, byte(r))
			if err != nil {
				return nil, err
			}
			k := tString
			if r == '"' {
				k = tQIdent
				if str == "" {
					return nil, errAt(i, "empty quoted identifier")
				}
			}
			toks = append(toks, token{k, str, i})
			i = n
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := numberEnd(s, i)
			toks = append(toks, token{tNumber, s[i:j], i})
			i = j
		case r == '_' || unicode.IsLetter(r):
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if r2 != '_' && r2 != '.' && r2 != ':' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += w2
			}
			toks = append(toks, token{tIdent, s[i:j], i})
			i = j
		case r == '<' || r == '>':
			if i+1 < len(s) && (s[i+1] == '=' || r == '<' && s[i+1] == '>') {
				toks = append(toks, token{tPunct, s[i : i+2], i})
				i += 2
			} else {
				toks = append(toks, token{tPunct, s[i : i+1], i})
				i++
			}
		case strings.ContainsRune("(),=+-", r):
			toks = append(toks, token{tPunct, s[i : i+1], i})
			i++
		default:
			return nil, errAt(i, "unexpected character %q", r)
		}
	}
	return append(toks, token{tEOF, "", len(s)}), nil
}

// lexQuoted reads a quoted string starting at s[i] == q, where a doubled
// quote stands for one. It returns the content and the offset after it.
func lexQuoted(s string, i int, q byte) (string, int, error) {
	var b strings.Builder
	j := i + 1
	for {
		k := strings.IndexByte(s[j:], q)
		if k < 0 {
			return "", 0, errAt(i, "unterminated %c-quoted text", q)
		}
		b.WriteString(s[j : j+k])
		j += k + 1
		if j < len(s) && s[j] == q {
			b.WriteByte(q)
			j++
			continue
		}
		return b.String(), j, nil
	}
}

// keywords cannot be used as bare property names.
var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "LIKE": true, "BETWEEN": true, "IN": true,
	"IS": true, "NULL": true, "TRUE": true, "FALSE": true, "DATE": true, "TIMESTAMP": true,
}

// unsupportedFuncs are CQL2 functions that are recognised and refused.
var unsupportedFuncs = map[string]bool{
	"S_EQUALS": true, "S_TOUCHES": true, "S_WITHIN": true, "S_OVERLAPS": true,
	"S_CROSSES": true, "S_CONTAINS": true, "T_AFTER": true, "T_BEFORE": true,
	"T_CONTAINS": true, "T_DISJOINT": true, "T_DURING": true, "T_EQUALS": true,
	"T_FINISHEDBY": true, "T_FINISHES": true, "T_INTERSECTS": true, "T_MEETS": true,
	"T_METBY": true, "T_OVERLAPPEDBY": true, "T_OVERLAPS": true, "T_STARTEDBY": true,
	"T_STARTS": true, "A_EQUALS": true, "A_CONTAINS": true, "A_CONTAINEDBY": true,
	"A_OVERLAPS": true, "CASEI": true, "ACCENTI": true, "INTERVAL": true,
}

var geomKeywords = map[string]bool{
	"POINT": true, "LINESTRING": true, "POLYGON": true, "MULTIPOINT": true,
	"MULTILINESTRING": true, "MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true, "BBOX": true,
}

type parser struct {
	toks  []token
	i     int
	depth int
}

// ParseText parses a CQL2 text expression. Errors wrap geo.ErrInvalid and
// are *Error values carrying the offset of the problem; functions this
// package does not implement give errors that also wrap ErrUnsupported.
func ParseText(s string) (*Expr, error) {
	if len(s) > MaxLength {
		return nil, errAt(0, "expression longer than %d bytes", MaxLength)
	}
	if e, ok := parsePointIntersects(s); ok {
		return e, nil
	}
	return parseTokens(s)
}

// parseTokens is ParseText's general path: lex, then parse the tokens.
func parseTokens(s string) (*Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, errAt(0, "empty expression")
	}
	n, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errAt(t.pos, "unexpected %q after the end of the expression", t.s)
	}
	return &Expr{root: n}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isKw(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.s, kw)
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tPunct && t.s == s
}

func (p *parser) expect(s string) error {
	t := p.next()
	if t.kind != tPunct || t.s != s {
		return errAt(t.pos, "expected %q, found %s", s, describe(t))
	}
	return nil
}

func describe(t token) string {
	if t.kind == tEOF {
		return "the end of the expression"
	}
	return strconv.Quote(t.s)
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return errAt(p.peek().pos, "expression nested deeper than %d levels", MaxDepth)
	}
	return nil
}

func (p *parser) orExpr() (node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n, err := p.andExpr()
	if err != nil || !p.isKw("OR") {
		return n, err // one operand: no list to allocate
	}
	kids := []node{n}
	for p.isKw("OR") {
		p.next()
		m, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		kids = append(kids, m)
	}
	if len(kids) == 1 {
		return n, nil
	}
	return &orNode{kids}, nil
}

func (p *parser) andExpr() (node, error) {
	n, err := p.notExpr()
	if err != nil || !p.isKw("AND") {
		return n, err // one operand: no list to allocate
	}
	kids := []node{n}
	for p.isKw("AND") {
		p.next()
		m, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		kids = append(kids, m)
	}
	if len(kids) == 1 {
		return n, nil
	}
	return &andNode{kids}, nil
}

func (p *parser) notExpr() (node, error) {
	if p.isKw("NOT") {
		p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		n, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &notNode{n}, nil
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	t := p.peek()
	if t.kind == tPunct && t.s == "(" {
		p.next()
		n, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		return n, p.expect(")")
	}
	if t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).s == "(" {
		name := strings.ToUpper(t.s)
		switch {
		case name == "S_INTERSECTS" || name == "S_DISJOINT":
			return p.spatial(name)
		case geomKeywords[name]:
			return nil, errAt(t.pos, "a geometry literal must be an argument of a spatial function")
		case name != "DATE" && name != "TIMESTAMP":
			return nil, unsupportedFunc(t)
		}
	}
	x, err := p.scalar()
	if err != nil {
		return nil, err
	}
	return p.predicate(x, t)
}

func unsupportedFunc(t token) error {
	if unsupportedFuncs[strings.ToUpper(t.s)] {
		return unsupportedAt(t.pos, "function %s is not supported (supported: S_INTERSECTS, S_DISJOINT)", strings.ToUpper(t.s))
	}
	return unsupportedAt(t.pos, "unknown function %q", t.s)
}

// predicate parses what follows the scalar x in a predicate.
func (p *parser) predicate(x scalar, start token) (node, error) {
	t := p.peek()
	if t.kind == tPunct {
		switch t.s {
		case "=", "<>", "<", ">", "<=", ">=":
			p.next()
			r, err := p.scalar()
			if err != nil {
				return nil, err
			}
			return &cmpNode{op: t.s, l: x, r: r}, nil
		}
	}
	not := false
	if p.isKw("NOT") {
		if k := p.peekAt(1); k.kind == tIdent && (strings.EqualFold(k.s, "LIKE") || strings.EqualFold(k.s, "BETWEEN") || strings.EqualFold(k.s, "IN")) {
			p.next()
			not = true
		}
	}
	switch {
	case p.isKw("LIKE"):
		p.next()
		pt := p.next()
		if pt.kind != tString {
			return nil, errAt(pt.pos, "LIKE needs a quoted pattern, found %s", describe(pt))
		}
		return &likeNode{x: x, pat: pt.s, not: not}, nil
	case p.isKw("BETWEEN"):
		p.next()
		lo, err := p.scalar()
		if err != nil {
			return nil, err
		}
		if !p.isKw("AND") {
			return nil, errAt(p.peek().pos, "BETWEEN needs AND, found %s", describe(p.peek()))
		}
		p.next()
		hi, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return &betweenNode{x: x, lo: lo, hi: hi, not: not}, nil
	case p.isKw("IN"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var list []scalar
		for {
			s, err := p.scalar()
			if err != nil {
				return nil, err
			}
			list = append(list, s)
			if !p.isPunct(",") {
				break
			}
			p.next()
		}
		return &inNode{x: x, list: list, not: not}, p.expect(")")
	case p.isKw("IS"):
		p.next()
		if p.isKw("NOT") {
			p.next()
			not = true
		}
		if !p.isKw("NULL") {
			return nil, errAt(p.peek().pos, "expected NULL after IS, found %s", describe(p.peek()))
		}
		p.next()
		return &isNullNode{x: x, not: not}, nil
	}
	if l, ok := x.(literal); ok {
		if b, ok := l.v.(bool); ok {
			return boolLit(b), nil
		}
	}
	return nil, errAt(t.pos, "expected a comparison after %q, found %s", start.s, describe(t))
}

// scalar parses a property name or a literal.
func (p *parser) scalar() (scalar, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return literal{t.s}, nil
	case tQIdent:
		return propRef(t.s), nil
	case tNumber:
		return p.number(t, 1)
	case tPunct:
		if t.s == "-" || t.s == "+" {
			n := p.next()
			if n.kind != tNumber {
				return nil, errAt(n.pos, "expected a number after %q", t.s)
			}
			sgn := 1.0
			if t.s == "-" {
				sgn = -1
			}
			return p.number(n, sgn)
		}
	case tIdent:
		up := strings.ToUpper(t.s)
		switch up {
		case "TRUE", "FALSE":
			return literal{up == "TRUE"}, nil
		case "DATE", "TIMESTAMP":
			if p.isPunct("(") {
				return p.temporal(up)
			}
		}
		if p.isPunct("(") {
			return nil, unsupportedFunc(t)
		}
		if keywords[up] {
			return nil, errAt(t.pos, "keyword %s where a value or property was expected (quote property names that are keywords)", up)
		}
		return propRef(t.s), nil
	}
	return nil, errAt(t.pos, "expected a value or property, found %s", describe(t))
}

func (p *parser) number(t token, sgn float64) (scalar, error) {
	v, err := parseNumber(t)
	if err != nil {
		return nil, err
	}
	return literal{sgn * v}, nil
}

func parseNumber(t token) (float64, error) {
	v, err := strconv.ParseFloat(t.s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, errAt(t.pos, "%q is not a finite number", t.s)
	}
	return v, nil
}

func (p *parser) temporal(kind string) (scalar, error) {
	p.next() // (
	t := p.next()
	if t.kind != tString {
		return nil, errAt(t.pos, "%s needs a quoted value, found %s", kind, describe(t))
	}
	v, err := temporalValue(kind, t.s)
	if err != nil {
		return nil, errAt(t.pos, "%v", err)
	}
	return literal{v}, p.expect(")")
}

func temporalValue(kind, s string) (any, error) {
	if kind == "DATE" {
		d, err := time.Parse(geo.DateLayout, s)
		if err != nil {
			return nil, &Error{Pos: -1, Msg: "DATE needs YYYY-MM-DD, found " + strconv.Quote(s)}
		}
		return dateVal(d), nil
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, &Error{Pos: -1, Msg: "TIMESTAMP needs an RFC 3339 time, found " + strconv.Quote(s)}
	}
	return timeVal(ts.UTC()), nil
}

func (p *parser) spatial(op string) (node, error) {
	p.next() // name
	p.next() // (
	n := &spatialNode{op: op}
	for i := range n.args {
		if i > 0 {
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
		t := p.peek()
		switch {
		case t.kind == tQIdent:
			p.next()
			n.args[i].prop = t.s
		case t.kind == tIdent && geomKeywords[strings.ToUpper(t.s)]:
			g, err := p.geometry()
			if err != nil {
				return nil, err
			}
			n.args[i].g = g
		case t.kind == tIdent && !keywords[strings.ToUpper(t.s)] && !(p.peekAt(1).kind == tPunct && p.peekAt(1).s == "("):
			p.next()
			n.args[i].prop = t.s
		default:
			return nil, errAt(t.pos, "%s needs a geometry property or a geometry literal, found %s", op, describe(t))
		}
	}
	if n.args[0].prop != "" && n.args[1].prop != "" {
		return nil, unsupportedAt(p.peek().pos, "%s of two properties is not supported", op)
	}
	return n, p.expect(")")
}

// geometry parses a WKT geometry literal or BBOX(...).
func (p *parser) geometry() (orb.Geometry, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.next()
	kind := strings.ToUpper(t.s)
	if kind == "BBOX" {
		return p.bbox()
	}
	if p.isKw("Z") {
		p.next()
	}
	if p.isKw("EMPTY") {
		return nil, unsupportedAt(p.peek().pos, "empty geometries are not supported")
	}
	switch kind {
	case "POINT":
		if err := p.expect("("); err != nil {
			return nil, err
		}
		pt, err := p.coord()
		if err != nil {
			return nil, err
		}
		return pt, p.expect(")")
	case "LINESTRING":
		return p.lineString()
	case "POLYGON":
		return p.polygon()
	case "MULTIPOINT":
		var mp orb.MultiPoint
		err := p.list(func() error {
			paren := p.isPunct("(")
			if paren {
				p.next()
			}
			pt, err := p.coord()
			if err != nil {
				return err
			}
			mp = append(mp, pt)
			if paren {
				return p.expect(")")
			}
			return nil
		})
		return mp, err
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.list(func() error {
			l, err := p.lineString()
			ml = append(ml, l)
			return err
		})
		return ml, err
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.list(func() error {
			poly, err := p.polygon()
			mp = append(mp, poly)
			return err
		})
		return mp, err
	case "GEOMETRYCOLLECTION":
		var c orb.Collection
		err := p.list(func() error {
			if t := p.peek(); t.kind != tIdent || !geomKeywords[strings.ToUpper(t.s)] || strings.EqualFold(t.s, "BBOX") {
				return errAt(t.pos, "expected a geometry, found %s", describe(t))
			}
			g, err := p.geometry()
			c = append(c, g)
			return err
		})
		return c, err
	}
	return nil, errAt(t.pos, "unknown geometry type %q", t.s)
}

// list parses "(" item {"," item} ")".
func (p *parser) list(item func() error) error {
	if err := p.expect("("); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if !p.isPunct(",") {
			return p.expect(")")
		}
		p.next()
	}
}

func (p *parser) coord() (orb.Point, error) {
	var v [3]float64
	n := 0
	for n < 3 {
		t := p.peek()
		sgn := 1.0
		if t.kind == tPunct && (t.s == "-" || t.s == "+") && p.peekAt(1).kind == tNumber {
			if t.s == "-" {
				sgn = -1
			}
			p.next()
			t = p.peek()
		}
		if t.kind != tNumber {
			break
		}
		p.next()
		f, err := parseNumber(t)
		if err != nil {
			return orb.Point{}, err
		}
		v[n] = sgn * f
		n++
	}
	if n < 2 {
		return orb.Point{}, errAt(p.peek().pos, "expected a coordinate of two or three numbers, found %s", describe(p.peek()))
	}
	return orb.Point{v[0], v[1]}, nil
}

func (p *parser) points() ([]orb.Point, error) {
	var pts []orb.Point
	err := p.list(func() error {
		pt, err := p.coord()
		pts = append(pts, pt)
		return err
	})
	return pts, err
}

func (p *parser) lineString() (orb.LineString, error) {
	pos := p.peek().pos
	pts, err := p.points()
	if err != nil {
		return nil, err
	}
	if len(pts) < 2 {
		return nil, errAt(pos, "a line string needs at least two points")
	}
	return orb.LineString(pts), nil
}

func (p *parser) polygon() (orb.Polygon, error) {
	var poly orb.Polygon
	err := p.list(func() error {
		pos := p.peek().pos
		pts, err := p.points()
		if err != nil {
			return err
		}
		if err := checkRing(pts); err != nil {
			return errAt(pos, "%s", err.(*Error).Msg)
		}
		poly = append(poly, orb.Ring(pts))
		return nil
	})
	return poly, err
}

func checkRing(pts []orb.Point) error {
	if len(pts) < 4 {
		return &Error{Pos: -1, Msg: "a polygon ring needs at least four points"}
	}
	if pts[0] != pts[len(pts)-1] {
		return &Error{Pos: -1, Msg: "a polygon ring must end at its first point"}
	}
	return nil
}

func (p *parser) bbox() (orb.Geometry, error) {
	pos := p.peek().pos
	var v []float64
	err := p.list(func() error {
		t := p.next()
		sgn := 1.0
		if t.kind == tPunct && (t.s == "-" || t.s == "+") {
			if t.s == "-" {
				sgn = -1
			}
			t = p.next()
		}
		if t.kind != tNumber {
			return errAt(t.pos, "BBOX needs numbers, found %s", describe(t))
		}
		f, err := parseNumber(t)
		v = append(v, sgn*f)
		return err
	})
	if err != nil {
		return nil, err
	}
	b, err := bboxOf(v)
	if err != nil {
		return nil, errAt(pos, "%s", err.(*Error).Msg)
	}
	return b, nil
}

// bboxOf turns 4 or 6 numbers (with heights dropped) into a Bound.
func bboxOf(v []float64) (orb.Bound, error) {
	switch len(v) {
	case 4:
	case 6:
		v = []float64{v[0], v[1], v[3], v[4]}
	default:
		return orb.Bound{}, &Error{Pos: -1, Msg: "BBOX needs 4 or 6 numbers"}
	}
	if v[0] > v[2] || v[1] > v[3] {
		return orb.Bound{}, &Error{Pos: -1, Msg: "BBOX minimum exceeds maximum (boxes across the antimeridian are not supported)"}
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// parsePointIntersects parses s when it is S_INTERSECTS(property, POINT(x
// y)) in its plain spelling, the filter of a click on the map, into the
// expression parseTokens gives, without lexing it into tokens first. ok is
// false for any other text, which ParseText then parses in full: only ASCII
// white space between the parts, an unquoted ASCII property name that is no
// keyword, keywords in ASCII letters of any case, and two numbers, each
// signed or not, with white space between them, are taken.
// FuzzPointIntersects holds it to parseTokens.
func parsePointIntersects(s string) (e *Expr, ok bool) {
	i := skipASCIISpace(s, 0)
	if !hasASCIIPrefixFold(s[i:], "S_INTERSECTS") {
		return nil, false
	}
	if i = skipASCIISpace(s, i+len("S_INTERSECTS")); i >= len(s) || s[i] != '(' {
		return nil, false
	}
	i = skipASCIISpace(s, i+1)
	j := i
	for j < len(s) && (s[j] == '_' || isASCIILetter(s[j]) || j > i && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == ':')) {
		j++
	}
	prop := s[i:j]
	if prop == "" || isKeyword(prop) {
		return nil, false
	}
	if i = skipASCIISpace(s, j); i >= len(s) || s[i] != ',' {
		return nil, false
	}
	i = skipASCIISpace(s, i+1)
	if !hasASCIIPrefixFold(s[i:], "POINT") {
		return nil, false
	}
	if i = skipASCIISpace(s, i+len("POINT")); i >= len(s) || s[i] != '(' {
		return nil, false
	}
	x, i, ok := plainNumber(s, skipASCIISpace(s, i+1))
	if !ok || i >= len(s) || !isASCIISpace(s[i]) {
		return nil, false
	}
	y, i, ok := plainNumber(s, skipASCIISpace(s, i))
	if !ok {
		return nil, false
	}
	for _, c := range [2]byte{')', ')'} {
		if i = skipASCIISpace(s, i); i >= len(s) || s[i] != c {
			return nil, false
		}
		i++
	}
	if skipASCIISpace(s, i) != len(s) {
		return nil, false
	}
	return &Expr{root: &spatialNode{op: "S_INTERSECTS", args: [2]geomArg{{prop: prop}, {g: orb.Point{x, y}}}}}, true
}

// isKeyword reports whether the ASCII name is, in any case, a keyword or a
// geometry keyword, without building its upper case.
func isKeyword(name string) bool {
	var up [32]byte // longer than every keyword
	if len(name) > len(up) {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	u := up[:len(name)]
	return keywords[string(u)] || geomKeywords[string(u)]
}

// plainNumber reads at s[i:] a number as lex and parser.coord read one:
// an optional sign right before it, digits and points, an exponent. It
// returns the value and the index after it; ok is false if there is none
// or it is not a finite number.
func plainNumber(s string, i int) (v float64, end int, ok bool) {
	sgn := 1.0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		if s[i] == '-' {
			sgn = -1
		}
		i++
	}
	if i >= len(s) || !(s[i] >= '0' && s[i] <= '9' || s[i] == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9') {
		return 0, 0, false // not the start of a number token of lex
	}
	j := numberEnd(s, i)
	f, err := parseNumber(token{tNumber, s[i:j], i})
	if err != nil {
		return 0, 0, false
	}
	return sgn * f, j, true
}

// numberEnd returns the end of the number token of lex that starts at
// s[i] (a digit, or a point before a digit): digits and points, then an
// exponent if digits follow its e and sign.
func numberEnd(s string, i int) int {
	j := i
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		j++
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			j = k
		}
	}
	return j
}

func isASCIISpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// skipASCIISpace returns the index of the first byte of s from i on that
// is not ASCII white space.
func skipASCIISpace(s string, i int) int {
	for i < len(s) && isASCIISpace(s[i]) {
		i++
	}
	return i
}

// hasASCIIPrefixFold reports whether s starts with prefix, an upper-case
// ASCII keyword, in ASCII letters of any case.
func hasASCIIPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if isASCIILetter(c) {
			c &^= 0x20
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
