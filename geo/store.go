package geo

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	orbgeo "github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// part is one indexed piece of a feature: a polygon part with its prepared
// test, a line string, or a point. Multi-geometries give one part per member,
// so the R-tree never holds one rectangle for a whole multipolygon.
type part struct {
	f    *Feature
	poly *Prepared         // polygon parts
	line orbgeo.LineString // line parts
	pt   orbgeo.Point      // point parts
	kind partKind
}

type partKind uint8

const (
	partPolygon partKind = iota
	partLine
	partPoint
)

// Snapshot is an immutable, indexed view of a set of collections. Every
// method is safe for concurrent use; nothing in a Snapshot changes after
// NewSnapshot returns.
type Snapshot struct {
	version string
	created time.Time
	cols    []*Collection
	byID    map[string]*Collection
	feats   map[string]map[string]*Feature
	// polys indexes polygon parts and others point and line parts: a point
	// lookup walks only the polygons, whose count is what it scales with.
	polys, others rtree.RTreeG[*part]
	parts         int
}

// NewSnapshot validates the collections (ids present and unique, geometry
// present and valid under ValidateGeometry, validity intervals well formed) and indexes every
// geometry part of every feature. Collections keep the given order. It
// returns an error wrapping ErrInvalid when a collection breaks a rule; the
// collections must not be modified afterwards.
func NewSnapshot(cols []*Collection) (*Snapshot, error) {
	s := &Snapshot{
		created: time.Now().UTC(),
		cols:    cols,
		byID:    make(map[string]*Collection, len(cols)),
		feats:   make(map[string]map[string]*Feature, len(cols)),
	}
	h := fnv.New64a()
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return nil, err
		}
		if s.byID[c.ID] != nil {
			return nil, fmt.Errorf("geo: duplicate collection id %q: %w", c.ID, ErrInvalid)
		}
		s.byID[c.ID] = c
		m := make(map[string]*Feature, len(c.Features))
		s.feats[c.ID] = m
		fmt.Fprintf(h, "C%s\x00%s\x00%s\x00", c.ID, c.Title, c.Description)
		for _, f := range c.Features {
			m[f.ID] = f
			s.index(f, f.Geometry)
			hashFeature(h, f)
		}
	}
	s.version = fmt.Sprintf("%016x", h.Sum64())
	return s, nil
}

// hashFeature feeds the feature's id, properties and coordinates to h so
// that the snapshot version changes whenever the data does.
func hashFeature(h interface{ Write([]byte) (int, error) }, f *Feature) {
	fmt.Fprintf(h, "F%s\x00", f.ID)
	if b, err := json.Marshal(f.Properties); err == nil { // maps marshal in key order
		h.Write(b)
	}
	var buf [8]byte
	eachPoint(f.Geometry, func(p orbgeo.Point) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(p[0]))
		h.Write(buf[:])
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(p[1]))
		h.Write(buf[:])
	})
}

func eachPoint(g orbgeo.Geometry, fn func(orbgeo.Point)) {
	switch g := g.(type) {
	case orbgeo.Point:
		fn(g)
	case orbgeo.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orbgeo.LineString:
		for _, p := range g {
			fn(p)
		}
	case orbgeo.Ring:
		for _, p := range g {
			fn(p)
		}
	case orbgeo.MultiLineString:
		for _, l := range g {
			eachPoint(l, fn)
		}
	case orbgeo.Polygon:
		for _, r := range g {
			eachPoint(r, fn)
		}
	case orbgeo.MultiPolygon:
		for _, p := range g {
			eachPoint(p, fn)
		}
	case orbgeo.Collection:
		for _, sub := range g {
			eachPoint(sub, fn)
		}
	case orbgeo.Bound:
		fn(g.Min)
		fn(g.Max)
	}
}

func (s *Snapshot) index(f *Feature, g orbgeo.Geometry) {
	insert := func(b orbgeo.Bound, p *part) {
		tree := &s.others
		if p.kind == partPolygon {
			tree = &s.polys
		}
		tree.Insert([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}, p)
		s.parts++
	}
	switch g := g.(type) {
	case orbgeo.Point:
		insert(g.Bound(), &part{f: f, pt: g, kind: partPoint})
	case orbgeo.MultiPoint:
		for _, p := range g {
			s.index(f, p)
		}
	case orbgeo.LineString:
		insert(g.Bound(), &part{f: f, line: g, kind: partLine})
	case orbgeo.MultiLineString:
		for _, l := range g {
			s.index(f, l)
		}
	case orbgeo.Ring:
		s.index(f, orbgeo.Polygon{g})
	case orbgeo.Polygon:
		pp := Prepare(g)
		insert(pp.Bound(), &part{f: f, poly: pp, kind: partPolygon})
	case orbgeo.MultiPolygon:
		for _, p := range g {
			s.index(f, p)
		}
	case orbgeo.Collection:
		for _, sub := range g {
			s.index(f, sub)
		}
	}
}

// Version identifies the data of the snapshot: two snapshots of the same
// collections and features have the same version. It suits ETags.
func (s *Snapshot) Version() string { return s.version }

// Created is when the snapshot was built (UTC).
func (s *Snapshot) Created() time.Time { return s.created }

// Parts is the number of indexed geometry parts.
func (s *Snapshot) Parts() int { return s.parts }

// Collections returns the collections in load order. The slice must not be
// modified.
func (s *Snapshot) Collections() []*Collection { return s.cols }

// Collection returns the collection with the given id, or an error wrapping
// ErrNotFound.
func (s *Snapshot) Collection(id string) (*Collection, error) {
	c := s.byID[id]
	if c == nil {
		return nil, fmt.Errorf("geo: collection %q: %w", id, ErrNotFound)
	}
	return c, nil
}

// Feature returns feature id of collection coll, or an error wrapping
// ErrNotFound when either does not exist.
func (s *Snapshot) Feature(coll, id string) (*Feature, error) {
	m, ok := s.feats[coll]
	if !ok {
		return nil, fmt.Errorf("geo: collection %q: %w", coll, ErrNotFound)
	}
	f := m[id]
	if f == nil {
		return nil, fmt.Errorf("geo: feature %q of collection %q: %w", id, coll, ErrNotFound)
	}
	return f, nil
}

// Containing calls fn for every polygonal feature that contains pt (WGS84
// lon/lat) under the package's boundary rule and is valid on date; a zero
// date matches every validity interval. A feature is reported once even
// when several of its parts are found. fn returns false to stop. It does
// not allocate.
func (s *Snapshot) Containing(pt orbgeo.Point, date time.Time, fn func(*Feature) bool) {
	var last *Feature
	s.polys.Search([2]float64{pt[0], pt[1]}, [2]float64{pt[0], pt[1]}, func(_, _ [2]float64, p *part) bool {
		if p.f == last {
			return true
		}
		if !date.IsZero() && !p.f.Valid.Contains(date) {
			return true
		}
		if !p.poly.Contains(pt) {
			return true
		}
		last = p.f
		return fn(p.f)
	})
}

// Near is a feature found by Nearby with its distance from the query point.
type Near struct {
	Feature *Feature
	// Meters is the distance from the query point to the nearest point of
	// the feature's geometry; 0 inside a polygon.
	Meters float64
}

// Nearby returns the features of the named collections (all collections
// when none are named) that lie within radius metres of pt and are valid on
// date (zero: any date), nearest first, at most limit of them (limit <= 0:
// no limit). Distances use a local equirectangular approximation around pt,
// whose error is below 0.1 % within 20 km at the latitudes of Chongqing.
func (s *Snapshot) Nearby(pt orbgeo.Point, radius float64, date time.Time, limit int, collections ...string) []Near {
	if radius < 0 || math.IsNaN(radius) {
		return nil
	}
	kx, ky := metresPerDegree(pt[1])
	dlon, dlat := radius/kx, radius/ky
	seen := map[*Feature]bool{}
	best := map[*Feature]float64{}
	visit := func(_, _ [2]float64, p *part) bool {
		if seen[p.f] {
			return true
		}
		seen[p.f] = true
		if !date.IsZero() && !p.f.Valid.Contains(date) {
			return true
		}
		if len(collections) > 0 && !slices.Contains(collections, p.f.Collection) {
			return true
		}
		if d := geometryDistance(p.f.Geometry, pt, kx, ky); d <= radius {
			best[p.f] = d
		}
		return true
	}
	lo, hi := [2]float64{pt[0] - dlon, pt[1] - dlat}, [2]float64{pt[0] + dlon, pt[1] + dlat}
	s.polys.Search(lo, hi, visit)
	s.others.Search(lo, hi, visit)
	out := make([]Near, 0, len(best))
	for f, d := range best {
		out = append(out, Near{f, d})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Meters != out[j].Meters {
			return out[i].Meters < out[j].Meters
		}
		if out[i].Feature.Collection != out[j].Feature.Collection {
			return out[i].Feature.Collection < out[j].Feature.Collection
		}
		return out[i].Feature.ID < out[j].Feature.ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Intersecting calls fn once for every feature of any collection that has
// a part whose bounding box intersects b (both closed). It is a coarse
// filter: callers test the geometry itself where precision matters.
func (s *Snapshot) Intersecting(b orbgeo.Bound, fn func(*Feature) bool) {
	seen := map[*Feature]bool{}
	stopped := false
	visit := func(_, _ [2]float64, p *part) bool {
		if seen[p.f] {
			return true
		}
		seen[p.f] = true
		stopped = !fn(p.f)
		return !stopped
	}
	lo, hi := [2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}
	s.polys.Search(lo, hi, visit)
	if !stopped {
		s.others.Search(lo, hi, visit)
	}
}

// metresPerDegree returns the length in metres of one degree of longitude
// and of latitude at latitude lat on the WGS84 mean sphere.
func metresPerDegree(lat float64) (kx, ky float64) {
	ky = earthRadius * math.Pi / 180
	kx = ky * math.Cos(lat*math.Pi/180)
	return kx, ky
}

// earthRadius is the mean radius of the earth in metres (IUGG).
const earthRadius = 6371008.8

// geometryDistance is the distance in metres from pt to g in a local plane
// scaled by kx, ky metres per degree; 0 inside a polygon.
func geometryDistance(g orbgeo.Geometry, pt orbgeo.Point, kx, ky float64) float64 {
	switch g := g.(type) {
	case orbgeo.Point:
		return math.Hypot((g[0]-pt[0])*kx, (g[1]-pt[1])*ky)
	case orbgeo.MultiPoint:
		d := math.Inf(1)
		for _, p := range g {
			d = math.Min(d, geometryDistance(p, pt, kx, ky))
		}
		return d
	case orbgeo.LineString:
		return lineDistance(g, pt, kx, ky)
	case orbgeo.MultiLineString:
		d := math.Inf(1)
		for _, ls := range g {
			d = math.Min(d, lineDistance(ls, pt, kx, ky))
		}
		return d
	case orbgeo.Polygon:
		if ContainsBrute(g, pt) {
			return 0
		}
		d := math.Inf(1)
		for _, r := range g {
			d = math.Min(d, lineDistance(orbgeo.LineString(r), pt, kx, ky))
		}
		return d
	case orbgeo.MultiPolygon:
		d := math.Inf(1)
		for _, p := range g {
			d = math.Min(d, geometryDistance(p, pt, kx, ky))
		}
		return d
	case orbgeo.Collection:
		d := math.Inf(1)
		for _, sub := range g {
			d = math.Min(d, geometryDistance(sub, pt, kx, ky))
		}
		return d
	}
	return math.Inf(1)
}

func lineDistance(l orbgeo.LineString, pt orbgeo.Point, kx, ky float64) float64 {
	if len(l) == 1 {
		return math.Hypot((l[0][0]-pt[0])*kx, (l[0][1]-pt[1])*ky)
	}
	d := math.Inf(1)
	for i := 1; i < len(l); i++ {
		d = math.Min(d, segDistance(l[i-1], l[i], pt, kx, ky))
	}
	return d
}

// segDistance is the distance in metres from pt to segment ab, in a local
// plane scaled by kx, ky metres per degree.
func segDistance(a, b, pt orbgeo.Point, kx, ky float64) float64 {
	ax, ay := (a[0]-pt[0])*kx, (a[1]-pt[1])*ky
	bx, by := (b[0]-pt[0])*kx, (b[1]-pt[1])*ky
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = -(ax*dx + ay*dy) / l2
		t = math.Max(0, math.Min(1, t))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// Store publishes the current Snapshot. Readers call Snapshot and keep the
// returned value for the whole of a request; Swap replaces it atomically
// while requests run. Store is safe for concurrent use; the zero Store holds
// no snapshot.
type Store struct {
	cur atomic.Pointer[Snapshot]
}

// NewStore returns a store that publishes s (which may be nil).
func NewStore(s *Snapshot) *Store {
	st := &Store{}
	if s != nil {
		st.cur.Store(s)
	}
	return st
}

// Snapshot returns the current snapshot, or nil when none was published.
func (st *Store) Snapshot() *Snapshot { return st.cur.Load() }

// Swap publishes s and returns the snapshot it replaces. A nil s is ignored
// so that a failed reload can never unpublish good data.
func (st *Store) Swap(s *Snapshot) *Snapshot {
	if s == nil {
		return st.cur.Load()
	}
	return st.cur.Swap(s)
}
