//go:build geos

package build

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/tidwall/rtree"
	"github.com/twpayne/go-geos"
)

// The midline split of partitionOutlines samples the border of a disputed
// area every half of its mean width, but at least every midlineStep
// (degrees, about 50 m; the outlines themselves are good to about 100 m)
// and at most every midlineMinStep (about 1 m); the Voronoi edges are then
// simplified by a quarter of that width, at most midlineTolerance (about
// 10 m).
//
// A sliver, a disputed area nowhere sliverWidth wide (about 2 m, where two
// outlines follow the same line but for rounding), is not split: it goes
// whole to the district whose territory borders it longest.
const (
	sliverWidth      = 2e-5
	midlineStep      = 5e-4
	midlineMinStep   = 1e-5
	midlineTolerance = 1e-4
)

// outlineShare is what partitionOutlines did to one district, in km²
// (geodesic).
type outlineShare struct {
	// disputed is the area the district's outline shared with the outline
	// of one or more neighbours; kept is how much of it the district kept.
	disputed, kept float64
	// neighbours is how many districts it shared area with.
	neighbours int
	// gaps is the area claimed by no outline that the district received.
	gaps float64
}

// outlineFigures sums up a run of partitionOutlines.
type outlineFigures struct {
	share          map[string]*outlineShare
	disputed, gaps float64 // km²
	disputedFaces  int     // faces claimed by two or more outlines
	gapFaces       int     // faces enclosed by outlines and claimed by none
	split          int     // disputed and gap faces shared out between two or more districts (the others went whole to one)
}

// face is one face of the planar graph of all outline borders.
type face struct {
	g      *geos.Geom
	box    *geos.Box2D
	claims []string // the districts whose outline covers it, sorted
	owner  string   // its district, when it has one claimant
	// samples of its border, labelled with the district whose undisputed
	// territory lies across it (disputed and gap faces only)
	samples []orb.Point
	labels  []string
	kx      float64 // the local plane of the samples: x = lon·kx
	tol     float64 // how far its simplified midline may stray (degrees)
	whole   bool    // a sliver: it goes whole to one district
}

// partitionOutlines makes the district outlines a partition: no point in
// two districts, and no hole between districts. The outlines (ECharts', not
// made to fit each other) overlap their neighbours in places and leave
// slivers between them elsewhere. The rule is the same for both:
//
//	every point claimed by two or more outlines, or enclosed by outlines
//	and claimed by none, goes to the district whose undisputed territory
//	is nearest (for an overlap: among the districts claiming it).
//
// Where two outlines overlap, that splits the overlap along its midline.
// It is computed on the planar graph of all outline borders: each face is
// claimed by the outlines that cover it; the border of a disputed face is
// sampled (its vertices, and every half of its mean width, see
// midlineStep), each sample labelled with the district whose undisputed
// face lies across it; the Voronoi diagram of the samples, in a local
// plane, splits the face where the label changes. All faces, split, are noded together again and each district is
// the union of its faces, so neighbours share their borders exactly.
// Outlines keep their outer edge (the border of Chongqing) as it is.
//
// It returns the new outline of every district and the figures.
func (b *builder) partitionOutlines(outline map[string]*geos.Geom) (map[string]*geos.Geom, *outlineFigures, error) {
	codes := slices.Sorted(maps.Keys(outline))
	var borders []*geos.Geom
	for _, c := range codes {
		borders = append(borders, outline[c].Boundary())
	}
	faces, tree := b.faces(borders)
	prep := map[string]*geos.PrepGeom{}
	for _, c := range codes {
		prep[c] = outline[c].Prepare()
	}
	fig := &outlineFigures{share: map[string]*outlineShare{}}
	for _, c := range codes {
		fig.share[c] = &outlineShare{}
	}
	for _, f := range faces {
		for _, c := range codes {
			ob := outline[c].Bounds()
			if !ob.Intersects(f.box) || !prep[c].Intersects(f.g) {
				continue
			}
			if inside(f.g, outline[c]) {
				f.claims = append(f.claims, c)
			}
		}
		if len(f.claims) == 1 {
			f.owner = f.claims[0]
		}
	}
	neighbours := map[string]map[string]bool{}
	for _, f := range faces {
		if f.owner != "" {
			continue
		}
		a := km2(f.g)
		if len(f.claims) == 0 {
			fig.gapFaces++
			fig.gaps += a
		} else {
			fig.disputedFaces++
			fig.disputed += a
		}
		for _, c := range f.claims {
			fig.share[c].disputed += a
			if neighbours[c] == nil {
				neighbours[c] = map[string]bool{}
			}
			for _, o := range f.claims {
				if o != c {
					neighbours[c][o] = true
				}
			}
		}
		if err := b.sampleBorder(f, tree); err != nil {
			return nil, nil, err
		}
	}
	for c, n := range neighbours {
		fig.share[c].neighbours = len(n)
	}

	// Split the disputed faces, then node everything again.
	lines := slices.Clone(borders)
	for _, f := range faces {
		if f.owner == "" {
			if l := splitLines(b.ctx, f); l != nil {
				lines = append(lines, l)
			}
		}
	}
	faces2, _ := b.faces(lines)
	parts := map[string][]*geos.Geom{}
	owners := map[*face]map[string]bool{}
	for _, f2 := range faces2 {
		f1 := containing(tree, f2)
		if f1 == nil {
			return nil, nil, fmt.Errorf("build: partition outlines: a face near %s lies in no face of the first graph", where(f2.g))
		}
		owner := f1.owner
		if owner == "" {
			p := f2.g.PointOnSurface()
			owner = f1.nearest(orb.Point{p.X(), p.Y()})
			a := km2(f2.g)
			if len(f1.claims) == 0 {
				fig.share[owner].gaps += a
			} else {
				fig.share[owner].kept += a
			}
		}
		parts[owner] = append(parts[owner], f2.g)
		if owners[f1] == nil {
			owners[f1] = map[string]bool{}
		}
		owners[f1][owner] = true
	}
	for f1, o := range owners {
		if f1.owner == "" && len(o) > 1 {
			fig.split++
		}
	}
	out := map[string]*geos.Geom{}
	for _, c := range codes {
		if len(parts[c]) == 0 {
			return nil, nil, fmt.Errorf("build: partition outlines: district %s has no face left", c)
		}
		var u *geos.Geom
		err := guard("partition outlines", func() error {
			u = b.ctx.NewCollection(geos.TypeIDMultiPolygon, cloneAll(parts[c])).CoverageUnion()
			if !u.IsValid() {
				return fmt.Errorf("district %s: union of its faces is invalid: %s", c, u.IsValidReason())
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		out[c] = u
	}
	return out, fig, nil
}

// faces nodes the lines on the grid and returns the faces of the planar
// graph they make, with an index of their boxes.
func (b *builder) faces(lines []*geos.Geom) ([]*face, *rtree.RTreeG[*face]) {
	noded := b.ctx.NewCollection(geos.TypeIDGeometryCollection, cloneAll(lines)).UnaryUnionPrec(gridSize)
	fs := b.ctx.Polygonize([]*geos.Geom{noded})
	var out []*face
	tree := &rtree.RTreeG[*face]{}
	for i := 0; i < fs.NumGeometries(); i++ {
		g := fs.Geometry(i).Clone()
		f := &face{g: g, box: g.Bounds()}
		out = append(out, f)
		tree.Insert([2]float64{f.box.MinX, f.box.MinY}, [2]float64{f.box.MaxX, f.box.MaxY}, f)
	}
	return out, tree
}

// inside reports whether face f lies in the polygon g. A face of the graph
// of g's border is wholly inside or wholly outside g; which is decided by
// area, because snapping to the grid may move a border by a grid cell, so
// one point is not enough for a thin face.
func inside(f, g *geos.Geom) bool {
	return overlap(f, g) > f.Area()/2
}

// overlap is the area of f ∩ g, computed on g clipped to f's box (the
// outlines are large, the faces mostly small).
func overlap(f, g *geos.Geom) float64 {
	fb, pad := f.Bounds(), 10*gridSize
	return f.Intersection(g.ClipByRect(fb.MinX-pad, fb.MinY-pad, fb.MaxX+pad, fb.MaxY+pad)).Area()
}

// containing returns the face of tree that f2, a face of a finer graph,
// lies in: the one it overlaps most (the second noding may move a border
// by a grid cell, so a thin face may straddle two).
func containing(tree *rtree.RTreeG[*face], f2 *face) *face {
	var best *face
	most := 0.0
	half := f2.g.Area() / 2
	tree.Search([2]float64{f2.box.MinX, f2.box.MinY}, [2]float64{f2.box.MaxX, f2.box.MaxY}, func(_, _ [2]float64, f1 *face) bool {
		if a := overlap(f2.g, f1.g); a > most {
			best, most = f1, a
		}
		return most <= half
	})
	return best
}

// sampleBorder samples the border of the disputed or gap face f where an
// undisputed face of a candidate lies across it (for an overlap the
// candidates are its claimants, for a gap every district).
func (b *builder) sampleBorder(f *face, tree *rtree.RTreeG[*face]) error {
	border := f.g.Boundary()
	pad := 10 * gridSize
	var labelled []struct {
		c string
		l *geos.Geom
	}
	tree.Search([2]float64{f.box.MinX - pad, f.box.MinY - pad}, [2]float64{f.box.MaxX + pad, f.box.MaxY + pad}, func(_, _ [2]float64, g *face) bool {
		if g.owner == "" || (len(f.claims) > 0 && !slices.Contains(f.claims, g.owner)) {
			return true
		}
		other := g.g.Boundary().ClipByRect(f.box.MinX-pad, f.box.MinY-pad, f.box.MaxX+pad, f.box.MaxY+pad)
		if shared := border.Intersection(other); !shared.IsEmpty() {
			labelled = append(labelled, struct {
				c string
				l *geos.Geom
			}{g.owner, shared})
		}
		return true
	})
	if len(labelled) == 0 {
		return fmt.Errorf("build: partition outlines: the disputed area near %s (claimed by %v) borders no undisputed territory of a candidate", where(f.g), f.claims)
	}
	sort.SliceStable(labelled, func(i, j int) bool { return labelled[i].c < labelled[j].c })
	f.kx = math.Cos((f.box.MinY + f.box.MaxY) / 2 * math.Pi / 180)
	// Samples closer than the face is wide make the Voronoi edges follow
	// the midline closely (they stray by about step²/width).
	width := 2 * f.g.Area() / border.Length()
	f.whole = f.g.Buffer(-sliverWidth/2, 2).IsEmpty()
	step := min(max(width/2, midlineMinStep), midlineStep)
	f.tol = min(max(width/4, gridSize*10), midlineTolerance)
	seen := map[orb.Point]bool{}
	for _, lb := range labelled {
		og, err := fromGEOS(lb.l.Densify(step))
		if err != nil {
			return err
		}
		eachLinePoint(og, func(p orb.Point) {
			if !seen[p] {
				seen[p] = true
				f.samples = append(f.samples, p)
				f.labels = append(f.labels, lb.c)
			}
		})
	}
	return nil
}

// eachLinePoint calls fn for every vertex of the lines of g (points of a
// collection, where two borders touch in a point only, are skipped: they
// have no length to be near).
func eachLinePoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			eachLinePoint(l, fn)
		}
	case orb.Collection:
		for _, c := range g {
			eachLinePoint(c, fn)
		}
	}
}

// nearest returns the label of the sample of f nearest to p, or for a
// sliver the label of most samples (the longest border; ties to the
// smaller code).
func (f *face) nearest(p orb.Point) string {
	if f.whole {
		n := map[string]int{}
		best := ""
		for _, l := range f.labels {
			n[l]++
			if n[l] > n[best] || (n[l] == n[best] && l < best) {
				best = l
			}
		}
		return best
	}
	best, bd := "", math.Inf(1)
	for i, s := range f.samples {
		dx, dy := (s[0]-p[0])*f.kx, s[1]-p[1]
		if d := dx*dx + dy*dy; d < bd {
			best, bd = f.labels[i], d
		}
	}
	return best
}

// splitLines returns the edges of the Voronoi diagram of f's samples that
// separate samples of different labels, clipped to f, or nil when f goes
// to one district whole.
func splitLines(ctx *geos.Context, f *face) *geos.Geom {
	if f.whole || !slices.ContainsFunc(f.labels, func(l string) bool { return l != f.labels[0] }) {
		return nil
	}
	sites := make([]orb.Point, len(f.samples))
	box := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, s := range f.samples {
		sites[i] = orb.Point{s[0] * f.kx, s[1]}
		box = box.Extend(sites[i])
	}
	box = box.Pad(1e-3)
	var ml orb.MultiLineString
	snap := vertexSnapper{}
	for i, c := range voronoi(sites, box) {
		n := len(c.poly)
		for e, j := range c.from {
			if j <= i || f.labels[j] == f.labels[i] {
				continue
			}
			p, q := c.poly[e], c.poly[(e+1)%n]
			pp, qq := snap.at(orb.Point{p[0] / f.kx, p[1]}), snap.at(orb.Point{q[0] / f.kx, q[1]})
			if pp != qq {
				ml = append(ml, orb.LineString{pp, qq})
			}
		}
	}
	if len(ml) == 0 {
		return nil
	}
	g, err := toGEOS(ctx, ml)
	if err != nil {
		return nil
	}
	// The raw edges step from sample to sample (and zigzag where the
	// overlap is thinner than the sampling): merge them into lines and
	// simplify those by the face's tolerance.
	return g.Intersection(f.g).LineMerge().Simplify(f.tol)
}

// vertexSnapper puts vertices on the grid, and vertices within a grid cell
// of one seen before on that one: two cells compute the vertex they share
// apart, and the two results may round to neighbouring grid points, which
// would leave a gap in the line.
type vertexSnapper map[[2]int64]orb.Point

func (s vertexSnapper) at(p orb.Point) orb.Point {
	q := roundPoint(p)
	k := [2]int64{int64(math.Round(q[0] / gridSize)), int64(math.Round(q[1] / gridSize))}
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			if v, ok := s[[2]int64{k[0] + dx, k[1] + dy}]; ok {
				return v
			}
		}
	}
	s[k] = q
	return q
}

func cloneAll(gs []*geos.Geom) []*geos.Geom {
	out := make([]*geos.Geom, len(gs))
	for i, g := range gs {
		out[i] = g.Clone()
	}
	return out
}

// where names a place of g for error messages.
func where(g *geos.Geom) string {
	p := g.PointOnSurface()
	return fmt.Sprintf("%.5f,%.5f", p.X(), p.Y())
}

// km2 is the geodesic area of a polygonal GEOS geometry in km².
func km2(g *geos.Geom) float64 {
	og, err := fromGEOS(g)
	if err != nil {
		return 0
	}
	return orbgeo.Area(og) / 1e6
}
