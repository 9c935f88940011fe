package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzItemsQuery sends arbitrary values of the items parameters through
// ServeHTTP: every answer must be 200 GeoJSON or a 4xx problem, never a 500
// or a panic.
func FuzzItemsQuery(f *testing.F) {
	f.Add("bbox", "106.1,29.1,106.9,29.4")
	f.Add("bbox", "1e308,1,2,NaN")
	f.Add("limit", "99999999999999999999")
	f.Add("datetime", "2026-01-25T00:00:00+08:00/..")
	f.Add("filter", "S_INTERSECTS(geom,POINT(106.6 29.2)) AND name_en LIKE 'B%'")
	f.Add("filter", strings.Repeat("NOT ", 70)+"TRUE")
	f.Add("cursor", "3")
	f.Add("crs", "EPSG:3857")
	f.Add("properties", "name,code")
	f.Add("name_en", "Beibei")
	s := fixtureServer(f)
	f.Fuzz(func(t *testing.T, key, value string) {
		target := "/collections/districts/items?" + url.Values{key: {value}}.Encode()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code == 200 && (ct == "application/geo+json" || strings.HasPrefix(ct, "text/html")):
		case rec.Code >= 400 && rec.Code < 500 && ct == "application/problem+json":
			var p map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatalf("%s: problem is not JSON: %v", target, err)
			}
		default:
			t.Fatalf("%s: status %d, content type %q: %s", target, rec.Code, ct, rec.Body)
		}
	})
}
