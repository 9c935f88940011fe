package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"

	"beibeimap/geo"
)

// TestPageCache checks that a page is kept the second time it is asked
// for, with the bytes appendPageFeatures writes from freshly encoded
// features; that order matters; that small pages and hash collisions go
// without the cache; and that the cache stays bounded under many pages
// from many goroutines.
func TestPageCache(t *testing.T) {
	s := defaultServer(t)
	snap := s.store.Snapshot()
	d := s.derivedFor(snap)
	towns, err := snap.Collection("townships")
	if err != nil {
		t.Fatal(err)
	}
	cc := d.collection(towns)
	enc := cc.encoded()
	fresh := func(page []*geo.Feature) []byte { // not from enc: encoded again
		return appendPageFeatures(nil, page, &itemsQuery{crs: geo.WGS84}, nil)
	}

	pc := newPageCache()
	page := towns.Features
	if b := pc.body(page, enc); b != nil {
		t.Fatalf("kept on first sight (%d bytes)", len(b))
	}
	b := pc.body(page, enc)
	if want := fresh(page); !bytes.Equal(b, want) {
		t.Fatalf("second sight: %d bytes, want the %d of appendPageFeatures", len(b), len(want))
	}
	if again := pc.body(slices.Clone(page), enc); len(again) == 0 || &again[0] != &b[0] {
		t.Error("third sight (an equal slice) not served from the cache")
	}
	rev := slices.Clone(page)
	slices.Reverse(rev)
	pc.body(rev, enc)
	if got := pc.body(rev, enc); !bytes.Equal(got, fresh(rev)) {
		t.Errorf("the page in reverse order: %d bytes, want its own %d", len(got), len(fresh(rev)))
	}
	small := false
	for _, f := range page {
		if len(enc[f]) < minCachedPage {
			small = true
			one := []*geo.Feature{f}
			for range 3 {
				if got := pc.body(one, enc); got != nil {
					t.Fatalf("a %d-byte page kept (minimum %d)", len(got), minCachedPage)
				}
			}
			break
		}
	}
	if !small {
		t.Fatalf("no township under %d bytes: the small-page check tests nothing", minCachedPage)
	}

	// A stored body under the hash of another page is not answered for it.
	other := page[:len(page)-1]
	pc.pages.store(pc.key(other), &pageBody{page: page, body: b}, int64(len(b)), maxCachedPageBytes)
	if got := pc.body(other, enc); got != nil {
		t.Error("a colliding entry answered for another page")
	}
	partial := maps.Clone(enc) // every encoding of the page but one
	delete(partial, page[2])
	for range 2 { // the second time would keep it, were its encodings all there
		if got := pc.body(page[1:], partial); got != nil {
			t.Error("a page missing an encoding kept")
		}
	}

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range 600 {
				sub := slices.DeleteFunc(slices.Clone(page), func(*geo.Feature) bool { return r.IntN(2) == 0 })
				pc.body(sub, enc)
				if got := pc.body(sub, enc); got != nil && !bytes.Equal(got, fresh(sub)) {
					t.Errorf("a %d-feature page: wrong bytes", len(sub))
					return
				}
			}
		}()
	}
	wg.Wait()
	var kept int
	pc.pages.each(func(_ uint64, pb *pageBody) bool { kept += len(pb.body); return true })
	if kept > maxCachedPageBytes+4*maxCachedPage {
		t.Errorf("%d bytes kept, bound %d (+4 racing pages)", kept, maxCachedPageBytes)
	}
}

// TestItemsFromPageCache: an items page answered again, the second time
// and after from the page cache, has the bytes of its first answer, for
// the whole of a collection, a point filter, a box and a page further on;
// views other than the default are never kept.
func TestItemsFromPageCache(t *testing.T) {
	s := defaultServer(t)
	targets := []string{
		"/collections/townships/items?limit=1000",
		"/collections/districts/items?filter=S_INTERSECTS(geom,POINT(106.4378%2029.8256))",
		"/collections/townships/items?bbox=106.2,29.6,106.9,30.2&limit=20",
		"/collections/districts/items?datetime=2025-06-01",
	}
	var doc struct {
		Links []struct{ Rel, Href string }
	}
	if err := json.Unmarshal(fuzzServe(s, http.MethodGet, "/collections/townships/items?limit=10").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, l := range doc.Links {
		if l.Rel == "next" {
			u, err := url.Parse(l.Href)
			if err != nil {
				t.Fatal(err)
			}
			targets = append(targets, u.RequestURI()) // the second page
		}
	}
	if len(targets) != 5 {
		t.Fatalf("no next link on a page of 10 townships: %+v", doc.Links)
	}
	for _, target := range targets {
		first := fuzzServe(s, http.MethodGet, target)
		if first.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, first.Code, first.Body)
		}
		for i := 2; i <= 3; i++ {
			if rec := fuzzServe(s, http.MethodGet, target); rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), first.Body.Bytes()) {
				t.Errorf("%s, answer %d: %d, %d bytes; the first had %d", target, i, rec.Code, rec.Body.Len(), first.Body.Len())
			}
		}
		// From the cache through the gzip middleware: the same bytes, once
		// decompressed, and no Content-Length of the uncompressed body.
		rec := fuzzServe(s, http.MethodGet, target, "Accept-Encoding", "gzip")
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatalf("%s, gzipped: %v", target, err)
		}
		if body, err := io.ReadAll(zr); err != nil || !bytes.Equal(body, first.Body.Bytes()) {
			t.Errorf("%s, gzipped: %v, %d bytes; the first had %d", target, err, len(body), first.Body.Len())
		}
		if cl := rec.Header().Get("Content-Length"); cl != "" && cl != strconv.Itoa(rec.Body.Len()) {
			t.Errorf("%s, gzipped: Content-Length %s for a %d-byte body", target, cl, rec.Body.Len())
		}
	}
	d := s.derivedFor(s.store.Snapshot())
	var pages int
	d.pages.pages.each(func(uint64, *pageBody) bool { pages++; return true })
	if pages < 3 {
		t.Errorf("%d pages kept after asking %d pages three times each", pages, len(targets))
	}

	for _, q := range []string{"crs=http://www.opengis.net/def/crs/EPSG/0/4326", "properties=name", "skipGeometry=true"} {
		target := fmt.Sprintf("/collections/townships/items?limit=1000&%s", q)
		before := pages
		for range 3 {
			if rec := fuzzServe(s, http.MethodGet, target); rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
			}
		}
		pages = 0
		d.pages.pages.each(func(uint64, *pageBody) bool { pages++; return true })
		if pages != before {
			t.Errorf("%s: a page of another view kept", q)
		}
	}
}
