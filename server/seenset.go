package server

import (
	"hash/maphash"
	"sync/atomic"
)

// seenSlots is the size of a seenSet's table.
const seenSlots = 4096

// seenSet remembers, roughly, the hashes it has been shown: a fixed table
// of seenSlots slots, each holding the last hash that fell in it. It is
// how the caches tell the second asking of a request from its first (they
// keep an answer, a page or a filter only then) without allocating on
// every one-off request: a hash counts as seen while its slot still holds
// it, so other requests can push it out (its next asking then counts as a
// first again), but the table never grows. It is safe for concurrent use
// (a race between two hashes of one slot only costs a miss); the zero value
// is ready.
type seenSet struct {
	slots [seenSlots]atomic.Uint64
}

// sawBefore reports whether h is in the set, and puts it there.
func (s *seenSet) sawBefore(h uint64) bool {
	h |= 1 // 0 marks an empty slot
	slot := &s.slots[(h>>32)%seenSlots]
	if slot.Load() == h {
		return true
	}
	slot.Store(h)
	return false
}

// hashStrings hashes ss, in order, with seed: the key of a cache entry
// named by strings, for a seenSet.
func hashStrings(seed maphash.Seed, ss ...string) uint64 {
	k := uint64(len(ss))
	for _, s := range ss {
		k = (k ^ maphash.String(seed, s)) * 0x100000001b3 // FNV-1a's prime, as pageCache.key
	}
	return k
}
