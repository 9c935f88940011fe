package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"beibeimap/server"
)

// discardWriter is an http.ResponseWriter that keeps the headers and
// throws the body away, so that a benchmark measures the handler and not
// a recorder's buffer growing.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header  { return w.h }
func (w *discardWriter) WriteHeader(code int) { w.status = code }
func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

// BenchmarkOGCItems measures the items endpoint on the default data
// through ServeHTTP, with request lines logged as `serve` logs them (to
// io.Discard); each -baseline is a handler writing the same bytes, the
// yardstick in the same run. Bodies are discarded, so the difference is
// what the service adds per request before the network.
func BenchmarkOGCItems(b *testing.B) {
	s := server.New(server.Config{Store: defaultStore(b), RequestLog: server.NewRequestLog(io.Discard, false)})
	for _, bc := range []struct{ name, target string }{
		{"townships-1000", "/collections/townships/items?limit=1000"},
		{"intersects-point", "/collections/districts/items?filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(106.4378 29.8256))")},
	} {
		rec := do(b, s, http.MethodGet, bc.target)
		if rec.Code != 200 {
			b.Fatalf("%s: %d", bc.target, rec.Code)
		}
		body := rec.Body.Bytes()
		req := httptest.NewRequest(http.MethodGet, bc.target, nil)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := &discardWriter{h: http.Header{}}
				s.ServeHTTP(w, req)
				if w.n != len(body) {
					b.Fatalf("%d bytes, want %d", w.n, len(body))
				}
			}
		})
		if bc.name == "intersects-point" {
			// A point never asked before on each request (as map clicks
			// are), within 0.00007° of the other: the same features,
			// links of the same length, no answer or filter kept.
			reqs := make([]*http.Request, 1<<16)
			for i := range reqs {
				f := fmt.Sprintf("S_INTERSECTS(geom,POINT(%.9f 29.8256))", 106.4378+float64(i)*1e-9)
				reqs[i] = httptest.NewRequest(http.MethodGet, "/collections/districts/items?filter="+url.QueryEscape(f), nil)
			}
			b.Run("intersects-new-point", func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					w := &discardWriter{h: http.Header{}}
					s.ServeHTTP(w, reqs[i%len(reqs)])
					if w.n != len(body)+10 { // the point's five more digits, twice (self, alternate)
						b.Fatalf("%d bytes, want %d", w.n, len(body)+10)
					}
					i++
				}
			})
		}
		b.Run(bc.name+"-baseline", func(b *testing.B) {
			b.ReportAllocs()
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/geo+json")
				w.Write(body)
			})
			for b.Loop() {
				w := &discardWriter{h: http.Header{}}
				h.ServeHTTP(w, req)
			}
		})
	}
}
