package server

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// itemsLinksReference is the links of an items page built the plain way:
// a copy of the query per link, changed, then url.Values.Encode.
func itemsLinksReference(b baseURL, c *geo.Collection, q url.Values, iq *itemsQuery, matched int) []link {
	p := collectionPath(c.ID) + "/items"
	with := func(mod func(url.Values)) url.Values {
		v := url.Values{}
		for k, x := range q {
			v[k] = x
		}
		delete(v, "f")
		mod(v)
		return v
	}
	links := []link{
		{b.at(p, with(func(url.Values) {})), "self", mtGeoJSON, "This page"},
		{b.at(p, with(func(v url.Values) { v.Set("f", "html") })), "alternate", mtHTML, "This page as HTML"},
		{b.at(collectionPath(c.ID), nil), "collection", mtJSON, "The collection"},
	}
	if next := iq.offset + iq.limit; next < matched {
		links = append(links, link{b.at(p, with(func(v url.Values) {
			v.Set("cursor", strconv.Itoa(next))
			v.Set("limit", strconv.Itoa(iq.limit))
		})), "next", mtGeoJSON, "Next page"})
	}
	if iq.offset > 0 {
		prev := max(0, iq.offset-iq.limit)
		links = append(links, link{b.at(p, with(func(v url.Values) {
			if prev == 0 {
				v.Del("cursor")
			} else {
				v.Set("cursor", strconv.Itoa(prev))
			}
			v.Set("limit", strconv.Itoa(iq.limit))
		})), "prev", mtGeoJSON, "Previous page"})
	}
	return links
}

// FuzzItemsLinks checks the links of an items page, their JSON and their
// Link headers against the plain constructions: url.Values.Encode,
// encoding/json and fmt's %q.
func FuzzItemsLinks(f *testing.F) {
	f.Add("limit=10&cursor=20&f=json", "http://127.0.0.1:8080", "townships", 20, 10, 47)
	f.Add("filter=S_INTERSECTS(geom,POINT(106.4 29.8))&bbox=1,2,3,4", "https://example.org/beibei", "districts", 0, 1000, 5)
	f.Add("name=北碚&name=x&z=&a=%2B&f=html&f=json", "http://h", "a b/c", 5, 10, 100)
	f.Add("cursor=3&limit=2&datetime=2026-01-25T00:00:00Z/..", "http://\b\f", "\x00", 3, 2, 4)
	f.Add("", "", "", 0, 0, 0)
	f.Fuzz(func(t *testing.T, query, base, coll string, offset, limit, matched int) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		c := &geo.Collection{ID: coll}
		iq := &itemsQuery{offset: offset, limit: limit}
		got, header := itemsLinks(baseURL(base), c, parseQueryList(query, nil), iq, matched)
		want := itemsLinksReference(baseURL(base), c, q, iq, matched)
		if !slices.Equal(got, want) {
			t.Fatalf("links\n got %q\nwant %q", got, want)
		}
		var ref []string
		for _, l := range want {
			ref = append(ref, fmt.Sprintf("<%s>; rel=%q; type=%q", l.Href, l.Rel, l.Type))
		}
		if !slices.Equal(header, ref) {
			t.Fatalf("Link header values\n got %q\nwant %q", header, ref)
		}
		for _, ls := range [][]link{got, nil, {}, {{Href: base, Rel: coll, Type: query}}} {
			if j, ref := appendLinks([]byte("x"), ls), append([]byte("x"), appendJSON(nil, ls)...); !bytes.Equal(j, ref) {
				t.Fatalf("JSON\n got %s\nwant %s", j, ref)
			}
		}
		for _, ls := range [][]link{got, {{Href: base, Rel: coll, Type: query}}} {
			ctx := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
			writeLinkHeaders(ctx, ls)
			var ref []string
			for _, l := range ls {
				ref = append(ref, fmt.Sprintf("<%s>; rel=%q; type=%q", l.Href, l.Rel, l.Type))
			}
			if h := ctx.Response().Header()["Link"]; !slices.Equal(h, ref) {
				t.Fatalf("Link headers\n got %q\nwant %q", h, ref)
			}
		}
	})
}

// TestEntityTag pins the form of the entity tag: FNV-1a 64 of the parts
// joined by NUL, as hex.
func TestEntityTag(t *testing.T) {
	for _, parts := range [][]string{{}, {""}, {"a"}, {"v1", "0", "http://h", "/collections?f=json", "2026-03-01"}} {
		fh := fnv.New64a()
		fh.Write([]byte(strings.Join(parts, "\x00")))
		h := fh.Sum64()
		if got, want := entityTag(parts...), fmt.Sprintf(`W/"%016x"`, h); got != want {
			t.Errorf("entityTag(%q) = %s, want %s", parts, got, want)
		}
	}
}

// TestAppendQueryEscape holds appendQueryEscape to url.QueryEscape on
// every byte (it escapes byte by byte) and on strings of the world.
func TestAppendQueryEscape(t *testing.T) {
	var all []string
	for c := 0; c < 256; c++ {
		all = append(all, string([]byte{byte(c)}))
	}
	all = append(all, "", "S_INTERSECTS(geom,POINT(106.4378 29.8256))", "name=北碚区&x", "2026-01-25T00:00:00Z/..", "a+b%20c", "bad \xff utf8")
	for _, s := range all {
		if got, want := string(appendQueryEscape([]byte("x"), s)), "x"+url.QueryEscape(s); got != want {
			t.Errorf("appendQueryEscape(%q) = %q, url.QueryEscape gives %q", s, got, want)
		}
	}
}
