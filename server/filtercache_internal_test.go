package server

import (
	"fmt"
	"sync"
	"testing"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

// TestFilterCache checks that a filter is kept on its second parse and
// not its first, that the key includes the collection (a queryable of one
// is not one of another), that errors are not kept, and that the cache
// stays bounded.
func TestFilterCache(t *testing.T) {
	fc := newFilterCache()
	qs := []geo.Field{{Name: "name", Type: "string"}}
	const f = "name = '北碚区' AND S_INTERSECTS(geom, POINT(106.4 29.8))"
	first, err := fc.parse("districts", f, "", "", qs)
	if err != nil {
		t.Fatal(err)
	}
	a, err := fc.parse("districts", f, "", "", qs)
	if err != nil || a == first {
		t.Errorf("second parse: %p, %v; the first (%p) was kept", a, err, first)
	}
	if b, err := fc.parse("districts", f, "", "", qs); err != nil || b != a {
		t.Errorf("third parse: %p, %v; want the kept %p", b, err, a)
	}
	for range 2 {
		if b, err := fc.parse("districts", f, "cql2-text", "", qs); err != nil || b == a {
			t.Errorf("another filter-lang shares the entry: %p, %v", b, err)
		}
	}
	if _, err := fc.parse("roads", f, "", "", nil); err == nil {
		t.Error("a filter cached for one collection passed another without its queryable")
	}
	for range 2 {
		if _, err := fc.parse("districts", "name = ", "", "", qs); err == nil {
			t.Error("bad filter parsed")
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * maxCachedFilters {
				for range 2 { // kept the second time
					if _, err := fc.parse("districts", fmt.Sprintf("S_INTERSECTS(geom, POINT(%d.%d 29.8))", 106, w*10000+i), "", "", qs); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	fc.m.each(func(filterKey, *cql2.Expr) bool { n++; return true })
	if n == 0 || n > maxCachedFilters+4 {
		t.Errorf("%d filters kept, bound %d (+4 racing)", n, maxCachedFilters)
	}
	// Filters asked once are not kept.
	once := newFilterCache()
	for i := range 100 {
		if _, err := once.parse("districts", fmt.Sprintf("S_INTERSECTS(geom, POINT(106.%d 29.8))", i), "", "", qs); err != nil {
			t.Fatal(err)
		}
	}
	n = 0
	once.m.each(func(filterKey, *cql2.Expr) bool { n++; return true })
	if n != 0 {
		t.Errorf("%d of 100 filters asked once kept", n)
	}
}

// TestSeenSet: a hash is seen the second time, until one falling in the
// same slot takes its place; concurrent use is safe (-race).
func TestSeenSet(t *testing.T) {
	var s seenSet
	const h = 0xdeadbeef_00000000
	if s.sawBefore(h) || !s.sawBefore(h) || !s.sawBefore(h|1) {
		t.Error("a hash not seen the second time (0 and 1 in its low bit are one hash)")
	}
	if s.sawBefore(h + seenSlots<<32) { // the same slot
		t.Error("a new hash seen")
	}
	if s.sawBefore(h) {
		t.Error("a hash pushed out of its slot still seen")
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10000 {
				s.sawBefore(uint64(w*10000+i) << 32)
			}
		}()
	}
	wg.Wait()
	used := 0
	for i := range s.slots {
		if s.slots[i].Load() != 0 {
			used++
		}
	}
	if used != seenSlots {
		t.Errorf("%d of %d slots used after 40000 hashes", used, seenSlots)
	}
}
