package server

import (
	"sync"

	"beibeimap/geo"
)

// derived caches, per snapshot, the GeoJSON encoding of features in the
// default view (CRS84, every property, with geometry): formatting
// coordinates is most of the cost of an items page. A snapshot never
// changes, so each feature is encoded once per snapshot, when first asked
// for. Everything else derived from the data (the lookup index, the
// gazetteer, the fields) is built whole with the geo.Dataset before it is
// published. It is safe for concurrent use.
type derived struct {
	snap     *geo.Snapshot
	features sync.Map // *geo.Feature → []byte
	// filters keeps parsed CQL2 filters, checked against this snapshot's
	// queryables (bounded; see filterCache).
	filters filterCache
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

// feature returns the default-view encoding of f.
func (d *derived) feature(f *geo.Feature) []byte {
	if b, ok := d.features.Load(f); ok {
		return b.([]byte)
	}
	b := appendFeature(nil, f, geo.WGS84, nil, false, nil)
	d.features.Store(f, b)
	return b
}

// maxPooledBuffer bounds the response buffers kept for reuse, so that one
// huge page does not pin its memory for good.
const maxPooledBuffer = 4 << 20

// newBuffer is the constructor of Server.bufs.
func newBuffer() any {
	b := make([]byte, 0, 64<<10)
	return &b
}
