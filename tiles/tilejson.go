package tiles

import (
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// VectorLayer describes one MVT layer as TileJSON 3.0.0 vector_layers do.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// TileJSON is a TileJSON 3.0.0 document describing the tiles of a snapshot.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version,omitempty"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// Describe returns the TileJSON 3.0.0 description of the tiles Render
// makes of snap, served from the URL templates tiles (which must hold
// {z}, {x} and {y}) between zoom minZoom and maxZoom: one vector layer per
// collection listing every attribute its features carry in tiles (the
// "id" property included) with a description, the attributions of all
// collections once each, and bounds (lon/lat, west, south, east, north)
// spanning the data. With layers, only those collections are described
// (as Render draws only them).
func Describe(snap *geo.Snapshot, tiles []string, minZoom, maxZoom int, layers ...string) TileJSON {
	tj := TileJSON{
		TileJSON: "3.0.0", Name: "beibeimap",
		Description: "Administrative divisions, planning zones, projects and corridors around the new Beibei district of Chongqing (2026-01-25)",
		Version:     "1.0.0", Scheme: "xyz", Tiles: tiles, MinZoom: minZoom, MaxZoom: maxZoom,
		Attribution: Attribution(snap), VectorLayers: []VectorLayer{},
	}
	var b orb.Bound
	first := true
	for _, c := range snap.Collections() {
		if len(layers) > 0 && !slices.Contains(layers, c.ID) {
			continue
		}
		tj.VectorLayers = append(tj.VectorLayers, VectorLayer{ID: c.ID, Description: c.Title, MinZoom: minZoom, MaxZoom: maxZoom, Fields: Fields(c)})
		if cb, _ := c.Extent(); cb != (orb.Bound{}) {
			if first {
				b, first = cb, false
			} else {
				b = b.Union(cb)
			}
		}
	}
	if first {
		b = orb.Bound{Min: orb.Point{-180, -85.0511}, Max: orb.Point{180, 85.0511}}
	}
	tj.Bounds = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	c := b.Center()
	tj.Center = [3]float64{c[0], c[1], float64(min(max(minZoom, 9), maxZoom))}
	return tj
}

// Attribution returns the credits of snap's collections, each once, in
// collection order, joined by "; ". A collection's attribution is split
// into its credits at "; ", since collections share sources.
func Attribution(snap *geo.Snapshot) string {
	var parts []string
	for _, c := range snap.Collections() {
		for _, p := range strings.Split(c.Attribution, "; ") {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
	}
	return strings.Join(parts, "; ")
}

// Fields returns the attributes the tiles carry for the features of c,
// each with a description: its meaning where the project's layers define
// it, and its MVT value type (String, Number or Boolean; arrays and objects
// travel as JSON text).
func Fields(c *geo.Collection) map[string]string {
	types := map[string]string{"id": "String"}
	for _, f := range c.Features {
		for k, v := range f.Properties {
			if k == attributionProperty {
				continue
			}
			var t string
			switch v.(type) {
			case nil:
				continue
			case string:
				t = "String"
			case float64:
				t = "Number"
			case bool:
				t = "Boolean"
			default:
				t = "String (JSON)"
			}
			if old, ok := types[k]; ok && old != t {
				t = "String, Number or Boolean (varies by feature)"
			}
			types[k] = t
		}
	}
	out := make(map[string]string, len(types))
	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d := fieldMeaning[k]
		if d == "" {
			d = "attribute " + k + " of the source data"
		}
		out[k] = types[k] + ": " + d
	}
	return out
}

// fieldMeaning describes the attributes of the project's layers.
var fieldMeaning = map[string]string{
	"id":                    "feature id in the OGC API collection (the MVT feature id is a number derived from it)",
	"name":                  "name in Chinese",
	"name_en":               "name in English (pinyin)",
	"name_in_source":        "name as spelled in the source",
	"name_en_source":        "source of the English name",
	"code":                  "administrative division code (GB/T 2260, 12 digits for townships)",
	"code_note":             "note on the code",
	"kind":                  "kind of feature",
	"category":              "category of the project",
	"status":                "status (in force, planned, abolished …)",
	"valid_from":            "first day in force, YYYY-MM-DD",
	"valid_to":              "last day in force, YYYY-MM-DD (empty: still in force)",
	"version":               "version of the outline",
	"source":                "where the data comes from",
	"source_text":           "quotation from the source",
	"accuracy":              "accuracy of the geometry",
	"method":                "how the geometry was made",
	"area_km2":              "area in km²",
	"units":                 "units (townships) the area is made of, JSON list",
	"unit_names":            "names of the units, JSON list",
	"predecessors":          "divisions it replaced, JSON list",
	"successor":             "division that replaced it",
	"repaired":              "whether the outline was repaired",
	"district_before":       "district before 2026-01-25 (feature id)",
	"district_after":        "district from 2026-01-25 (feature id)",
	"district_before_name":  "name of the district before 2026-01-25",
	"district_after_name":   "name of the district from 2026-01-25",
	"moves":                 "whether the unit moves district on 2026-01-25",
	"geometry_note":         "note on the geometry",
	"seat_geonames_id":      "GeoNames id of the seat",
	"township":              "township code of the seat",
	"township_name":         "name of the township of the seat",
	"geonames_id":           "GeoNames id",
	"geonames_modified":     "date GeoNames last modified the record",
	"feature_code":          "GeoNames feature code",
	"population":            "population (GeoNames)",
	"attribution":           "attribution required by the source",
	"basis":                 "legal or planning basis",
	"placement":             "how the feature was placed",
	"placed_at_geonames_id": "GeoNames id of the place it was put at",
	"location_precision":    "precision of the location",
	"via":                   "places the corridor runs through, JSON list",
	"via_geonames_ids":      "GeoNames ids of those places, JSON list",
}
