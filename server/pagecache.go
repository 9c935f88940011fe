package server

import (
	"hash/maphash"
	"slices"

	"beibeimap/geo"
)

// Bounds of a pageCache: the bytes of all the bodies it keeps, and the
// sizes of the pages it keeps. A page
// smaller than minCachedPage costs little to copy; one larger than
// maxCachedPage is rare enough (a download-sized page) not to pin.
const (
	maxCachedPageBytes = 16 << 20
	minCachedPage      = 4 << 10
	maxCachedPage      = 4 << 20
)

// pageCache keeps, for one snapshot, the features part of the items pages
// in the default view that were asked at least twice: the default-view
// encodings of the page's features joined by commas, with the end of the
// FeatureCollection ("]}\n"). Such a page is then written from
// the cache after its head (counts, time stamp, links), so that its
// features are not copied into a response buffer again; the bytes sent are
// the same either way. Pages repeat: the same point asked again (every
// point of a district selects the same districts), a layer paged through,
// the whole of a small collection.
//
// A page is keyed by a hash of its features' identities (which are the
// snapshot's, so a page of one collection is never another's) and confirmed
// by comparing them, so a collision only costs a miss. A page seen once is
// only remembered as a hash in a seenSet, so that one-off pages (a map
// panned over bounding boxes) never allocate a body. When the bodies reach
// maxCachedPageBytes it starts again empty (a resetMap): its memory stays
// bounded whatever the clients ask.
// Bodies are never changed once stored, so one may serve many requests at
// once. It is safe for concurrent use; a pageCache must be made by
// newPageCache.
type pageCache struct {
	seed  maphash.Seed
	pages resetMap[uint64, *pageBody] // weighing their bytes
	seen  seenSet                     // pages asked once
}

// pageBody is one page kept by a pageCache.
type pageBody struct {
	page []*geo.Feature // the features, to confirm a hash match
	body []byte
}

func newPageCache() *pageCache {
	return &pageCache{seed: maphash.MakeSeed()}
}

// body returns the features part of page, encoded by enc, from the cache;
// or nil when page is not kept, in which case the caller encodes it
// (appendPageFeatures). The page is kept the second time it is asked for,
// when its body is between minCachedPage and maxCachedPage bytes. The
// result must not be modified.
func (pc *pageCache) body(page []*geo.Feature, enc map[*geo.Feature][]byte) []byte {
	if len(page) == 0 {
		return nil
	}
	k := pc.key(page)
	if pb, ok := pc.pages.load(k); ok {
		if slices.Equal(pb.page, page) {
			return pb.body
		}
		return nil // a collision: this page is sent without the cache
	}
	if !pc.seen.sawBefore(k) {
		return nil
	}
	n := len(page) - 1 + len("]}\n")
	for _, f := range page {
		e, ok := enc[f]
		if !ok {
			return nil // not a feature of this collection's encodings
		}
		n += len(e)
	}
	if n < minCachedPage || n > maxCachedPage {
		return nil
	}
	pb := &pageBody{page: slices.Clone(page), body: appendPageFeatures(make([]byte, 0, n), page, nil, enc)}
	pc.pages.store(k, pb, int64(n), maxCachedPageBytes)
	return pb.body
}

// key is the hash of page under which pc keeps it: of its features, in
// order, by identity.
func (pc *pageCache) key(page []*geo.Feature) uint64 {
	k := uint64(len(page))
	for _, f := range page {
		k = (k ^ maphash.Comparable(pc.seed, f)) * 0x100000001b3 // FNV-1a's prime
	}
	return k
}
