package address

import "unicode/utf8"

// trie holds the keys of an index by rune: edges are one map keyed by
// (node, rune), so that a walk costs one map look-up per rune and no
// allocation.
type trie struct {
	edges map[uint64]int32
	hits  [][]hit // by node; node 0 is the root
	// first and next link each node to its first child and its next
	// sibling (0 for none: the root is nobody's child), for completion.
	first, next []int32
}

// trieSize is the number of nodes an index of the embedded divisions
// needs (about 70,000): the edge map is made that large at once.
const trieSize = 1 << 17

func (t *trie) init() {
	t.edges = make(map[uint64]int32, trieSize)
	t.hits = [][]hit{nil}
	t.first, t.next = []int32{0}, []int32{0}
}

func edge(node int32, r rune) uint64 { return uint64(node)<<32 | uint64(uint32(r)) }

// add stores h under key, once per (unit, kind): the best weight wins.
func (t *trie) add(key string, h hit) {
	n := int32(0)
	for _, r := range key {
		next, ok := t.edges[edge(n, r)]
		if !ok {
			next = int32(len(t.hits))
			t.hits = append(t.hits, nil)
			t.first = append(t.first, 0)
			t.next = append(t.next, t.first[n])
			t.first[n] = next
			t.edges[edge(n, r)] = next
		}
		n = next
	}
	for i, o := range t.hits[n] {
		if o.unit == h.unit {
			if h.weight > o.weight {
				t.hits[n][i] = h
			}
			return
		}
	}
	t.hits[n] = append(t.hits[n], h)
}

// walk calls fn with the byte length and hits of every key that is a
// prefix of s, shortest first.
func (t *trie) walk(s string, fn func(n int, hs []hit)) {
	n := int32(0)
	for i, r := range s {
		next, ok := t.edges[edge(n, r)]
		if !ok {
			return
		}
		n = next
		if hs := t.hits[n]; len(hs) > 0 {
			fn(i+utf8.RuneLen(r), hs)
		}
	}
}

// complete calls fn with the hits of the keys that begin with prefix,
// nearest (shortest) keys first, until fn returns false.
func (t *trie) complete(prefix string, fn func(hs []hit) bool) {
	n := int32(0)
	for _, r := range prefix {
		next, ok := t.edges[edge(n, r)]
		if !ok {
			return
		}
		n = next
	}
	queue := []int32{n}
	for len(queue) > 0 {
		n, queue = queue[0], queue[1:]
		if hs := t.hits[n]; len(hs) > 0 && !fn(hs) {
			return
		}
		for k := t.first[n]; k != 0; k = t.next[k] {
			queue = append(queue, k)
		}
	}
}
