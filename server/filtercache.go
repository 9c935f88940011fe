package server

import (
	"sync"
	"sync/atomic"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

// Bounds of a filterCache: the filters it keeps, and the longest filter
// text it keeps (so that it holds at most 256 KiB of text).
const (
	maxCachedFilters    = 256
	maxCachedFilterText = 1 << 10
)

// filterCache keeps the filters of items requests parsed and checked
// against one snapshot's queryables, keyed by collection, text, language
// and CRS: a client paging through one filtered layer, or asking the same
// point again, parses it once. Only filters that parsed without error are
// kept. When it holds maxCachedFilters it starts again empty, so its
// memory stays bounded whatever the clients send. A cql2.Expr is
// immutable, so one may serve many requests at once. It is safe for
// concurrent use; the zero value is ready.
type filterCache struct {
	m atomic.Pointer[sync.Map] // filterKey → *cql2.Expr
	n atomic.Int32             // entries stored in m, about
}

type filterKey struct{ coll, text, lang, crs string }

// parse returns parseFilter(text, lang, crs, qs) for collection coll,
// from the cache when it is there.
func (fc *filterCache) parse(coll, text, lang, crs string, qs []geo.Field) (*cql2.Expr, error) {
	if len(text) > maxCachedFilterText {
		return parseFilter(text, lang, crs, qs)
	}
	k := filterKey{coll, text, lang, crs}
	m := fc.m.Load()
	if m != nil {
		if e, ok := m.Load(k); ok {
			return e.(*cql2.Expr), nil
		}
	}
	e, err := parseFilter(text, lang, crs, qs)
	if err != nil {
		return nil, err
	}
	if m == nil || fc.n.Add(1) > maxCachedFilters {
		// Start again; a racing request may store into the old map, which
		// is then dropped with it.
		m = new(sync.Map)
		fc.m.Store(m)
		fc.n.Store(1)
	}
	m.Store(k, e)
	return e, nil
}
