package server

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRequestLog holds every line of RequestLog, the direct path and the
// fallback, to the line log/slog's own handlers write for the same record.
func TestRequestLog(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	times := []time.Time{
		time.Date(2026, 1, 25, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 17, 5, 43, 711892902, time.UTC),
		time.Date(2026, 12, 2, 17, 5, 43, 999999999, shanghai),
		time.Date(2026, 6, 1, 8, 0, 0, 1000000, shanghai),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Now(), // with a monotonic reading
	}
	lines := []requestLine{
		{method: "GET", route: "/collections/:collection/items", path: "/collections/districts/items", status: 200, took: 1234567, bytes: 61794, remote: "127.0.0.1:41234"},
		{method: "HEAD", route: "unmatched", path: "/", status: 404, took: 0, bytes: 0, remote: "[::1]:80"},
		{method: "POST", route: "/lookup", path: "/lookup", status: 503, took: 999, bytes: -1, remote: "192.0.2.7:1"},
		{method: "GET", route: "/tiles/:z/:x/:y", path: "/tiles/12/3295/1690.pbf", status: 200, took: 3 * time.Second, bytes: 1 << 40, remote: "10.0.0.1:65535"},
		// Values the direct path leaves to slog: spaces, quotes, '=',
		// Chinese, control characters, invalid UTF-8, empty strings.
		{method: "GET", route: "unmatched", path: "/a b", status: 400, took: 1, remote: "x"},
		{method: "GET", route: "unmatched", path: `/"quoted"`, status: 400, remote: "x"},
		{method: "GET", route: "unmatched", path: "/a=b", status: 400, remote: "x"},
		{method: "GET", route: "/geocode", path: "/地名/北碚区", status: 200, remote: "x"},
		{method: "GET", route: "unmatched", path: "/\x00\t\n\u2028", status: 400, remote: "x"},
		{method: "GET", route: "unmatched", path: "/\xff\xfe", status: 400, remote: "x"},
		{method: "", route: "unmatched", path: "", status: 400, remote: ""},
		{method: "GET", route: "unmatched", path: "/<script>&amp;" + strings.Repeat("x", 300) + "…", status: 404, remote: "@"},
		{method: "GET", route: "unmatched", path: `/back\slash`, status: 404, remote: "x"},
	}
	for _, json := range []bool{false, true} {
		for _, at := range times {
			for _, ln := range lines {
				ln.at = at
				var got, want bytes.Buffer
				NewRequestLog(&got, json).write(ln)
				var h slog.Handler = slog.NewTextHandler(&want, nil)
				if json {
					h = slog.NewJSONHandler(&want, nil)
				}
				r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
				r.AddAttrs(slog.String("method", ln.method), slog.String("route", ln.route), slog.String("path", ln.path),
					slog.Int("status", ln.status), slog.Duration("duration", ln.took), slog.Int64("bytes", ln.bytes),
					slog.String("remote", ln.remote))
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("json=%v at %v:\n got %q\nwant %q", json, at, got.String(), want.String())
				}
			}
		}
	}
}

// TestPlainLogValue pins which values take the direct path: a change that
// let through a character slog quotes or escapes fails TestRequestLog only
// if a line there has it, so each such character is listed here.
func TestPlainLogValue(t *testing.T) {
	for _, s := range []string{"GET", "/collections/districts/items", "[::1]:8080", "/tiles/1/2/3.pbf", "/a%20b", "/a+b,c;d"} {
		if !plainLogValue(s) {
			t.Errorf("plainLogValue(%q) = false", s)
		}
	}
	if plainLogValue("") {
		t.Error(`plainLogValue("") = true`)
	}
	for _, s := range []string{" ", "=", `"`, `\`, "\x00", "\x7f", "\t", "<", ">", "&", "é", "北碚", "\xff"} {
		if plainLogValue("/x" + s) {
			t.Errorf("plainLogValue(%q) = true", "/x"+s)
		}
	}
}
