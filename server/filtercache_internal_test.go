package server

import (
	"fmt"
	"sync"
	"testing"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

// TestFilterCache checks that a filter is parsed once per key, that the
// key includes the collection (a queryable of one is not one of another),
// that errors are not kept, and that the cache stays bounded.
func TestFilterCache(t *testing.T) {
	var fc filterCache
	qs := []geo.Field{{Name: "name", Type: "string"}}
	const f = "name = '北碚区' AND S_INTERSECTS(geom, POINT(106.4 29.8))"
	a, err := fc.parse("districts", f, "", "", qs)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fc.parse("districts", f, "", "", qs); err != nil || b != a {
		t.Errorf("second parse: %p, %v; want the cached %p", b, err, a)
	}
	if b, err := fc.parse("districts", f, "cql2-text", "", qs); err != nil || b == a {
		t.Errorf("another filter-lang shares the entry: %p, %v", b, err)
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
				if _, err := fc.parse("districts", fmt.Sprintf("S_INTERSECTS(geom, POINT(%d.%d 29.8))", 106, w*10000+i), "", "", qs); err != nil {
					t.Error(err)
					return
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
}
