package server

import (
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
// kept, at most maxCachedFilters (a resetMap). A cql2.Expr is immutable,
// so one may serve many requests at once. It is safe for concurrent use;
// the zero value is ready.
type filterCache struct {
	m resetMap[filterKey, *cql2.Expr]
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
	fc.m.store(k, e, 1, maxCachedFilters)
	return e, nil
}
