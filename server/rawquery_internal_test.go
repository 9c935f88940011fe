package server

import (
	"net/url"
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
