package server

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// batchCSV returns a CSV table of n rows (编号, 地址) cycling through the
// texts of the address table.
func batchCSV(tb testing.TB, n int) []byte {
	tb.Helper()
	fh, err := os.Open(filepath.Join("..", "geo", "testdata", "addresses.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	var texts []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if cols := strings.Split(sc.Text(), "\t"); len(cols) == 10 {
			texts = append(texts, cols[1])
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"编号", "地址"})
	for i := 0; i < n; i++ {
		w.Write([]string{string(rune('A' + i%26)), texts[i%len(texts)]})
	}
	w.Flush()
	return b.Bytes()
}

// BenchmarkGeocodeBatchHTTP posts a table of MaxBatch addresses to POST
// /geocode over a real HTTP connection (httptest.Server); one op is the
// whole batch, request to last byte. BenchmarkLookupBatchHTTP beside it
// posts MaxBatch points to POST /lookup, the baseline of a batch that needs
// no parsing.
func BenchmarkGeocodeBatchHTTP(b *testing.B) {
	benchBatch(b, "/geocode", batchCSV(b, MaxBatch))
}

func BenchmarkLookupBatchHTTP(b *testing.B) {
	body := "lon,lat\n" + strings.Repeat("106.8448,29.8565\n", MaxBatch)
	benchBatch(b, "/lookup", []byte(body))
}

func benchBatch(b *testing.B, path string, body []byte) {
	snap := geocodeServer(b)
	ts := httptest.NewServer(snap)
	defer ts.Close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Post(ts.URL+path, "text/csv", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n == 0 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
