package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"beibeimap/server"
)

// TestItemsWire checks, on the default data, what an OGC answer looks like on a real
// connection: a Content-Length equal to the body (not chunked), the same
// length on HEAD, and with gzip a length, if any, that is the compressed
// body's.
func TestItemsWire(t *testing.T) {
	ts := httptest.NewServer(server.New(server.Config{Store: defaultStore(t)}))
	defer ts.Close()
	for _, target := range []string{
		"/collections/districts/items?limit=1000",
		"/collections/districts/items?filter=S_INTERSECTS(geom%2CPOINT(106.4378%2029.8256))",
		"/collections/districts",
	} {
		t.Run(target, func(t *testing.T) {
			get := func(method, enc string) (*http.Response, []byte) {
				t.Helper()
				req, err := http.NewRequest(method, ts.URL+target, nil)
				if err != nil {
					t.Fatal(err)
				}
				if enc != "" {
					req.Header.Set("Accept-Encoding", enc)
				}
				res, err := ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				body, err := io.ReadAll(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: status %d: %s", method, res.StatusCode, body)
				}
				return res, body
			}
			res, body := get(http.MethodGet, "identity")
			if len(res.TransferEncoding) > 0 || res.ContentLength != int64(len(body)) {
				t.Errorf("GET: transfer encoding %v, content length %d, body %d bytes", res.TransferEncoding, res.ContentLength, len(body))
			}
			if head, _ := get(http.MethodHead, "identity"); head.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("HEAD: Content-Length %q, GET body %d bytes", head.Header.Get("Content-Length"), len(body))
			}
			zres, zbody := get(http.MethodGet, "gzip")
			if zres.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("not gzipped: %v", zres.Header)
			}
			if zres.ContentLength >= 0 && zres.ContentLength != int64(len(zbody)) {
				t.Errorf("gzip: content length %d, body %d bytes", zres.ContentLength, len(zbody))
			}
			zr, err := gzip.NewReader(bytes.NewReader(zbody))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || len(plain) != len(body) {
				t.Errorf("gzip: %d bytes after decompression (%v), want %d", len(plain), err, len(body))
			}
		})
	}
}
