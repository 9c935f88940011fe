package server

// HTML renderings of the OGC API documents: readable pages with no
// JavaScript and nothing fetched from the network; the items and feature
// pages carry a small map drawn server-side as inline SVG.

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"beibeimap/geo"
)

//go:embed templates/ogc_*.html
var templateFS embed.FS

// pageTemplates holds every page template; parsed once, read-only after.
var pageTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"json": func(v any) string {
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	},
	"value": formatValue,
}).ParseFS(templateFS, "templates/ogc_*.html"))

// pageData is what every page template receives.
type pageData struct {
	Title string
	Base  baseURL
	Links []link
	Doc   any
}

// renderHTML executes the page template name with d.
func (s *Server) renderHTML(c echo.Context, name string, d pageData) error {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, d); err != nil {
		return fmt.Errorf("server: render %s: %w", name, err)
	}
	htmlPolicies(c.Response().Header())
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// featureRow is one feature of an items page.
type featureRow struct {
	ID    string
	Href  string
	Props []propRow
}

type propRow struct {
	Name  string
	Value any
}

func sortedProps(f *geo.Feature, only []string) []propRow {
	var rows []propRow
	for k, v := range f.Properties {
		if only != nil && !slices.Contains(only, k) {
			continue
		}
		rows = append(rows, propRow{k, v})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// itemsDoc is the data of the items page.
type itemsDoc struct {
	Collection     *geo.Collection
	Columns        []string
	Rows           []featureRow
	Matched        int
	Returned       int
	Next, Prev     string
	Map            template.HTML
	CollectionHref string
}

func itemsPage(b baseURL, c *geo.Collection, iq *itemsQuery, page []*geo.Feature, matched int, links []link) pageData {
	d := itemsDoc{Collection: c, Matched: matched, Returned: len(page), CollectionHref: b.at(collectionPath(c.ID), nil)}
	cols := map[string]bool{}
	for _, f := range page {
		row := featureRow{ID: f.ID, Href: b.at(featurePath(c.ID, f.ID), nil) + "?f=html", Props: sortedProps(f, iq.properties)}
		for _, p := range row.Props {
			cols[p.Name] = true
		}
		d.Rows = append(d.Rows, row)
	}
	for k := range cols {
		d.Columns = append(d.Columns, k)
	}
	sort.Strings(d.Columns)
	for i := range d.Rows {
		m := map[string]any{}
		for _, p := range d.Rows[i].Props {
			m[p.Name] = p.Value
		}
		full := make([]propRow, len(d.Columns))
		for j, k := range d.Columns {
			full[j] = propRow{k, m[k]}
		}
		d.Rows[i].Props = full
	}
	for _, l := range links {
		switch l.Rel {
		case "next":
			d.Next = htmlVariant(l.Href)
		case "prev":
			d.Prev = htmlVariant(l.Href)
		}
	}
	if !iq.skipGeometry {
		d.Map = svgMap(page, func(f *geo.Feature) string { return b.at(featurePath(c.ID, f.ID), nil) + "?f=html" })
	}
	return pageData{Title: c.Title, Base: b, Links: links, Doc: d}
}

func htmlVariant(href string) string {
	if strings.Contains(href, "?") {
		return href + "&f=html"
	}
	return href + "?f=html"
}

// featureDoc is the data of the feature page.
type featureDoc struct {
	Collection *geo.Collection
	Feature    *geo.Feature
	Props      []propRow
	Map        template.HTML
	Valid      string
}

func featurePage(b baseURL, c *geo.Collection, f *geo.Feature, links []link) pageData {
	return pageData{Title: f.ID, Base: b, Links: links, Doc: featureDoc{
		Collection: c, Feature: f, Props: sortedProps(f, nil),
		Map: svgMap([]*geo.Feature{f}, nil), Valid: f.Valid.String(),
	}}
}

// queryablesPage is the data of the queryables page.
type queryablesPage struct {
	Collection *geo.Collection
	Queryables []geo.Field
}

// apiDoc is the data of the API page: the paths of the OpenAPI document in
// order, with their operations and parameters.
type apiDoc struct {
	Paths []apiPath
	Raw   obj
}

type apiPath struct {
	Path string
	Ops  []apiOp
}

type apiOp struct {
	Method, Summary string
	Params          []apiParam
}

type apiParam struct {
	Name, In, Description, Schema string
}

func apiPage(doc obj) apiDoc {
	paths := doc["paths"].(obj)
	params := doc["components"].(obj)["parameters"].(obj)
	var keys []string
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	d := apiDoc{Raw: doc}
	for _, k := range keys {
		ap := apiPath{Path: k}
		ops := paths[k].(obj)
		for _, m := range []string{"get", "post"} {
			op, ok := ops[m].(obj)
			if !ok {
				continue
			}
			o := apiOp{Method: strings.ToUpper(m), Summary: fmt.Sprint(op["summary"])}
			ps, _ := op["parameters"].([]any)
			for _, p := range ps {
				po := p.(obj)
				if r, ok := po["$ref"].(string); ok {
					po = params[strings.TrimPrefix(r, "#/components/parameters/")].(obj)
				}
				sb, _ := json.Marshal(po["schema"])
				o.Params = append(o.Params, apiParam{Name: fmt.Sprint(po["name"]), In: fmt.Sprint(po["in"]), Description: fmt.Sprint(po["description"]), Schema: string(sb)})
			}
			ap.Ops = append(ap.Ops, o)
		}
		d.Paths = append(d.Paths, ap)
	}
	return d
}

// svgMap draws the geometries of feats as an inline SVG in an
// equirectangular projection scaled by the cosine of the mean latitude.
// href, when set, links each shape to its feature page.
func svgMap(feats []*geo.Feature, href func(*geo.Feature) string) template.HTML {
	var bound orb.Bound
	first := true
	for _, f := range feats {
		if f.Geometry == nil {
			continue
		}
		if first {
			bound, first = f.Geometry.Bound(), false
		} else {
			bound = bound.Union(f.Geometry.Bound())
		}
	}
	if first {
		return ""
	}
	const w, h, pad = 640.0, 420.0, 10.0
	k := math.Cos((bound.Min[1] + bound.Max[1]) / 2 * math.Pi / 180)
	gw, gh := (bound.Max[0]-bound.Min[0])*k, bound.Max[1]-bound.Min[1]
	scale := math.Min((w-2*pad)/math.Max(gw, 1e-9), (h-2*pad)/math.Max(gh, 1e-9))
	if gw == 0 && gh == 0 {
		scale = 1
	}
	proj := func(p orb.Point) (float64, float64) {
		return pad + (p[0]-bound.Min[0])*k*scale, h - pad - (p[1]-bound.Min[1])*scale
	}
	var sb strings.Builder
	// With links the map is a group of links, not an image: role="img"
	// makes its content presentational, and links inside it unreachable
	// for assistive technology (axe-core: nested-interactive).
	role, label := "img", "Map of the features"
	if href != nil {
		role, label = "group", "Map of the features; each shape links to its feature"
	}
	fmt.Fprintf(&sb, `<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="%s" aria-label="%s">`, w, h, w, h, role, label)
	for i, f := range feats {
		colour := fmt.Sprintf("hsl(%d,55%%,50%%)", (i*47)%360)
		var path strings.Builder
		var pts []orb.Point
		drawGeometry(f.Geometry, proj, &path, &pts)
		if href != nil {
			fmt.Fprintf(&sb, `<a href="%s" aria-label="%s">`, template.HTMLEscapeString(href(f)), template.HTMLEscapeString(f.ID))
		}
		fmt.Fprintf(&sb, `<g><title>%s</title>`, template.HTMLEscapeString(f.ID))
		if path.Len() > 0 {
			fmt.Fprintf(&sb, `<path d="%s" fill="%s" fill-opacity="0.35" stroke="%s" stroke-width="1.2" fill-rule="evenodd"/>`, path.String(), colour, colour)
		}
		for _, p := range pts {
			x, y := proj(p)
			fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`, x, y, colour)
		}
		sb.WriteString("</g>")
		if href != nil {
			sb.WriteString("</a>")
		}
	}
	sb.WriteString("</svg>")
	return template.HTML(sb.String())
}

// drawGeometry appends SVG path data for lines and polygons of g to path
// and collects its points in pts.
func drawGeometry(g orb.Geometry, proj func(orb.Point) (float64, float64), path *strings.Builder, pts *[]orb.Point) {
	line := func(ps []orb.Point, closed bool) {
		for i, p := range ps {
			x, y := proj(p)
			if i == 0 {
				fmt.Fprintf(path, "M%.1f %.1f", x, y)
			} else {
				fmt.Fprintf(path, "L%.1f %.1f", x, y)
			}
		}
		if closed {
			path.WriteString("Z")
		}
	}
	geo.Walk(g, func(p geo.Part) bool {
		switch p.Kind {
		case geo.PointPart:
			*pts = append(*pts, p.Point)
		case geo.LinePart:
			line(p.Line, false)
		case geo.PolygonPart:
			for _, r := range p.Polygon {
				line(r, true)
			}
		}
		return true
	})
}
