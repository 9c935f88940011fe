package server

import (
	"sync"

	"beibeimap/geo"
)

// derived holds what the server derives from one snapshot and would
// otherwise recompute on every request, filled lazily: the lookup index
// (gazetteer and pre-encoded places), the GeoJSON encoding of features in
// the default view (CRS84, every property, with geometry) — formatting
// coordinates is most of the cost of an items page — and the queryables of
// each collection, which scan every feature. A snapshot never changes, so
// each is computed once per snapshot. It is safe for concurrent use.
type derived struct {
	snap       *geo.Snapshot
	locOnce    sync.Once
	loc        *geo.Locator
	features   sync.Map // *geo.Feature → []byte
	queryables sync.Map // *geo.Collection → []queryable
}

// derivedFor returns the derived state of snap, replacing that of an older
// snapshot. It is keyed by the snapshot itself, not its version, because
// the caches hold pointers to the snapshot's features.
func (s *Server) derivedFor(snap *geo.Snapshot) *derived {
	for {
		d := s.derived.Load()
		if d != nil && d.snap == snap {
			return d
		}
		// Publish a fresh one unless a racing request already did; then
		// load whichever is there.
		s.derived.CompareAndSwap(d, &derived{snap: snap})
	}
}

// locator returns the lookup index, building it on first use.
func (d *derived) locator() *geo.Locator {
	d.locOnce.Do(func() { d.loc = geo.NewLocator(d.snap) })
	return d.loc
}

// feature returns the default-view encoding of f.
func (d *derived) feature(f *geo.Feature) []byte {
	if b, ok := d.features.Load(f); ok {
		return b.([]byte)
	}
	b := appendFeature(nil, f, outCRS{crsCRS84}, nil, false, nil)
	d.features.Store(f, b)
	return b
}

// queryablesOf returns the queryables of c (see queryablesOf).
func (d *derived) queryablesOf(c *geo.Collection) []queryable {
	if q, ok := d.queryables.Load(c); ok {
		return q.([]queryable)
	}
	q := queryablesOf(c)
	d.queryables.Store(c, q)
	return q
}

// maxPooledBuffer bounds the response buffers kept for reuse, so that one
// huge page does not pin its memory for good.
const maxPooledBuffer = 4 << 20

// newBuffer is the constructor of Server.bufs.
func newBuffer() any {
	b := make([]byte, 0, 64<<10)
	return &b
}
