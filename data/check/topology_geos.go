//go:build geos

package check

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/twpayne/go-geos"

	"beibeimap/data"
	"beibeimap/geo"
)

// topology runs the checks that need GEOS: validity of every polygonal
// geometry, and the tiling of districts by townships.
func (r *report) topology(cols map[string]*geo.Collection) {
	ctx := geos.NewContext()
	valid := map[string]map[*geo.Feature]*geos.Geom{}
	ids := make([]string, 0, len(cols))
	for id := range cols {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := cols[id]
		bad, n := 0, 0
		valid[id] = map[*geo.Feature]*geos.Geom{}
		for _, f := range c.Features {
			if data.GeometryKind(f.Geometry) != "polygon" || isEmpty(f.Geometry) || !closed(f.Geometry) {
				continue // empty and unclosed geometry is reported by the schema checks
			}
			n++
			g, reason := validGEOS(ctx, f.Geometry)
			if reason != "" {
				r.fail("%s/%s: invalid geometry: %s", id, f.ID, reason)
				bad++
				continue
			}
			valid[id][f] = g
		}
		if n > 0 && bad == 0 {
			r.pass("%s: %d polygonal geometries valid (closed rings, no self-intersections, holes nested correctly)", id, n)
		}
	}
	r.tiling(ctx, cols, valid)
	r.layouts(ctx, cols[geo.DistrictsID], valid[geo.DistrictsID])
}

// OverlapTolerance is the largest area (km², 1 m²) that two districts in
// force on the same day may share, and the largest hole the districts of
// one day may leave between them: the rest of floating point on borders
// that neighbours share exactly.
const OverlapTolerance = 1e-6

// layouts checks that the districts in force on any one day are a
// partition: no two of them overlap, and their union has no hole. There is
// one layout per span of days in which the same districts are in force
// (for the default data: up to 2026-01-24, and from 2026-01-25).
func (r *report) layouts(ctx *geos.Context, c *geo.Collection, valid map[*geo.Feature]*geos.Geom) {
	if c == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.fail("districts: GEOS failed while checking overlaps and gaps: %v", p)
		}
	}()
	for _, l := range districtLayouts(c) {
		var in []*geo.Feature
		for _, f := range l.features {
			if valid[f] != nil {
				in = append(in, f)
			}
		}
		bad := 0
		largest := 0.0
		for i, a := range in {
			ga := valid[a]
			ab := ga.Bounds()
			for _, b := range in[i+1:] {
				gb := valid[b]
				if !ab.Intersects(gb.Bounds()) {
					continue
				}
				x := km2(ga.Intersection(gb))
				largest = max(largest, x)
				if x > OverlapTolerance {
					r.fail("districts/%s %s and districts/%s %s, both in force %s, overlap by %.6f km²", a.ID, a.String("name"), b.ID, b.String("name"), l.when, x)
					bad++
				}
			}
		}
		holes, area := r.holes(ctx, in, valid, l.when)
		bad += holes
		if bad == 0 {
			r.pass("districts in force %s (%d): a partition, no overlap (largest %.2g km²) and no gap (%.2g km² of holes)", l.when, len(in), largest, area)
		}
	}
}

// holes reports the holes the union of the districts fs leaves, and
// returns how many exceed OverlapTolerance and the area of all.
func (r *report) holes(ctx *geos.Context, fs []*geo.Feature, valid map[*geo.Feature]*geos.Geom, when string) (int, float64) {
	if len(fs) == 0 {
		return 0, 0
	}
	parts := make([]*geos.Geom, len(fs))
	for i, f := range fs {
		parts[i] = valid[f].Clone()
	}
	u := ctx.NewCollection(geos.TypeIDGeometryCollection, parts).UnaryUnion()
	og, err := wkb.Unmarshal(u.ToWKB())
	if err != nil {
		r.fail("districts in force %s: cannot read their union: %v", when, err)
		return 1, 0
	}
	bad, total := 0, 0.0
	geo.Walk(og, func(p geo.Part) bool {
		if p.Kind != geo.PolygonPart {
			return true
		}
		for _, h := range p.Polygon[1:] {
			a := orbgeo.Area(orb.Polygon{h}) / 1e6
			if a < 0 {
				a = -a
			}
			total += a
			if a > OverlapTolerance {
				if bad < maxListed {
					c := h.Bound().Center()
					r.fail("districts in force %s leave a gap of %.6f km² between them near %.5f,%.5f", when, a, c[0], c[1])
				}
				bad++
			}
		}
		return true
	})
	if bad > maxListed {
		r.fail("districts in force %s leave %d more gaps between them (%.6f km² of holes in all)", when, bad-maxListed, total)
	}
	return bad, total
}

// maxListed is how many gaps of one layout the report lists one by one.
const maxListed = 10

// layout is the set of districts in force on the days when.
type layout struct {
	when     string
	features []*geo.Feature
}

// districtLayouts returns the distinct sets of districts in force, one per
// span of days in which the set does not change, in date order.
func districtLayouts(c *geo.Collection) []layout {
	var starts []time.Time
	for _, f := range c.Features {
		if !f.Valid.From.IsZero() {
			starts = append(starts, f.Valid.From)
		}
		if !f.Valid.To.IsZero() {
			starts = append(starts, f.Valid.To.AddDate(0, 0, 1))
		}
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	starts = slices.CompactFunc(starts, func(a, b time.Time) bool { return a.Equal(b) })
	var out []layout
	for i := -1; i < len(starts); i++ {
		var when string
		var day time.Time
		switch {
		case len(starts) == 0:
			when, day = "on every day", time.Time{}
		case i == -1:
			day = starts[0].AddDate(0, 0, -1)
			when = "up to " + day.Format(geo.DateLayout)
		case i == len(starts)-1:
			day = starts[i]
			when = "from " + day.Format(geo.DateLayout)
		default:
			day = starts[i]
			when = "from " + day.Format(geo.DateLayout) + " to " + starts[i+1].AddDate(0, 0, -1).Format(geo.DateLayout)
		}
		var in []*geo.Feature
		for _, f := range c.Features {
			if day.IsZero() || f.Valid.Contains(day) {
				in = append(in, f)
			}
		}
		if len(in) > 0 && (len(out) == 0 || !slices.Equal(out[len(out)-1].features, in)) {
			out = append(out, layout{when: when, features: in})
		}
		if len(starts) == 0 {
			break
		}
	}
	return out
}

func closed(g orb.Geometry) bool {
	ok := true
	eachRing(g, func(ring orb.Ring) { ok = ok && ringClosed(ring) })
	return ok
}

// validGEOS converts g and returns it, or a reason why it is not valid.
func validGEOS(ctx *geos.Context, g orb.Geometry) (gg *geos.Geom, reason string) {
	defer func() {
		if p := recover(); p != nil {
			gg, reason = nil, fmt.Sprint("GEOS cannot read it: ", p)
		}
	}()
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, err.Error()
	}
	gg, err = ctx.NewGeomFromWKB(b)
	if err != nil {
		return nil, err.Error()
	}
	if !gg.IsValid() {
		return nil, gg.IsValidReason()
	}
	return gg, ""
}

// km2 is the geodesic area of a GEOS geometry in km².
func km2(g *geos.Geom) float64 {
	og, err := wkb.Unmarshal(g.ToWKB())
	if err != nil {
		return 0
	}
	return orbgeo.Area(og) / 1e6
}

// tiling checks, for every district that townships name as district_before,
// that those townships do not overlap and cover it up to GapTolerance; and
// for every district named as district_after, that its townships do not
// overlap and lie inside it, and that they cover it when all of its
// predecessors are tiled by townships (the new 北碚区 must equal the union
// of its townships; 两江新区 also contains the former 江北区, which has none).
func (r *report) tiling(ctx *geos.Context, cols map[string]*geo.Collection, valid map[string]map[*geo.Feature]*geos.Geom) {
	t, d := cols["townships"], cols["districts"]
	if t == nil || d == nil {
		return
	}
	before, after := map[string][]*geo.Feature{}, map[string][]*geo.Feature{}
	for _, f := range t.Features {
		if valid["townships"][f] == nil {
			continue
		}
		before[f.String("district_before")] = append(before[f.String("district_before")], f)
		after[f.String("district_after")] = append(after[f.String("district_after")], f)
	}
	dist := map[string]*geo.Feature{}
	for _, f := range d.Features {
		dist[f.ID] = f
	}
	dg := func(id string) *geos.Geom {
		if f := dist[id]; f != nil {
			return valid["districts"][f]
		}
		return nil
	}
	for _, id := range slices.Sorted(maps.Keys(before)) {
		r.tile(ctx, id, dist[id], dg(id), before[id], valid["townships"], true, "district_before")
	}
	for _, id := range slices.Sorted(maps.Keys(after)) {
		if _, same := before[id]; same {
			continue
		}
		strict := false
		if f := dist[id]; f != nil {
			preds, _ := f.Properties["predecessors"].([]any)
			strict = len(preds) > 0
			for _, p := range preds {
				s, _ := p.(string)
				if _, ok := before[s]; !ok {
					strict = false
				}
			}
		}
		r.tile(ctx, id, dist[id], dg(id), after[id], valid["townships"], strict, "district_after")
	}
}

func (r *report) tile(ctx *geos.Context, id string, df *geo.Feature, dg *geos.Geom, members []*geo.Feature, tg map[*geo.Feature]*geos.Geom, strict bool, role string) {
	if df == nil || dg == nil {
		return // a missing or invalid district is reported elsewhere
	}
	defer func() {
		if p := recover(); p != nil {
			r.fail("districts/%s: GEOS failed while checking its townships: %v", id, p)
		}
	}()
	name := df.String("name")
	bad := 0
	for i := range members {
		a := tg[members[i]]
		ab := a.Bounds()
		for j := i + 1; j < len(members); j++ {
			b := tg[members[j]]
			bb := b.Bounds()
			if !ab.Intersects(bb) {
				continue
			}
			if x := a.Intersection(b); x.Area() > 0 {
				r.fail("townships/%s and townships/%s (both %s %s) overlap by %.6f km²", members[i].ID, members[j].ID, role, id, km2(x))
				bad++
			}
		}
	}
	parts := make([]*geos.Geom, len(members))
	for i, m := range members {
		parts[i] = tg[m].Clone()
	}
	u := ctx.NewCollection(geos.TypeIDGeometryCollection, parts).UnaryUnion()
	area := dg.Area()
	gap := dg.Difference(u)
	spill := u.Difference(dg)
	gapShare, spillShare := gap.Area()/area, spill.Area()/area
	if spillShare >= GapTolerance {
		r.fail("districts/%s %s: its townships (%s) reach %.4f %% (%.3f km²) outside it", id, name, role, 100*spillShare, km2(spill))
		bad++
	}
	switch {
	case gapShare < GapTolerance:
	case strict:
		r.fail("districts/%s %s: its townships (%s) leave %.4f %% (%.3f km²) uncovered, more than %.2f %%", id, name, role, 100*gapShare, km2(gap), 100*GapTolerance)
		bad++
	default:
		r.note("districts/%s %s: its townships (%s) cover %.2f %% of it; the rest belongs to predecessors without township data", id, name, role, 100*(1-gapShare))
		return
	}
	if bad == 0 {
		r.pass("districts/%s %s: tiled by %d townships (%s): no overlap, gap %.5f %%, outside %.5f %%", id, name, len(members), role, 100*gapShare, 100*spillShare)
	}
}
