package data

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// Schema is the set of rules data/README.md gives one default layer: the
// kind of its geometries and the properties every feature must have. It is
// the one table that both `beibeimap data check` and every load
// (LoadSnapshot, and the PostGIS source through ValidateSchema) apply.
// Layers that are not default ones have no Schema and get only the generic
// checks of geo.NewSnapshot.
type Schema struct {
	// Geometry is the kind of every feature's geometry: "polygon"
	// (Polygon, MultiPolygon), "point" (Point, MultiPoint) or "line"
	// (LineString, MultiLineString).
	Geometry string
	// Required lists the properties, beyond CommonProperties, that must be
	// present and neither null nor "" (null is allowed where Nullable
	// lists the property).
	Required []string
	Nullable []string
	// OneOf lists, by property, the values a present property may take.
	OneOf map[string][]string
	// NoteIfNull maps a property to the one that must say why when the
	// first is null (districts: code → code_note).
	NoteIfNull map[string]string
}

// CommonProperties are required of every feature of every default layer.
var CommonProperties = []string{"name", "name_en", "source", "accuracy"}

// accuracies are the values of the common property accuracy.
var accuracies = []string{"surveyed", "approximate", "schematic"}

// schemas are the rules of the default layers, by collection id.
var schemas = map[string]Schema{
	geo.DistrictsID: {Geometry: "polygon", Required: []string{"code", "valid_from", "valid_to"},
		Nullable: []string{"code", "valid_from", "valid_to"}, NoteIfNull: map[string]string{"code": "code_note"}},
	geo.TownshipsID:     {Geometry: "polygon", Required: []string{"code", "district_before", "district_after", "method"}},
	geo.SeatsID:         {Geometry: "point", Required: []string{"township"}},
	geo.PlanningZonesID: {Geometry: "polygon", Required: []string{"kind", "valid_from"}},
	geo.ProjectsID: {Geometry: "point", Required: []string{"category", "status", "source_text", "location_precision"},
		OneOf: map[string][]string{"location_precision": {"site", "township", "district"}}},
	geo.CorridorsID: {Geometry: "line"},
}

// LayerSchema returns the schema of the default layer id, and false for a
// layer that is not a default one.
func LayerSchema(id string) (Schema, bool) {
	s, ok := schemas[id]
	return s, ok
}

// GeometryKind is the kind of g in the sense of Schema.Geometry, or its
// GeoJSON type for a Collection.
func GeometryKind(g orb.Geometry) string {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon, orb.Ring:
		return "polygon"
	case orb.Point, orb.MultiPoint:
		return "point"
	case orb.LineString, orb.MultiLineString:
		return "line"
	}
	return g.GeoJSONType()
}

// GeometryProblem says why f's geometry is not of the schema's kind
// ("geometry is Point, want polygon"), or returns "".
func (s Schema) GeometryProblem(f *geo.Feature) string {
	if GeometryKind(f.Geometry) == s.Geometry {
		return ""
	}
	return fmt.Sprintf("geometry is %s, want %s", f.Geometry.GeoJSONType(), s.Geometry)
}

// PropertyProblems returns every way f's properties break the schema, one
// sentence each (none naming the feature), in a stable order; nil when
// they follow it.
func (s Schema) PropertyProblems(f *geo.Feature) []string {
	var missing []string
	for _, p := range slices.Concat(CommonProperties, s.Required) {
		v, ok := f.Properties[p]
		if !ok || (v == nil && !slices.Contains(s.Nullable, p)) || v == "" {
			missing = append(missing, p)
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "required properties missing or empty: "+strings.Join(missing, ", "))
	}
	if a := f.String("accuracy"); a != "" && !slices.Contains(accuracies, a) { // "" is reported as missing
		problems = append(problems, fmt.Sprintf("accuracy %q must be surveyed, approximate or schematic", a))
	}
	for _, p := range slices.Sorted(maps.Keys(s.NoteIfNull)) {
		note := s.NoteIfNull[p]
		if v, ok := f.Properties[p]; ok && v == nil && f.String(note) == "" {
			problems = append(problems, fmt.Sprintf("%s is null without a %s saying why", p, note))
		}
	}
	for _, p := range slices.Sorted(maps.Keys(s.OneOf)) {
		if vals := s.OneOf[p]; !slices.Contains(vals, f.String(p)) {
			problems = append(problems, fmt.Sprintf("%s must be %s or %s", p, strings.Join(vals[:len(vals)-1], ", "), vals[len(vals)-1]))
		}
	}
	return problems
}

// ValidateSchema checks every feature of every default layer among cols
// against its Schema (geometry kind, then properties) and returns an error
// wrapping geo.ErrInvalid that names the first feature breaking it
// ("data: townships/500109002: required properties missing or empty:
// district_before"), or nil. Other layers are not looked at. LoadSnapshot
// applies it; so must every other source of snapshots.
func ValidateSchema(cols []*geo.Collection) error {
	for _, c := range cols {
		s, ok := schemas[c.ID]
		if !ok {
			continue
		}
		for _, f := range c.Features {
			if p := s.GeometryProblem(f); p != "" {
				return fmt.Errorf("data: %s/%s: %s: %w", c.ID, f.ID, p, geo.ErrInvalid)
			}
			if ps := s.PropertyProblems(f); len(ps) > 0 {
				return fmt.Errorf("data: %s/%s: %s: %w", c.ID, f.ID, strings.Join(ps, "; "), geo.ErrInvalid)
			}
		}
	}
	return nil
}
