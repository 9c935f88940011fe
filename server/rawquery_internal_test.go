package server

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzQueryFirst holds queryFirst to url.ParseQuery, the parser echo's
// QueryParams uses: same first value, same presence, for the parameters it
// is asked for and for others.
func FuzzQueryFirst(f *testing.F) {
	f.Add("f=json&limit=10", "f")
	f.Add("%66=gpkg&f=json", "f")
	f.Add("limit=2000;x=1&limit=5", "limit")
	f.Add("li%6Dit=+5%20&limit=7", "limit")
	f.Add("f=%zz&f=html", "f")
	f.Add("=&&f&f=1", "f")
	f.Add("f+=x&f%2B=y&f=z", "f")
	f.Add("filter=S_INTERSECTS(geom%2CPOINT(106.4378%2029.8256))", "filter")
	f.Add(strings.Repeat("a=1&", maxScannedPairs)+"f=html", "f")
	f.Fuzz(func(t *testing.T, raw, key string) {
		for _, k := range []string{"f", "limit", key} {
			if url.QueryEscape(k) != k {
				continue // queryFirst's contract: a name that needs no escaping
			}
			got, gotOK := queryFirst(raw, k)
			want, wantOK := parsedQuery(raw)[k]
			if gotOK != wantOK || (wantOK && got != want[0]) {
				t.Fatalf("queryFirst(%q, %q) = %q, %v; url.ParseQuery gives %q", raw, k, got, gotOK, want)
			}
		}
	})
}

// FuzzQueryList holds parseQueryList to url.ParseQuery: the same values
// for every key, in the same order, and nothing else; and check to the
// map's verdict: an error exactly when a key is not allowed or is given
// more than once.
func FuzzQueryList(f *testing.F) {
	f.Add("f=json&limit=10")
	f.Add("%66=gpkg&f=json&f")
	f.Add("limit=2000;x=1&limit=5&=&&")
	f.Add("li%6Dit=+5%20&limit=7&z=%zz&%zz=1")
	f.Add("filter=S_INTERSECTS(geom%2CPOINT(106.4378%2029.8256))&bbox=1,2,3,4")
	f.Add(strings.Repeat("a=1&", maxScannedPairs) + "f=html&b=2&a=0")
	f.Fuzz(func(t *testing.T, raw string) {
		var buf [4]queryPair
		q := parseQueryList(raw, buf[:0])
		want := parsedQuery(raw)
		n := 0
		for k, vs := range want {
			n += len(vs)
			if got := q.values(k); !slices.Equal(got, vs) {
				t.Fatalf("parseQueryList(%q).values(%q) = %q; url.ParseQuery gives %q", raw, k, got, vs)
			}
			if q.get(k) != vs[0] || !q.has(k) {
				t.Fatalf("parseQueryList(%q): get/has(%q) = %q, %v; want %q", raw, k, q.get(k), q.has(k), vs[0])
			}
		}
		if len(q) != n {
			t.Fatalf("parseQueryList(%q) has %d pairs, url.ParseQuery %d values: %q", raw, len(q), n, q)
		}
		allowed := []string{"f", "limit", "a"}
		bad := false
		for k, vs := range want {
			bad = bad || len(vs) > 1 || !slices.Contains(allowed, k)
		}
		if err := q.check(allowed, nil); (err != nil) != bad {
			t.Fatalf("parseQueryList(%q).check = %v; want an error: %v", raw, err, bad)
		}
	})
}
