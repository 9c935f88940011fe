package server

import (
	"hash/maphash"
	"slices"
	"time"
)

// Bounds of an answerCache: the bytes of all the answers it keeps (their
// own bytes, not the pageCache bodies they share), and the paths and raw
// queries it keeps answers of.
// answerOverhead is what an entry weighs besides its bytes.
const (
	maxAnswerBytes = 16 << 20
	maxAnswerQuery = 2 << 10
	answerOverhead = 256
)

// answerKey names one GeoJSON items answer of a snapshot: what, besides
// the snapshot, the day (see answer.day) and the clock's time stamp, the
// answer is made of. Path and query are as sent (the entity tag names
// them), so that two spellings of one request are two entries, never one
// answer for another.
type answerKey struct {
	path  string // the escaped path, naming the collection
	base  string // the base URL of the links (requestBase)
	query string // the raw query
}

// answer is one items answer kept by an answerCache: everything sent but
// the time stamp, which each answer takes from the clock. Nothing in it is
// changed once kept: the header values are set as they are (with no room
// to append to), the bytes written as they are.
type answer struct {
	day      time.Time // the day the entity tag was made for (it names it)
	etag     string
	crs      []string // Content-Crs
	counts   []string // OGC-NumberMatched, OGC-NumberReturned
	links    []string // Link header values
	start    []byte   // the body up to the time stamp (appendItemsHeadStart)
	end      []byte   // the head after it (appendItemsHeadEnd)
	features []byte   // the features part (appendPageFeatures or a pageCache body)
	owned    int      // bytes of features owned by this answer, 0 when a pageCache's
}

// answerCache keeps, for one snapshot, the GeoJSON items answers asked for
// at least twice with the same path, base URL and raw query, so that
// a repeated request (a map page's layers, the same point asked again, a
// client paging through a layer once more) is answered without parsing
// its query, selecting, paging or building its links again. Only what the
// handler answered 200 is kept; a 304 is still decided per request on the
// kept entity tag. The time stamp is the clock's on every answer, and an
// answer kept on one day is not served on the next (its entity tag names
// the day), so the bytes sent are the ones the handler would build.
//
// An answer seen once is only remembered as a hash in a seenSet, so that
// one-off queries (a map panned over bounding boxes, a click on the map)
// never allocate one. Paths and queries longer than maxAnswerQuery in all
// are not kept, nor pages whose features are too large to pin.
// When the answers reach maxAnswerBytes it starts again empty (a
// resetMap). It is safe for concurrent use; an answerCache must be
// made by newAnswerCache.
type answerCache struct {
	seed    maphash.Seed
	answers resetMap[answerKey, *answer] // weighing their bytes
	seen    seenSet                      // answers sent once
}

func newAnswerCache() *answerCache {
	return &answerCache{seed: maphash.MakeSeed()}
}

// get returns the answer kept under k for day, or nil.
func (ac *answerCache) get(k answerKey, day time.Time) *answer {
	a, ok := ac.answers.load(k)
	if !ok || !a.day.Equal(day) {
		return nil
	}
	return a
}

// wanted reports whether the answer under k, just built by the handler,
// is to be kept (by keep): the second time it is asked for, and later
// ones while it is not kept (a restart of the cache, a new day). The
// first time, it only remembers k's hash (in a seenSet).
func (ac *answerCache) wanted(k answerKey) bool {
	if len(k.path)+len(k.query) > maxAnswerQuery {
		return false
	}
	return ac.seen.sawBefore(hashStrings(ac.seed, k.path, k.base, k.query))
}

// keep keeps a under k. When a holds no features part (none of a
// pageCache's), tail is copied as its own, unless it is download-sized
// (over maxCachedPage), which is not pinned: then nothing is kept. The
// slices of a must not be changed after; the header values are clipped
// here so that appending to one copies it.
func (ac *answerCache) keep(k answerKey, a *answer, tail []byte) {
	if a.features == nil {
		if len(tail) > maxCachedPage {
			return
		}
		a.features, a.owned = slices.Clone(tail), len(tail)
	}
	a.crs, a.counts, a.links = slices.Clip(a.crs), slices.Clip(a.counts), slices.Clip(a.links)
	w := len(a.start) + len(a.end) + a.owned + len(a.etag) + len(k.path) + len(k.base) + len(k.query) + answerOverhead
	ac.answers.store(k, a, int64(w), maxAnswerBytes)
}
