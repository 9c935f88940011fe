package server

import (
	"sync"
	"sync/atomic"
)

// resetMap is the map of the service's bounded caches (filterCache,
// pageCache, answerCache): each entry stored weighs something (1 for a count, its bytes
// for a body), and a store that takes the total past its bound starts the
// map again empty, with only the new entry. So its memory stays bounded
// whatever the clients ask, without an eviction policy to keep up. Values
// must not be changed once stored: one may serve many requests at once. It
// is safe for concurrent use: a store racing a restart may land in the
// dropped map, which only costs a miss. The zero value is ready.
type resetMap[K comparable, V any] struct {
	m      atomic.Pointer[sync.Map] // K → V
	weight atomic.Int64             // of the entries stored in m, about
}

// load returns the value stored under k, if any.
func (r *resetMap[K, V]) load(k K) (v V, ok bool) {
	if m := r.m.Load(); m != nil {
		if x, ok := m.Load(k); ok {
			return x.(V), true
		}
	}
	return v, false
}

// store stores v under k, weighing w, starting again empty first when the
// total would pass bound.
func (r *resetMap[K, V]) store(k K, v V, w, bound int64) {
	m := r.m.Load()
	if m == nil || r.weight.Add(w) > bound {
		m = new(sync.Map)
		r.m.Store(m)
		r.weight.Store(w)
	}
	m.Store(k, v)
}

// each calls fn for the entries of the current map until fn returns false.
func (r *resetMap[K, V]) each(fn func(K, V) bool) {
	if m := r.m.Load(); m != nil {
		m.Range(func(k, v any) bool { return fn(k.(K), v.(V)) })
	}
}
