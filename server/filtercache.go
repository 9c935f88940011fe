package server

import (
	"hash/maphash"

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
// point again, parses it at most twice: a filter is kept the second time it
// is asked for (the first, only its hash is remembered, in a seenSet), so
// that one-off filters (every click on a map a new point) are not stored
// only to be dropped. Only filters that parsed without error are kept, at
// most maxCachedFilters (a resetMap). A cql2.Expr is immutable, so one may
// serve many requests at once. It is safe for concurrent use; a
// filterCache must be made by newFilterCache.
type filterCache struct {
	seed maphash.Seed
	m    resetMap[filterKey, *cql2.Expr]
	seen seenSet // filters asked once
}

func newFilterCache() *filterCache {
	return &filterCache{seed: maphash.MakeSeed()}
}

type filterKey struct{ coll, text, lang, crs string }

// parse returns parseFilter(text, lang, crs, qs) for collection coll,
// from the cache when it is there.
func (fc *filterCache) parse(coll, text, lang, crs string, qs []geo.Field) (*cql2.Expr, error) {
	if len(text) > maxCachedFilterText {
		return parseFilter(text, lang, crs, qs)
	}
	k := filterKey{coll, text, lang, crs}
	if e, ok := fc.m.load(k); ok {
		return e, nil
	}
	e, err := parseFilter(text, lang, crs, qs)
	if err != nil {
		return nil, err
	}
	if fc.seen.sawBefore(hashStrings(fc.seed, coll, text, lang, crs)) {
		fc.m.store(k, e, 1, maxCachedFilters)
	}
	return e, nil
}
