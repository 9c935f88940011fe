//go:build geos

// Package build regenerates the served layers (data/layers) from the open
// sources in data/sources, deterministically: the same sources give the
// same bytes. It needs GEOS (build tag geos) for the overlays; the server
// itself never imports it.
//
// How the layers are derived is documented in data/README.md; in short:
// district outlines are converted from GCJ-02 to WGS84 and repaired; the
// 47 township units of the former 北碚区 and 渝北区 are approximated by a
// Voronoi partition of their GeoNames seats clipped to the district
// outline; the two districts of 2026 are unions of those townships (and of
// the former 江北区); planning zones are unions of townships; projects and
// corridors are placed at GeoNames points named in a curated table.
package build

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"beibeimap/data/check"
	"beibeimap/geo"
)

// ErrCheck is returned by Run when the layers it built fail data check.
var ErrCheck = errors.New("build: built layers fail the data check")

// Run reads the sources in srcDir, writes every layer as
// outDir/COLLECTION.geojson (creating outDir if needed), then runs the
// data check on the result. Progress and the check report go to log. It
// returns an error naming the step that failed, wrapping ErrCheck when the
// output does not pass the check.
func Run(srcDir, outDir string, log io.Writer) error {
	b := &builder{ctx: geos.NewContext(), log: log}
	layers, err := b.run(srcDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	for _, l := range layers {
		out, err := l.encode()
		if err != nil {
			return err
		}
		name := filepath.Join(outDir, l.id+".geojson")
		if err := os.WriteFile(name, out, 0o644); err != nil {
			return fmt.Errorf("build: %w", err)
		}
		fmt.Fprintf(log, "wrote %s (%d features, %d bytes)\n", name, len(l.features), len(out))
	}
	ok, err := check.Run(os.DirFS(outDir), log)
	if err != nil {
		return fmt.Errorf("build: check: %w", err)
	}
	if !ok {
		return ErrCheck
	}
	return nil
}

// builder holds the state of one run. It is not safe for concurrent use.
type builder struct {
	ctx *geos.Context
	log io.Writer

	places     map[int]place
	placeOrder []int
	units      []unit

	// pre-2026 outlines by adcode, valid and on the grid
	outline map[string]*geos.Geom
	// seats by unit code (units without a seat are absent)
	seat map[string]place
	// township geometries by unit code, and the faces of the former 江北区
	township map[string]*geos.Geom
	jiangbei *geos.Geom
	newGeom  map[string]*geos.Geom // new districts by feature id
}

func (b *builder) run(srcDir string) ([]*layer, error) {
	outlines, err := readOutlines(srcDir)
	if err != nil {
		return nil, err
	}
	if b.places, b.placeOrder, err = readGeoNames(srcDir); err != nil {
		return nil, err
	}
	if b.units, err = readNBS(srcDir); err != nil {
		return nil, err
	}
	art, err := readArticle(srcDir)
	if err != nil {
		return nil, err
	}
	districts, err := b.districts(outlines)
	if err != nil {
		return nil, err
	}
	if err := b.matchSeats(); err != nil {
		return nil, err
	}
	if err := guard("partition", b.partition); err != nil {
		return nil, err
	}
	newDistricts, err := b.newDistricts()
	if err != nil {
		return nil, err
	}
	if err := b.outlineGeometry(districts); err != nil {
		return nil, err
	}
	districts.features = append(districts.features, newDistricts...)
	sort.Slice(districts.features, func(i, j int) bool { return districts.features[i].id < districts.features[j].id })
	townships, err := b.townshipLayer()
	if err != nil {
		return nil, err
	}
	zones, err := b.zoneLayer()
	if err != nil {
		return nil, err
	}
	projects, err := b.projectLayer(art)
	if err != nil {
		return nil, err
	}
	corridors, err := b.corridorLayer(art)
	if err != nil {
		return nil, err
	}
	return []*layer{districts, townships, b.seatLayer(), zones, projects, corridors}, nil
}

// clean converts g to GEOS, repairs it with MakeValid when it is invalid,
// snaps it to the grid and keeps its polygonal part, which it returns both
// as GEOS and as orb geometry. It reports whether a repair was needed.
func (b *builder) clean(g orb.Geometry) (out *geos.Geom, mp orb.MultiPolygon, repaired bool, err error) {
	err = guard("clean", func() error {
		gg, err := toGEOS(b.ctx, roundGeometry(g))
		if err != nil {
			return err
		}
		if !gg.IsValid() {
			gg = gg.MakeValid()
			repaired = true
		}
		gg = gg.SetPrecision(gridSize, geos.PrecisionRuleNone)
		og, err := fromGEOS(gg)
		if err != nil {
			return err
		}
		mp = polygonal(og)
		out, err = toGEOS(b.ctx, mp)
		if err != nil {
			return err
		}
		if !out.IsValid() {
			return fmt.Errorf("still invalid after repair: %s", out.IsValidReason())
		}
		return nil
	})
	return out, mp, repaired, err
}

func roundGeometry(g orb.Geometry) orb.Geometry {
	return geo.ConvertGeometry(g, roundPoint)
}

// toOrb converts a polygonal GEOS geometry to a canonical MultiPolygon.
func toOrb(g *geos.Geom) (orb.MultiPolygon, error) {
	og, err := fromGEOS(g)
	if err != nil {
		return nil, err
	}
	return polygonal(og), nil
}

// union unions polygonal geometries on the grid (the inputs are cloned).
func (b *builder) union(gs []*geos.Geom) *geos.Geom {
	cl := make([]*geos.Geom, len(gs))
	for i, g := range gs {
		cl[i] = g.Clone()
	}
	return b.ctx.NewCollection(geos.TypeIDGeometryCollection, cl).UnaryUnionPrec(gridSize)
}

// matchSeats finds the GeoNames seat of every unit: a populated place whose
// Chinese name is the unit's name, its name without 街道/镇, or a prefix of
// it of two or more characters (GeoNames has 龙凤 for 龙凤桥), and which
// lies inside the unit's pre-2026 district. Names alone are ambiguous in
// Chongqing (朝阳, 龙溪, 王家 name other places too); the location decides.
// Of several candidates the best name match wins, then the larger
// population, then the smaller GeoNames id.
func (b *builder) matchSeats() error {
	b.seat = map[string]place{}
	used := map[int]string{}
	for _, u := range b.units {
		d := b.outline[u.district]
		if d == nil {
			return fmt.Errorf("build: unit %s: no outline for district %s", u.code, u.district)
		}
		best, bestScore := place{}, 0
		for _, id := range b.placeOrder {
			p := b.places[id]
			if p.class != "P" {
				continue
			}
			score := nameScore(u, p)
			if score == 0 {
				continue
			}
			var inside bool
			if err := guard("seat", func() error {
				pt := b.ctx.NewPointFromXY(p.lon, p.lat)
				inside = d.Covers(pt)
				return nil
			}); err != nil {
				return err
			}
			if !inside {
				continue
			}
			if score > bestScore || (score == bestScore && (p.population > best.population ||
				(p.population == best.population && p.id < best.id))) {
				best, bestScore = p, score
			}
		}
		if bestScore == 0 {
			fmt.Fprintf(b.log, "seat: %s %s: no GeoNames seat\n", u.code, u.name)
			continue
		}
		if other, ok := used[best.id]; ok {
			return fmt.Errorf("build: GeoNames %d matches both %s and %s", best.id, other, u.code)
		}
		used[best.id] = u.code
		b.seat[u.code] = best
	}
	fmt.Fprintf(b.log, "seats: %d of %d units have a GeoNames seat\n", len(b.seat), len(b.units))
	return nil
}

func nameScore(u unit, p place) int {
	short := u.short()
	score := 0
	for _, n := range p.chinese() {
		s := 0
		switch {
		case n == u.name:
			s = 3
		case n == short:
			s = 2
		default:
			ns := []rune(trimKind(n))
			if len(ns) >= 2 && len(ns) < len([]rune(short)) && string([]rune(short)[:len(ns)]) == string(ns) {
				s = 1
			}
		}
		score = max(score, s)
	}
	return score
}

func trimKind(n string) string {
	for _, suf := range []string{"街道", "镇"} {
		if len(n) > len(suf) && n[len(n)-len(suf):] == suf {
			return n[:len(n)-len(suf)]
		}
	}
	return n
}

// partition derives the township polygons, and the final outline of every
// district. The Voronoi cell of every seat is computed within its own
// district, clipped to the district outline, and all cell borders are
// noded together with the outlines of all 38 districts on the grid. Each
// face of that planar graph lies in one district (the outlines are a
// partition, see partitionOutlines); a face of 北碚区 or 渝北区 is then
// assigned to the nearest seat of its district, and each township, and
// each district, is the union of its faces. Because every township,
// district and 2026 district is a union of faces of the same graph, they
// share their borders exactly: no slivers, no overlaps.
func (b *builder) partition() error {
	type districtSeats struct {
		code  string
		codes []string
		pts   []orb.Point
	}
	var groups []districtSeats
	for _, dc := range []string{codeBeibei, codeYubei} {
		g := districtSeats{code: dc}
		for _, u := range b.units {
			if s, ok := b.seat[u.code]; ok && u.district == dc {
				g.codes = append(g.codes, u.code)
				g.pts = append(g.pts, s.point())
			}
		}
		groups = append(groups, g)
	}
	codes := slices.Sorted(maps.Keys(b.outline))
	var lines []*geos.Geom
	for _, c := range codes {
		lines = append(lines, b.outline[c].Boundary())
	}
	for _, g := range groups {
		d := b.outline[g.code]
		box := d.Bounds()
		bound := orb.Bound{Min: orb.Point{box.MinX - 0.1, box.MinY - 0.1}, Max: orb.Point{box.MaxX + 0.1, box.MaxY + 0.1}}
		for _, cell := range voronoiCells(g.pts, bound) {
			cg, err := toGEOS(b.ctx, cell)
			if err != nil {
				return err
			}
			lines = append(lines, cg.Boundary().Intersection(d))
		}
	}
	faces, _ := b.faces(lines)
	owned := map[string][]*geos.Geom{}
	inDistrict := map[string][]*geos.Geom{}
	var dropped float64
	for _, f := range faces {
		// The face lies in the district it overlaps most: snapping to the
		// grid may move a border by up to one grid cell, so containment of
		// a single point is not robust for thin faces.
		district, most := "", 0.0
		for _, dc := range codes {
			if ob := b.outline[dc].Bounds(); !ob.Intersects(f.box) {
				continue
			}
			if a := overlap(f.g, b.outline[dc]); a > most {
				district, most = dc, a
			}
		}
		if most < f.g.Area()/2 {
			dropped += f.g.Area()
			continue
		}
		inDistrict[district] = append(inDistrict[district], f.g)
		owner := district
		for _, g := range groups {
			if g.code != district {
				continue
			}
			p := f.g.PointOnSurface()
			pt := orb.Point{p.X(), p.Y()}
			bestD := -1.0
			for k, s := range g.pts {
				if d := planeDist2(pt, s); bestD < 0 || d < bestD {
					bestD, owner = d, g.codes[k]
				}
			}
		}
		owned[owner] = append(owned[owner], f.g)
	}
	fmt.Fprintf(b.log, "partition: %d faces, %.3g deg² outside every district dropped\n", len(faces), dropped)
	for _, c := range codes {
		if len(inDistrict[c]) == 0 {
			return fmt.Errorf("build: partition: district %s has no face", c)
		}
		b.outline[c] = b.coverage(inDistrict[c])
	}
	b.township = map[string]*geos.Geom{}
	for code, fs := range owned {
		switch {
		case code == codeJiangbei:
			b.jiangbei = b.coverage(fs)
		case len(code) > 6: // a township
			b.township[code] = b.coverage(fs)
		}
	}
	return nil
}

// coverage unions faces of one planar graph (they do not overlap and share
// their borders exactly).
func (b *builder) coverage(fs []*geos.Geom) *geos.Geom {
	return b.ctx.NewCollection(geos.TypeIDMultiPolygon, cloneAll(fs)).CoverageUnion()
}
