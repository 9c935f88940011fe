package server

import (
	"sync"

	"beibeimap/geo"
)

// featureCache holds what an items request derives from one snapshot
// version and would otherwise recompute every time, filled lazily: the
// GeoJSON encoding of features in the default view (CRS84, every property,
// with geometry) — formatting coordinates is most of the cost of a page —
// and the queryables of each collection, which scan every feature. A
// snapshot never changes, so each is computed once. It is safe for
// concurrent use.
type featureCache struct {
	version    string
	m          sync.Map // *geo.Feature → []byte
	queryables sync.Map // *geo.Collection → []queryable
}

// featureCacheFor returns the cache of snap's version, replacing the
// cache of an older snapshot.
func (s *Server) featureCacheFor(snap *geo.Snapshot) *featureCache {
	fc := s.encoded.Load()
	if fc == nil || fc.version != snap.Version() {
		fc = &featureCache{version: snap.Version()}
		s.encoded.Store(fc)
	}
	return fc
}

// feature returns the default-view encoding of f.
func (fc *featureCache) feature(f *geo.Feature) []byte {
	if b, ok := fc.m.Load(f); ok {
		return b.([]byte)
	}
	b := appendFeature(nil, f, outCRS{crsCRS84}, nil, false, nil)
	fc.m.Store(f, b)
	return b
}

// queryablesOf returns the queryables of c (see queryablesOf).
func (fc *featureCache) queryablesOf(c *geo.Collection) []queryable {
	if q, ok := fc.queryables.Load(c); ok {
		return q.([]queryable)
	}
	q := queryablesOf(c)
	fc.queryables.Store(c, q)
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
