package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"beibeimap/data"
	"beibeimap/geo"
)

// BenchmarkDownloads measures, on the default data, what the download
// lengths cost and save: write-all is writeDownloads, every unfiltered
// download of a snapshot (paid once per snapshot, in the background);
// dataset-gpkg the whole-dataset GeoPackage written for a request (what
// every such request cost before) against dataset-gpkg-ready, the same
// answer sent from the written file; collections the /collections
// document built with the lengths against collections-no-lengths.
func BenchmarkDownloads(b *testing.B) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	store := geo.NewStore(snap)
	b.Run("write-all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := New(Config{Store: store})
			fs := s.downloadsFor(snap)
			<-fs.done
			fs.retire()
		}
	})
	get := func(b *testing.B, s *Server, target string) {
		b.Helper()
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
			if w.Code != 200 {
				b.Fatalf("%s: status %d", target, w.Code)
			}
		}
	}
	b.Run("dataset-gpkg", func(b *testing.B) { get(b, New(Config{Store: store}), "/download/beibeimap.gpkg") })
	ready := New(Config{Store: store})
	fs := ready.downloadsFor(snap)
	if err := ready.WaitDownloads(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Run("dataset-gpkg-ready", func(b *testing.B) { get(b, ready, "/download/beibeimap.gpkg") })
	base := baseURL("http://localhost:8080")
	b.Run("collections", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buildCollections(base, snap, fs)
		}
	})
	b.Run("collections-no-lengths", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buildCollections(base, snap, nil)
		}
	})
}
