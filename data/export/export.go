// Package export encodes features of a collection as KML 2.2 (with
// github.com/twpayne/go-kml/v3) and as CSV with a WKT geometry column (with
// orb's encoding/wkt), streaming one feature at a time.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	kml "github.com/twpayne/go-kml/v3"

	"beibeimap/geo"
)

// propertyNames returns the property names of features (only those in
// props when props is not nil), sorted.
func propertyNames(features []*geo.Feature, props []string) []string {
	if props != nil {
		out := slices.Clone(props)
		sort.Strings(out)
		return out
	}
	seen := map[string]bool{}
	for _, f := range features {
		for k := range f.Properties {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Text returns the text of a property value in KML and CSV: strings as
// they are, numbers in the shortest form that reads back the same, true or
// false, "" for null or absent, and anything else as JSON.
func Text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// WriteCSV writes features as CSV (RFC 4180, UTF-8) to w: a header row,
// then one row per feature with the columns wkt (the geometry as WKT,
// WGS84 lon/lat), id and the properties (only props when not nil) in name
// order, values as Text gives them. With bom the file starts with a UTF-8
// byte order mark, which spreadsheet programs need to read UTF-8.
func WriteCSV(w io.Writer, features []*geo.Feature, props []string, bom bool) error {
	names := propertyNames(features, props)
	bw := bufio.NewWriter(w)
	if bom {
		bw.WriteString("\uFEFF")
	}
	cw := csv.NewWriter(bw)
	header := append([]string{"wkt", "id"}, names...)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	row := make([]string, len(header))
	for _, f := range features {
		row[0] = wkt.MarshalString(normal(f.Geometry))
		row[1] = f.ID
		for i, k := range names {
			row[2+i] = Text(f.Properties[k])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("export: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	return nil
}

// normal turns the orb types GeoJSON has no name for into polygons.
func normal(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Ring:
		return orb.Polygon{g}
	case orb.Bound:
		return g.ToPolygon()
	}
	return g
}

// WriteKML writes features as a KML 2.2 document named after collection c
// to w: a Folder named by the collection id holding one Placemark per
// feature, named by its name property (its id when
// it has none), with a description giving the English name, the validity
// dates, the accuracy and the source, and every property (only props when
// not nil) and the id as ExtendedData. A feature without coordinates is a
// Placemark without geometry.
func WriteKML(w io.Writer, c *geo.Collection, features []*geo.Feature, props []string) error {
	names := propertyNames(features, props)
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header + `<kml xmlns="` + kml.Namespace + `"><Document>`)
	enc := xml.NewEncoder(bw)
	doc := []kml.Element{kml.Name(c.Title), kml.Description(strings.TrimSpace(c.Description + "\n\n" + c.Attribution + "\n" + c.License))}
	for _, e := range doc {
		if err := e.MarshalXML(enc, xml.StartElement{}); err != nil {
			return fmt.Errorf("export: kml: %w", err)
		}
	}
	// One Folder named by the collection id: GIS software reads it as the
	// layer (GDAL names it so), even when it holds no Placemark.
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("export: kml: %w", err)
	}
	bw.WriteString("<Folder>")
	if err := kml.Name(c.ID).MarshalXML(enc, xml.StartElement{}); err != nil {
		return fmt.Errorf("export: kml: %w", err)
	}
	for _, f := range features {
		name := f.String("name")
		if name == "" {
			name = f.ID
		}
		data := []kml.Element{kml.Data("id", kml.Value(f.ID))}
		for _, k := range names {
			data = append(data, kml.Data(k, kml.Value(Text(f.Properties[k]))))
		}
		children := []kml.Element{kml.Name(name), kml.Description(description(f)), kml.ExtendedData(data...)}
		if g := geometry(normal(f.Geometry)); g != nil {
			children = append(children, g)
		}
		if err := kml.Placemark(children...).MarshalXML(enc, xml.StartElement{}); err != nil {
			return fmt.Errorf("export: kml: feature %q: %w", f.ID, err)
		}
	}
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("export: kml: %w", err)
	}
	bw.WriteString("</Folder></Document></kml>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: kml: %w", err)
	}
	return nil
}

// description is the human-readable summary of a Placemark.
func description(f *geo.Feature) string {
	var lines []string
	if en := f.String("name_en"); en != "" {
		lines = append(lines, en)
	}
	from, to := "…", "…"
	if !f.Valid.From.IsZero() {
		from = f.Valid.From.Format(geo.DateLayout)
	}
	if !f.Valid.To.IsZero() {
		to = f.Valid.To.Format(geo.DateLayout)
	}
	if from != "…" || to != "…" {
		lines = append(lines, "in force "+from+" – "+to)
	}
	for _, k := range []string{"accuracy", "source"} {
		if v := f.String(k); v != "" {
			lines = append(lines, k+": "+v)
		}
	}
	return strings.Join(lines, "\n")
}

func coords(ps []orb.Point) kml.CoordinatesElement {
	out := make([]kml.Coordinate, len(ps))
	for i, p := range ps {
		out[i] = kml.Coordinate{Lon: p[0], Lat: p[1]}
	}
	return kml.Coordinates(out...)
}

func polygon(p orb.Polygon) kml.Element {
	if len(p) == 0 || len(p[0]) == 0 {
		return nil
	}
	children := []kml.Element{kml.OuterBoundaryIs(kml.LinearRing(coords(p[0])))}
	for _, r := range p[1:] {
		children = append(children, kml.InnerBoundaryIs(kml.LinearRing(coords(r))))
	}
	return kml.Polygon(children...)
}

// geometry returns g as a KML geometry, nil when it has no coordinates.
func geometry(g orb.Geometry) kml.Element {
	var parts []kml.Element
	add := func(e kml.Element) {
		if e != nil {
			parts = append(parts, e)
		}
	}
	switch g := g.(type) {
	case orb.Point:
		return kml.Point(coords([]orb.Point{g}))
	case orb.LineString:
		if len(g) == 0 {
			return nil
		}
		return kml.LineString(coords(g))
	case orb.Polygon:
		return polygon(g)
	case orb.MultiPoint:
		for _, p := range g {
			add(geometry(p))
		}
	case orb.MultiLineString:
		for _, l := range g {
			add(geometry(l))
		}
	case orb.MultiPolygon:
		for _, p := range g {
			add(polygon(p))
		}
	case orb.Collection:
		for _, s := range g {
			add(geometry(normal(s)))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return kml.MultiGeometry(parts...)
}
