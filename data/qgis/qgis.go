// Package qgis writes a QGIS 3 project over a GeoPackage of the
// collections: every table a layer styled as on the map page (colours by
// category, labels in Chinese with English beside), the temporal
// properties on valid_from/valid_to, the project's time range around the
// dates of the data, and each layer's attribution and licence as its
// rights metadata.
//
// WriteQGZ delivers project and data as one file: a .qgz (the ZIP QGIS
// saves) holding the .qgs and the GeoPackage as an attached file, which
// the layers name as "attachment:beibeimap-layers.gpkg" (QGIS 3.22 and later
// unpack it to a temporary folder on opening; QgsProject.attachedFiles).
package qgis

import (
	"archive/zip"
	"fmt"
	"html"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// Names of the project, of the GeoPackage the project is made from, and
// of that GeoPackage attached inside the .qgz. QGIS counts a file of the
// archive whose base name is the project's (beibeimap.qgs, beibeimap.qgd)
// as the project's own, not as an attachment (QgsProject.attachedFiles
// omits it): the attached name differs.
const (
	ProjectName  = "beibeimap.qgz"
	DataName     = "beibeimap.gpkg"
	AttachedName = "beibeimap-layers.gpkg"
)

// AttachedSource is the data source of a layer read from the GeoPackage
// attached to a .qgz.
const AttachedSource = "attachment:" + AttachedName

// palette is the map page's colour list for category values, in the
// order of the sorted distinct values (web/src/main.js).
var palette = []string{
	"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
	"#393b79", "#637939", "#8c6d31", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1",
}

// districtColours are the map page's colours of the districts the change
// concerns; every other district is grey.
var districtColours = map[string]string{"北碚区": "#c62828", "两江新区": "#1565c0", "渝北区": "#6a1b9a", "江北区": "#00838f"}

// categoryField is the property each default layer is coloured by, as on
// the map page.
var categoryField = map[string]string{"districts": "name", "planning-zones": "kind", "corridors": "kind", "projects": "category"}

// singleColours are the colours of the layers drawn in one colour.
var singleColours = map[string]string{"townships": "#2b83ba", "seats": "#424242"}

type category struct {
	Value, Label, Colour string
}

type layer struct {
	ID, Title, Geometry, WKB, Field, Colour, Rights string
	Categories                                      []category
}

type project struct {
	Layers     []layer
	Abstract   string
	Start, End string
}

// rgba turns #rrggbb and an alpha (0–1) into QGIS's "r,g,b,a".
func rgba(hex string, alpha float64) string {
	var r, g, b int
	fmt.Sscanf(strings.TrimPrefix(hex, "#"), "%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("%d,%d,%d,%d", r, g, b, int(alpha*255+0.5))
}

// kinds returns QGIS's geometry name and WKB type of a layer.
func kinds(fs []*geo.Feature) (string, string) {
	for _, f := range fs {
		switch f.Geometry.(type) {
		case orb.Point:
			return "Point", "Point"
		case orb.MultiPoint:
			return "Point", "MultiPoint"
		case orb.LineString:
			return "Line", "LineString"
		case orb.MultiLineString:
			return "Line", "MultiLineString"
		case orb.Polygon:
			return "Polygon", "Polygon"
		case orb.MultiPolygon:
			return "Polygon", "MultiPolygon"
		}
	}
	return "Polygon", "MultiPolygon"
}

// layerOf describes collection c as a project layer.
func layerOf(c *geo.Collection) layer {
	g, w := kinds(c.Features)
	l := layer{ID: c.ID, Title: c.Title, Geometry: g, WKB: w, Rights: strings.TrimSpace(c.Attribution + "; " + c.License)}
	l.Field = categoryField[c.ID]
	if l.Field == "" {
		l.Colour = singleColours[c.ID]
		if l.Colour == "" {
			l.Colour = "#888888"
		}
		return l
	}
	var values []string
	for _, f := range c.Features {
		if v := f.String(l.Field); v != "" && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	sort.Strings(values)
	for i, v := range values {
		colour := palette[i%len(palette)]
		if c.ID == "districts" {
			if colour = districtColours[v]; colour == "" {
				continue
			}
		}
		l.Categories = append(l.Categories, category{v, v, colour})
	}
	if c.ID == "districts" {
		l.Categories = append(l.Categories, category{"", "other districts", "#8d8d8d"})
	}
	return l
}

// timeRange returns the span from a year before the first validity date
// to a year after the last, as QGIS date-times, or "" when there is none.
func timeRange(cols []*geo.Collection) (string, string) {
	var first, last time.Time
	for _, c := range cols {
		for _, f := range c.Features {
			for _, d := range []time.Time{f.Valid.From, f.Valid.To} {
				if d.IsZero() {
					continue
				}
				if first.IsZero() || d.Before(first) {
					first = d
				}
				if d.After(last) {
					last = d
				}
			}
		}
	}
	if first.IsZero() {
		return "", ""
	}
	return first.AddDate(-1, 0, 0).Format("2006-01-02T15:04:05"), last.AddDate(1, 0, 0).Format("2006-01-02") + "T23:59:59"
}

// WriteProject writes the .qgs project of cols, its layers read from the
// GeoPackage named by source, a QGIS data source path ("./beibeimap.gpkg"
// beside the project file, AttachedSource inside a .qgz), with tables
// named by collection id as data/gpkg writes them. sources is the
// project's abstract.
func WriteProject(w io.Writer, cols []*geo.Collection, source, sources string) error {
	p := project{Abstract: sources}
	p.Start, p.End = timeRange(cols)
	// Bottom to top as on the map page; the layer tree lists the top first.
	for _, id := range []string{"districts", "townships", "planning-zones", "corridors", "projects", "seats"} {
		for _, c := range cols {
			if c.ID == id {
				p.Layers = append(p.Layers, layerOf(c))
			}
		}
	}
	for _, c := range cols {
		if !slices.ContainsFunc(p.Layers, func(l layer) bool { return l.ID == c.ID }) {
			p.Layers = append(p.Layers, layerOf(c))
		}
	}
	return projectTemplate.Execute(w, struct {
		project
		Data string
	}{p, source})
}

// WriteQGZ writes to w a QGIS project archive (.qgz): the project of cols
// as beibeimap.qgs and the GeoPackage at gpkgPath attached to it as
// AttachedName, each layer reading its table from there. It opens in QGIS
// wherever it is saved, with nothing beside it.
func WriteQGZ(w io.Writer, cols []*geo.Collection, gpkgPath, sources string, modified time.Time) error {
	zw := zip.NewWriter(w)
	qw, err := zw.CreateHeader(&zip.FileHeader{Name: strings.TrimSuffix(ProjectName, ".qgz") + ".qgs", Method: zip.Deflate, Modified: modified})
	if err != nil {
		return fmt.Errorf("qgis: %w", err)
	}
	if err := WriteProject(qw, cols, AttachedSource, sources); err != nil {
		return fmt.Errorf("qgis: project: %w", err)
	}
	dw, err := zw.CreateHeader(&zip.FileHeader{Name: AttachedName, Method: zip.Deflate, Modified: modified})
	if err != nil {
		return fmt.Errorf("qgis: %w", err)
	}
	f, err := os.Open(gpkgPath)
	if err != nil {
		return fmt.Errorf("qgis: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(dw, f); err != nil {
		return fmt.Errorf("qgis: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("qgis: %w", err)
	}
	return nil
}

var projectTemplate = template.Must(template.New("qgs").Funcs(template.FuncMap{
	"x":    html.EscapeString,
	"rgba": rgba,
	"dict": func(geometry string, i int, colour string) map[string]any {
		return map[string]any{"geometry": geometry, "i": i, "colour": colour}
	},
	"rev": func(ls []layer) []layer {
		out := slices.Clone(ls)
		slices.Reverse(out)
		return out
	},
}).Parse(`<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis projectname="beibeimap" version="3.22.16-Białowieża">
  <title>beibeimap</title>
  <projectCrs><spatialrefsys><authid>EPSG:4326</authid></spatialrefsys></projectCrs>
  <layer-tree-group>
{{- range rev .Layers}}
    <layer-tree-layer id="{{x .ID}}" name="{{x .Title}}" source="./{{x $.Data}}|layername={{x .ID}}" providerKey="ogr" checked="{{if eq .ID "planning-zones"}}Qt::Unchecked{{else}}Qt::Checked{{end}}" expanded="1"/>
{{- end}}
  </layer-tree-group>
  <projectlayers>
{{- range .Layers}}
    <maplayer type="vector" geometry="{{.Geometry}}" wkbType="{{.WKB}}">
      <id>{{x .ID}}</id>
      <datasource>{{x $.Data}}|layername={{x .ID}}</datasource>
      <layername>{{x .Title}}</layername>
      <srs><spatialrefsys><authid>EPSG:4326</authid></spatialrefsys></srs>
      <provider encoding="UTF-8">ogr</provider>
      <resourceMetadata><identifier>{{x .ID}}</identifier><title>{{x .Title}}</title><rights>{{x .Rights}}</rights></resourceMetadata>
{{- $l := .}}
{{- if .Categories}}
      <renderer-v2 type="categorizedSymbol" attr="{{x .Field}}" forceraster="0" symbollevels="0" enableorderby="0">
        <categories>
{{- range $i, $c := .Categories}}
          <category render="true" symbol="{{$i}}" value="{{x $c.Value}}" label="{{x $c.Label}}"/>
{{- end}}
        </categories>
        <symbols>
{{- range $i, $c := .Categories}}
          {{template "symbol" (dict $l.Geometry $i $c.Colour)}}
{{- end}}
        </symbols>
      </renderer-v2>
{{- else}}
      <renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0">
        <symbols>
          {{template "symbol" (dict .Geometry 0 .Colour)}}
        </symbols>
      </renderer-v2>
{{- end}}
      <labeling type="simple"><settings calloutType="simple"><text-style fieldName="coalesce(&quot;name&quot;, &quot;id&quot;) || coalesce(' ' || &quot;name_en&quot;, '')" isExpression="1" fontSize="8" textColor="30,30,30,255" namedStyle="Regular"><text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/></text-style><placement placement="{{if eq .Geometry "Point"}}6{{else if eq .Geometry "Line"}}2{{else}}1{{end}}"/><rendering/></settings></labeling>
      <temporal enabled="1" mode="2" startField="valid_from" endField="valid_to" accumulate="0" limitMode="0" durationUnit="min" fixedDuration="0"/>
    </maplayer>
{{- end}}
  </projectlayers>
{{- if .Start}}
  <ProjectTimeSettings timeStepUnit="d" timeStep="1" frameRate="1" cumulativeTemporalRange="0"><TemporalRange><start>{{.Start}}</start><end>{{.End}}</end></TemporalRange></ProjectTimeSettings>
{{- end}}
  <projectMetadata><identifier>beibeimap</identifier><title>beibeimap: the new 北碚区 (2026-01-25) and its history</title><abstract>{{x .Abstract}}</abstract></projectMetadata>
</qgis>
{{define "symbol"}}{{if eq .geometry "Point"}}<symbol type="marker" name="{{.i}}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0"><Option type="Map"><Option type="QString" name="name" value="circle"/><Option type="QString" name="color" value="{{rgba .colour 0.95}}"/><Option type="QString" name="outline_color" value="255,255,255,255"/><Option type="QString" name="outline_width" value="0.4"/><Option type="QString" name="size" value="2.6"/></Option></layer></symbol>{{else if eq .geometry "Line"}}<symbol type="line" name="{{.i}}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" enabled="1" locked="0" pass="0"><Option type="Map"><Option type="QString" name="line_color" value="{{rgba .colour 0.85}}"/><Option type="QString" name="line_width" value="1"/><Option type="QString" name="line_style" value="dash"/></Option></layer></symbol>{{else}}<symbol type="fill" name="{{.i}}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map"><Option type="QString" name="color" value="{{rgba .colour 0.15}}"/><Option type="QString" name="outline_color" value="{{rgba .colour 0.9}}"/><Option type="QString" name="outline_width" value="0.6"/><Option type="QString" name="style" value="solid"/></Option></layer></symbol>{{end}}{{end}}`))
