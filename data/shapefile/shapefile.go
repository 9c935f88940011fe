// Package shapefile writes a collection as an ESRI Shapefile (ESRI
// Shapefile Technical Description, July 1998; dBASE III attribute table)
// packed in a ZIP archive: LAYER.shp, .shx, .dbf, .prj (WGS 84), .cpg
// (UTF-8) and LAYER_fields.txt, the table that maps every DBF field name
// (at most 10 characters) to the property it holds.
//
// No Go shapefile module is available to the project; this writer does
// the one thing it needs: 2D shapes, one shape type per file, UTF-8
// attributes.
package shapefile

import (
	"archive/zip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// Shape types of the .shp file.
const (
	shapeNull     = 0
	shapePoint    = 1
	shapePolyLine = 3
	shapePolygon  = 5
	shapeMulti    = 8
)

// maxText is the longest DBF character field in bytes; longer values are
// cut at a character boundary and counted in the fields table.
const maxText = 254

// prjWGS84 is the .prj of WGS 84 longitude/latitude in the ESRI WKT
// dialect GIS software expects there.
const prjWGS84 = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`

// field is one DBF column.
type field struct {
	name     string // DBF name, ≤ 10 ASCII characters
	property string // "" for the feature id
	typ      byte   // C, N, L or D
	width    int
	decimals int
	json     bool // C holding JSON (arrays, objects, mixed types)
	cut      int  // values cut to maxText bytes
}

// WriteZIP writes features (of collection c, in order, with only the
// properties props, nil meaning all) as the shapefile c.ID packed in a ZIP
// archive to w, with modified as the files' time. The shape type is that of
// the geometries: points (Point), multi-points, lines (PolyLine) or
// polygons (Polygon, outer rings clockwise and holes counter-clockwise as
// the format wants, whatever their order in the data); a feature without
// coordinates is a null shape. Geometry collections and layers mixing
// points, lines and polygons return an error wrapping geo.ErrInvalid.
// Property types follow the data as in GeoPackage downloads: whole numbers
// N with no decimals, other numbers N with the decimals they need, booleans
// L, YYYY-MM-DD dates D, strings C, anything else C holding JSON; the
// feature id is the field "id". The fields table names the mapping and
// how many values were cut to 254 bytes.
func WriteZIP(w io.Writer, c *geo.Collection, features []*geo.Feature, props []string, modified time.Time) error {
	st, err := shapeType(features)
	if err != nil {
		return fmt.Errorf("shapefile: %s: %w", c.ID, err)
	}
	fields := fieldsOf(features, props)
	zw := zip.NewWriter(w)
	create := func(ext string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: c.ID + ext, Method: zip.Deflate, Modified: modified})
	}
	shp, err := create(".shp")
	if err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	lengths, bound := contentLengths(features, st)
	total := 50 // 16-bit words: the header
	for _, n := range lengths {
		total += 4 + n
	}
	if err := writeHeader(shp, total, st, bound); err != nil {
		return err
	}
	for i, f := range features {
		if err := writeRecord(shp, i+1, lengths[i], st, f.Geometry); err != nil {
			return fmt.Errorf("shapefile: feature %q: %w", f.ID, err)
		}
	}
	shx, err := create(".shx")
	if err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	if err := writeHeader(shx, 50+4*len(features), st, bound); err != nil {
		return err
	}
	offset := 50
	for _, n := range lengths {
		var b [8]byte
		binary.BigEndian.PutUint32(b[0:], uint32(offset))
		binary.BigEndian.PutUint32(b[4:], uint32(n))
		if _, err := shx.Write(b[:]); err != nil {
			return fmt.Errorf("shapefile: %w", err)
		}
		offset += 4 + n
	}
	dbf, err := create(".dbf")
	if err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	if err := writeDBF(dbf, features, fields, modified); err != nil {
		return err
	}
	for _, extra := range []struct{ ext, text string }{
		{".prj", prjWGS84},
		{".cpg", "UTF-8"},
		{"_fields.txt", fieldsTable(c, fields)},
	} {
		f, err := create(extra.ext)
		if err != nil {
			return fmt.Errorf("shapefile: %w", err)
		}
		if _, err := io.WriteString(f, extra.text); err != nil {
			return fmt.Errorf("shapefile: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	return nil
}

// shapeType returns the one shape type of the geometries.
func shapeType(features []*geo.Feature) (int32, error) {
	st := int32(shapeNull)
	for _, f := range features {
		var t int32
		switch f.Geometry.(type) {
		case orb.Point:
			t = shapePoint
		case orb.MultiPoint:
			t = shapeMulti
		case orb.LineString, orb.MultiLineString:
			t = shapePolyLine
		case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
			t = shapePolygon
		default:
			return 0, fmt.Errorf("feature %q: a %s cannot be a shape: %w", f.ID, f.Geometry.GeoJSONType(), geo.ErrInvalid)
		}
		if len(points(f.Geometry)) == 0 {
			continue
		}
		if st != shapeNull && st != t {
			return 0, fmt.Errorf("features mix shape types %d and %d; a shapefile holds one: %w", st, t, geo.ErrInvalid)
		}
		st = t
	}
	return st, nil
}

// parts returns the parts (rings or lines) of g in shapefile order, rings
// oriented as the format wants: outer clockwise, holes counter-clockwise.
func parts(g orb.Geometry) [][]orb.Point {
	var out [][]orb.Point
	poly := func(p orb.Polygon) {
		for i, r := range p {
			if len(r) == 0 {
				continue
			}
			want := orb.CW
			if i > 0 {
				want = orb.CCW
			}
			if r.Orientation() != want {
				r = slices.Clone(r)
				r.Reverse()
			}
			out = append(out, r)
		}
	}
	switch g := g.(type) {
	case orb.LineString:
		out = append(out, g)
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) > 0 {
				out = append(out, l)
			}
		}
	case orb.Ring:
		poly(orb.Polygon{g})
	case orb.Bound:
		poly(g.ToPolygon())
	case orb.Polygon:
		poly(g)
	case orb.MultiPolygon:
		for _, p := range g {
			poly(p)
		}
	}
	return out
}

// points returns every point of g.
func points(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	}
	var out []orb.Point
	for _, p := range parts(g) {
		out = append(out, p...)
	}
	return out
}

// contentLengths returns the content length of each record in 16-bit
// words and the bounding box of all shapes.
func contentLengths(features []*geo.Feature, st int32) ([]int, orb.Bound) {
	lengths := make([]int, len(features))
	var bound orb.Bound
	have := false
	for i, f := range features {
		pts := points(f.Geometry)
		if len(pts) == 0 {
			lengths[i] = 2
			continue
		}
		b := orb.MultiPoint(pts).Bound()
		if have {
			bound = bound.Union(b)
		} else {
			bound, have = b, true
		}
		switch st {
		case shapePoint:
			lengths[i] = (4 + 16) / 2
		case shapeMulti:
			lengths[i] = (4 + 32 + 4 + 16*len(pts)) / 2
		default:
			lengths[i] = (4 + 32 + 8 + 4*len(parts(f.Geometry)) + 16*len(pts)) / 2
		}
	}
	return lengths, bound
}

// writeHeader writes the 100-byte header of a .shp or .shx file of
// length words.
func writeHeader(w io.Writer, words int, st int32, b orb.Bound) error {
	var h [100]byte
	binary.BigEndian.PutUint32(h[0:], 9994)
	binary.BigEndian.PutUint32(h[24:], uint32(words))
	binary.LittleEndian.PutUint32(h[28:], 1000)
	binary.LittleEndian.PutUint32(h[32:], uint32(st))
	for i, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		binary.LittleEndian.PutUint64(h[36+8*i:], math.Float64bits(v))
	}
	if _, err := w.Write(h[:]); err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	return nil
}

func writeRecord(w io.Writer, n, words int, st int32, g orb.Geometry) error {
	buf := make([]byte, 0, 8+2*words)
	buf = binary.BigEndian.AppendUint32(buf, uint32(n))
	buf = binary.BigEndian.AppendUint32(buf, uint32(words))
	le := binary.LittleEndian
	f64 := func(v float64) { buf = le.AppendUint64(buf, math.Float64bits(v)) }
	pts := points(g)
	switch {
	case len(pts) == 0:
		buf = le.AppendUint32(buf, shapeNull)
	case st == shapePoint:
		buf = le.AppendUint32(buf, shapePoint)
		f64(pts[0][0])
		f64(pts[0][1])
	default:
		buf = le.AppendUint32(buf, uint32(st))
		b := orb.MultiPoint(pts).Bound()
		f64(b.Min[0])
		f64(b.Min[1])
		f64(b.Max[0])
		f64(b.Max[1])
		if st != shapeMulti {
			ps := parts(g)
			buf = le.AppendUint32(buf, uint32(len(ps)))
			buf = le.AppendUint32(buf, uint32(len(pts)))
			start := 0
			for _, p := range ps {
				buf = le.AppendUint32(buf, uint32(start))
				start += len(p)
			}
		} else {
			buf = le.AppendUint32(buf, uint32(len(pts)))
		}
		for _, p := range pts {
			f64(p[0])
			f64(p[1])
		}
	}
	if len(buf) != 8+2*words {
		return fmt.Errorf("record of %d bytes, %d announced", len(buf)-8, 2*words)
	}
	_, err := w.Write(buf)
	return err
}

// fieldsOf types the DBF fields of the properties (sorted by name, after
// the id) and gives each a short, unique name (see dbfNames).
func fieldsOf(features []*geo.Feature, props []string) []*field {
	type stat struct {
		kind           byte // 0 only nulls, C, N (integer), F (real), L, D, J (JSON)
		width, decimal int
	}
	stats := map[string]*stat{}
	idWidth := 1
	for _, f := range features {
		idWidth = max(idWidth, min(maxText, len(f.ID)))
		for k, v := range f.Properties {
			if props != nil && !slices.Contains(props, k) {
				continue
			}
			s := stats[k]
			if s == nil {
				s = &stat{}
				stats[k] = s
			}
			var kind byte
			switch v := v.(type) {
			case nil:
				continue
			case string:
				kind = 'C'
				if isDate(v) {
					kind = 'D'
				}
			case float64:
				kind = 'N'
				if v != math.Trunc(v) || math.Abs(v) > 1e15 {
					kind = 'F'
					txt := strconv.FormatFloat(v, 'f', -1, 64)
					if i := strings.IndexByte(txt, '.'); i >= 0 {
						s.decimal = max(s.decimal, len(txt)-i-1)
					}
				}
			case bool:
				kind = 'L'
			default:
				kind = 'J'
			}
			switch {
			case s.kind == 0 || s.kind == kind:
				s.kind = kind
			case (s.kind == 'N' || s.kind == 'F') && (kind == 'N' || kind == 'F'):
				s.kind = 'F'
			case (s.kind == 'C' || s.kind == 'D') && (kind == 'C' || kind == 'D'):
				s.kind = 'C'
			default:
				s.kind = 'J'
			}
		}
	}
	for _, k := range props {
		if stats[k] == nil {
			stats[k] = &stat{}
		}
	}
	names := make([]string, 0, len(stats))
	for k := range stats {
		names = append(names, k)
	}
	sort.Strings(names)
	fields := []*field{{name: "id", typ: 'C', width: idWidth}}
	for _, k := range names {
		s := stats[k]
		f := &field{property: k}
		switch s.kind {
		case 'N':
			f.typ, f.width = 'N', 1
		case 'F':
			f.typ, f.decimals = 'N', min(s.decimal, 15)
		case 'L':
			f.typ, f.width = 'L', 1
		case 'D':
			f.typ, f.width = 'D', 8
		default:
			f.typ, f.width, f.json = 'C', 1, s.kind == 'J'
		}
		fields = append(fields, f)
	}
	// Widths from the values as they will be written.
	for _, f := range features {
		for _, fd := range fields[1:] {
			v, ok := f.Properties[fd.property]
			if !ok || v == nil {
				continue
			}
			s := fd.format(v)
			if fd.typ == 'C' && len(s) > maxText {
				s = s[:maxText]
			}
			fd.width = max(fd.width, len(s))
		}
	}
	for _, fd := range fields {
		if fd.typ == 'N' {
			fd.width = min(max(fd.width, fd.decimals+2), 20)
		}
	}
	dbfNames(fields)
	return fields
}

// dbfNames gives every property field a DBF name of at most 10 ASCII
// characters, unique without regard to case: a name that fits is kept; a
// longer one keeps the start of each word (words split at '_'), sharing
// the 10 characters between the words; a name that is not ASCII becomes
// f plus its position; and a name that would repeat another ends in a
// number instead. fieldsTable writes the mapping.
func dbfNames(fields []*field) {
	used := map[string]bool{"id": true}
	for i, f := range fields {
		if f.property == "" {
			continue
		}
		name := shorten(f.property)
		if name == "" {
			name = "f" + strconv.Itoa(i)
		}
		for n := 2; used[strings.ToLower(name)]; n++ {
			suffix := strconv.Itoa(n)
			base := name
			if len(base)+len(suffix) > 10 {
				base = base[:10-len(suffix)]
			}
			name = base + suffix
		}
		used[strings.ToLower(name)] = true
		f.name = name
	}
}

// shorten returns a name of at most 10 characters for property p, or ""
// when p is not made of ASCII letters, digits and underscores.
func shorten(p string) string {
	for _, r := range p {
		if !(r < utf8.RuneSelf && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')) {
			return ""
		}
	}
	if p == "" || p[0] >= '0' && p[0] <= '9' {
		return ""
	}
	if len(p) <= 10 {
		return p
	}
	words := strings.FieldsFunc(p, func(r rune) bool { return r == '_' })
	if len(words) > 5 {
		words = words[:5]
	}
	budget := 10 - (len(words) - 1) // characters left after the underscores
	keep := make([]int, len(words))
	for budget > 0 {
		grew := false
		for i := range words {
			if budget > 0 && keep[i] < len(words[i]) {
				keep[i]++
				budget--
				grew = true
			}
		}
		if !grew {
			break
		}
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w[:keep[i]]
	}
	return strings.Join(out, "_")
}

// format returns the DBF text of a non-null value.
func (f *field) format(v any) string {
	if f.json {
		b, _ := json.Marshal(v)
		return string(b)
	}
	switch f.typ {
	case 'N':
		x, _ := v.(float64)
		return strconv.FormatFloat(x, 'f', f.decimals, 64)
	case 'L':
		if b, _ := v.(bool); b {
			return "T"
		}
		return "F"
	case 'D':
		s, _ := v.(string)
		return strings.ReplaceAll(s, "-", "")
	}
	s, _ := v.(string)
	return s
}

func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	_, err := time.Parse(geo.DateLayout, s)
	return err == nil
}

// cut shortens s to at most n bytes at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func writeDBF(w io.Writer, features []*geo.Feature, fields []*field, modified time.Time) error {
	recLen := 1
	for _, f := range fields {
		recLen += f.width
	}
	hdrLen := 32 + 32*len(fields) + 1
	h := make([]byte, 32, hdrLen)
	h[0] = 0x03
	y, m, d := modified.UTC().Date()
	h[1], h[2], h[3] = byte(y-1900), byte(m), byte(d)
	binary.LittleEndian.PutUint32(h[4:], uint32(len(features)))
	binary.LittleEndian.PutUint16(h[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(h[10:], uint16(recLen))
	for _, f := range fields {
		var fd [32]byte
		copy(fd[:11], f.name)
		fd[11] = f.typ
		fd[16] = byte(f.width)
		fd[17] = byte(f.decimals)
		h = append(h, fd[:]...)
	}
	h = append(h, 0x0D)
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	rec := make([]byte, 0, recLen)
	for _, feat := range features {
		rec = append(rec[:0], ' ')
		for _, f := range fields {
			var s string
			if f.property == "" {
				s = feat.ID
			} else if v, ok := feat.Properties[f.property]; ok && v != nil {
				s = f.format(v)
			} else if f.typ == 'L' {
				s = "?"
			}
			if len(s) > f.width {
				s = cut(s, f.width)
				f.cut++
			}
			pad := strings.Repeat(" ", f.width-len(s))
			if f.typ == 'N' {
				rec = append(append(rec, pad...), s...)
			} else {
				rec = append(append(rec, s...), pad...)
			}
		}
		if _, err := w.Write(rec); err != nil {
			return fmt.Errorf("shapefile: %w", err)
		}
	}
	if _, err := w.Write([]byte{0x1A}); err != nil {
		return fmt.Errorf("shapefile: %w", err)
	}
	return nil
}

// fieldsTable is the text of LAYER_fields.txt: one line per DBF field,
// tab-separated, after a header.
func fieldsTable(c *geo.Collection, fields []*field) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s.dbf: DBF field names (at most 10 characters) and the properties of collection %s they hold.\n", c.ID, c.ID)
	fmt.Fprintf(&b, "# Text is UTF-8 (%s.cpg); values longer than %d bytes are cut at a character boundary (column cut counts them).\n", c.ID, maxText)
	if c.Attribution != "" {
		fmt.Fprintf(&b, "# Attribution: %s\n# Licence: %s\n", c.Attribution, c.License)
	}
	b.WriteString("dbf_field\tproperty\ttype\twidth\tdecimals\tjson\tcut\n")
	for _, f := range fields {
		prop := f.property
		if prop == "" {
			prop = "(feature id)"
		}
		fmt.Fprintf(&b, "%s\t%s\t%c\t%d\t%d\t%t\t%d\n", f.name, prop, f.typ, f.width, f.decimals, f.json, f.cut)
	}
	return b.String()
}
