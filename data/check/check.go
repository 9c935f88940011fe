// Package check validates a dataset of layers (the embedded default one or
// a user's folder of COLLECTION.geojson files) against the schema of
// data/README.md and prints a readable report.
//
// The schema checks (loadable files, layer metadata, unique feature ids,
// required properties, geometry types, the geometry rules of
// geo.ValidateGeometry, consistent validity intervals, references between
// layers, every seat inside its own township) are pure Go. Those of them
// that concern one feature — the geometry rules, ids, intervals and the
// default layers' data.Schema — are the ones every load applies
// (data.NewSnapshot), so a dataset this check fails on them never loads. The topology checks (valid geometry with correctly
// nested holes and no self-intersections, townships of one district
// neither overlapping nor leaving gaps) need GEOS and are compiled only
// with the build tag geos; without it the report says they were skipped.
package check

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/geo"
)

// GapTolerance is the largest share of a district's area that the union of
// its townships may leave uncovered (0.01 %).
const GapTolerance = 1e-4

// Run checks the dataset at the root of fsys and writes a report to w. It
// returns ok == false when any check fails; err is non-nil only when the
// report cannot be written. Warnings do not fail a dataset.
func Run(fsys fs.FS, w io.Writer) (ok bool, err error) {
	r := &report{}
	r.run(fsys)
	return r.write(w)
}

// report collects findings. Not safe for concurrent use.
type report struct {
	lines    []string
	problems int
	warnings int
}

func (r *report) add(tag, format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf("%-5s %s", tag, fmt.Sprintf(format, args...)))
}
func (r *report) pass(format string, args ...any) { r.add("ok", format, args...) }
func (r *report) note(format string, args ...any) { r.add("note", format, args...) }
func (r *report) fail(format string, args ...any) {
	r.problems++
	r.add("FAIL", format, args...)
}
func (r *report) warn(format string, args ...any) {
	r.warnings++
	r.add("warn", format, args...)
}

func (r *report) write(w io.Writer) (bool, error) {
	var b strings.Builder
	b.WriteString("beibeimap data check\n")
	for _, l := range r.lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if r.problems == 0 {
		fmt.Fprintf(&b, "result: PASS (%d warnings)\n", r.warnings)
	} else {
		fmt.Fprintf(&b, "result: FAIL (%d problems, %d warnings)\n", r.problems, r.warnings)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return false, fmt.Errorf("check: write report: %w", err)
	}
	return r.problems == 0, nil
}

// rawLayer is what the loader does not keep: whether metadata members and
// feature ids were present at all.
type rawLayer struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Attribution *string `json:"attribution"`
	License     *string `json:"license"`
	Features    []struct {
		ID json.RawMessage `json:"id"`
	} `json:"features"`
}

func (r *report) run(fsys fs.FS) {
	raws, ok := r.readRaw(fsys)
	if !ok {
		return
	}
	cols, err := data.Load(fsys)
	if err != nil {
		r.fail("load: %v", err)
		return
	}
	byID := map[string]*geo.Collection{}
	var names []string
	nf := 0
	for _, c := range cols {
		byID[c.ID] = c
		names = append(names, fmt.Sprintf("%s (%d)", c.ID, len(c.Features)))
		nf += len(c.Features)
	}
	r.pass("load: %d layers, %d features: %s", len(cols), nf, strings.Join(names, ", "))
	for _, id := range geo.CollectionIDs {
		if byID[id] == nil {
			r.warn("%s: layer missing (%s.geojson); checks that need it are skipped", id, id)
		}
	}
	for _, c := range cols {
		r.metadata(c.ID, raws[c.ID])
		r.ids(c, raws[c.ID])
		r.properties(c)
		r.geometries(c)
		r.intervals(c)
	}
	r.districtVersions(byID[geo.DistrictsID])
	r.references(byID)
	r.seatsInside(byID)
	if _, err := geo.NewSnapshot(cols); err != nil {
		r.fail("index: %v", err)
	} else {
		r.pass("index: every layer can be served")
	}
	r.topology(byID)
}

func (r *report) readRaw(fsys fs.FS) (map[string]*rawLayer, bool) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		r.fail("read: %v", err)
		return nil, false
	}
	raws := map[string]*rawLayer{}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".geojson" {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			r.fail("%s: %v", e.Name(), err)
			return nil, false
		}
		var raw rawLayer
		if err := json.Unmarshal(b, &raw); err != nil {
			r.fail("%s: not a JSON FeatureCollection: %v", e.Name(), err)
			return nil, false
		}
		raws[strings.TrimSuffix(e.Name(), ".geojson")] = &raw
	}
	return raws, true
}

func (r *report) metadata(id string, raw *rawLayer) {
	if raw == nil {
		return
	}
	var missing []string
	for _, m := range []struct {
		name string
		v    *string
	}{{"title", raw.Title}, {"description", raw.Description}, {"attribution", raw.Attribution}, {"license", raw.License}} {
		if m.v == nil || strings.TrimSpace(*m.v) == "" {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		r.fail("%s: layer metadata missing: %s (foreign members of the FeatureCollection)", id, strings.Join(missing, ", "))
		return
	}
	if strings.Contains(*raw.Attribution, "GeoNames") && !strings.Contains(*raw.Attribution, "CC BY") {
		r.fail("%s: attribution names GeoNames without its licence (CC BY 4.0)", id)
	}
}

func (r *report) ids(c *geo.Collection, raw *rawLayer) {
	bad := 0
	if raw != nil {
		for i, f := range raw.Features {
			var v any
			if len(f.ID) == 0 || json.Unmarshal(f.ID, &v) != nil || v == nil || v == "" {
				r.fail("%s: feature %d has no id", c.ID, i+1)
				bad++
			}
		}
	}
	seen := map[string]bool{}
	for _, f := range c.Features {
		if seen[f.ID] {
			r.fail("%s: feature id %q is not unique", c.ID, f.ID)
			bad++
		}
		seen[f.ID] = true
	}
	if bad == 0 {
		r.pass("%s: %d feature ids, present and unique", c.ID, len(c.Features))
	}
}

// properties applies the property rules of the default layer's
// data.Schema, the same ones every load applies.
func (r *report) properties(c *geo.Collection) {
	sc, known := data.LayerSchema(c.ID)
	if !known {
		r.note("%s: not a default layer; only generic checks apply", c.ID)
		return
	}
	bad := 0
	for _, f := range c.Features {
		for _, p := range sc.PropertyProblems(f) {
			r.fail("%s/%s: %s", c.ID, f.ID, p)
			bad++
		}
	}
	if bad == 0 {
		r.pass("%s: required properties present", c.ID)
	}
}

// isEmpty reports whether the polygonal geometry g has no ring with
// positions; points and lines are never empty here.
func isEmpty(g orb.Geometry) bool {
	return data.GeometryKind(g) == "polygon" && geo.IsEmpty(g)
}

// eachRing calls fn for every ring of the polygonal parts of g.
func eachRing(g orb.Geometry, fn func(orb.Ring)) {
	geo.Walk(g, func(p geo.Part) bool {
		for _, r := range p.Polygon {
			fn(r)
		}
		return true
	})
}

func (r *report) geometries(c *geo.Collection) {
	sc, known := data.LayerSchema(c.ID)
	bad := 0
	for _, f := range c.Features {
		if known {
			if p := sc.GeometryProblem(f); p != "" {
				r.fail("%s/%s: %s", c.ID, f.ID, p)
				bad++
				continue
			}
		}
		if err := geo.ValidateGeometry(f.Geometry); err != nil {
			r.fail("%s/%s: %s", c.ID, f.ID, err.(*geo.GeometryError).Reason)
			bad++
			continue
		}
		if isEmpty(f.Geometry) {
			if f.String("geometry_note") == "" {
				r.fail("%s/%s: empty geometry without a geometry_note saying why", c.ID, f.ID)
				bad++
			} else {
				r.warn("%s/%s: empty geometry (%s)", c.ID, f.ID, f.String("geometry_note"))
			}
			continue
		}
	}
	if bad == 0 {
		r.pass("%s: geometry types, closed simple rings, holes inside their shells", c.ID)
	}
}

func (r *report) intervals(c *geo.Collection) {
	bad := 0
	for _, f := range c.Features {
		if !f.Valid.Valid() {
			r.fail("%s/%s: valid_from %s is after valid_to", c.ID, f.ID, f.String("valid_from"))
			bad++
		}
	}
	if bad == 0 {
		r.pass("%s: validity intervals well formed", c.ID)
	}
}

// districtVersions checks that versions of one district (same code) are
// never in force on the same day.
func (r *report) districtVersions(c *geo.Collection) {
	if c == nil {
		return
	}
	byCode := map[string][]*geo.Feature{}
	for _, f := range c.Features {
		if code := f.String("code"); code != "" {
			byCode[code] = append(byCode[code], f)
		}
	}
	bad := 0
	for _, code := range slices.Sorted(maps.Keys(byCode)) {
		fs := byCode[code]
		for i := range fs {
			for j := i + 1; j < len(fs); j++ {
				if fs[i].Valid.Overlaps(fs[j].Valid) {
					r.fail("districts: %s and %s both have code %s and are both in force on some day (%s, %s)",
						fs[i].ID, fs[j].ID, code, fs[i].Valid, fs[j].Valid)
					bad++
				}
			}
		}
	}
	if bad == 0 {
		r.pass("districts: versions of one code never overlap in time")
	}
}

// references checks that district_before/district_after and seats'
// township name existing features, and that a unit's district before the
// change ends before its district after begins.
func (r *report) references(cols map[string]*geo.Collection) {
	d, t := cols[geo.DistrictsID], cols[geo.TownshipsID]
	bad := 0
	find := func(c *geo.Collection, id string) *geo.Feature {
		if c == nil {
			return nil
		}
		for _, f := range c.Features {
			if f.ID == id {
				return f
			}
		}
		return nil
	}
	if t != nil && d != nil {
		for _, f := range t.Features {
			before, after := find(d, f.String("district_before")), find(d, f.String("district_after"))
			if before == nil || after == nil {
				r.fail("townships/%s: district_before %q or district_after %q is not a feature of districts", f.ID, f.String("district_before"), f.String("district_after"))
				bad++
				continue
			}
			if before != after && (before.Valid.To.IsZero() || after.Valid.From.IsZero() || !before.Valid.To.Before(after.Valid.From)) {
				r.fail("townships/%s: district_before %s (%s) must end before district_after %s (%s) begins", f.ID, before.ID, before.Valid, after.ID, after.Valid)
				bad++
			}
		}
	}
	if s := cols[geo.SeatsID]; s != nil && t != nil {
		for _, f := range s.Features {
			if find(t, f.String("township")) == nil {
				r.fail("seats/%s: township %q is not a feature of townships", f.ID, f.String("township"))
				bad++
			}
		}
	}
	if bad == 0 && t != nil {
		r.pass("references between districts, townships and seats resolve, and versions follow each other")
	}
}

// seatsInside checks that every seat lies inside its own township, under
// the boundary rule of package geo.
func (r *report) seatsInside(cols map[string]*geo.Collection) {
	s, t := cols[geo.SeatsID], cols[geo.TownshipsID]
	if s == nil || t == nil {
		return
	}
	// One test a polygon: preparing would not pay.
	polys := map[string][]orb.Polygon{}
	for _, f := range t.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys[f.ID] = append(polys[f.ID], g)
		case orb.MultiPolygon:
			polys[f.ID] = append(polys[f.ID], g...)
		}
	}
	bad := 0
	for _, f := range s.Features {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		in := false
		for _, p := range polys[f.String("township")] {
			if geo.Contains(p, pt) {
				in = true
				break
			}
		}
		if !in {
			r.fail("seats/%s: seat %s lies outside its township %s", f.ID, f.String("name"), f.String("township"))
			bad++
		}
	}
	if bad == 0 {
		r.pass("seats: all %d seats lie inside their own township", len(s.Features))
	}
}

// ringClosed reports whether r is a closed ring: four or more positions,
// the last equal to the first.
func ringClosed(r orb.Ring) bool { return len(r) >= 4 && r[0] == r[len(r)-1] }
