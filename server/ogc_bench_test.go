package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"beibeimap/server"
)

// BenchmarkOGCItems measures the items endpoint on the default data
// through ServeHTTP; BenchmarkOGCBaseline is a handler writing the same
// bytes, the yardstick in the same run.
func BenchmarkOGCItems(b *testing.B) {
	s := server.New(server.Config{Store: defaultStore(b)})
	for _, bc := range []struct{ name, target string }{
		{"townships-1000", "/collections/townships/items?limit=1000"},
		{"intersects-point", "/collections/districts/items?filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(106.4378 29.8256))")},
	} {
		rec := do(b, s, http.MethodGet, bc.target)
		if rec.Code != 200 {
			b.Fatalf("%s: %d", bc.target, rec.Code)
		}
		body := rec.Body.Bytes()
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bc.target, nil))
			}
		})
		b.Run(bc.name+"-baseline", func(b *testing.B) {
			b.ReportAllocs()
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/geo+json")
				w.Write(body)
			})
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bc.target, nil))
			}
		})
	}
}
