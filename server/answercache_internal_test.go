package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
)

// answerHeaders are the headers an items answer is made of.
var answerHeaders = []string{"Content-Type", "Content-Length", "Content-Crs", "Etag", "Cache-Control", "Vary", "Link", "Ogc-Numbermatched", "Ogc-Numberreturned"}

// sent is what a client receives of one answer.
type sent struct {
	code   int
	header http.Header
	body   []byte
}

// serveAs sends one request as a client from host would.
func serveAs(s http.Handler, method, host, target string, hdr ...string) sent {
	req := httptest.NewRequest(method, "/", nil)
	u, _ := url.ParseRequestURI(target)
	req.URL, req.RequestURI, req.Host = u, target, host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	h := http.Header{}
	for _, k := range answerHeaders {
		if v := rec.Result().Header.Values(k); v != nil {
			h[k] = v
		}
	}
	return sent{rec.Code, h, rec.Body.Bytes()}
}

// diff describes how got differs from want, or is "".
func (got sent) diff(want sent) string {
	var d []string
	if got.code != want.code {
		d = append(d, fmt.Sprintf("status %d, want %d", got.code, want.code))
	}
	for _, k := range answerHeaders {
		if g, w := got.header.Values(k), want.header.Values(k); !slices.Equal(g, w) {
			d = append(d, fmt.Sprintf("%s %q, want %q", k, g, w))
		}
	}
	if !bytes.Equal(got.body, want.body) {
		d = append(d, fmt.Sprintf("body of %d bytes differs from the %d expected", len(got.body), len(want.body)))
	}
	return strings.Join(d, "; ")
}

var timeStampMember = regexp.MustCompile(`"timeStamp":"[^"]*"`)

// TestItemsAnswerCache asks items answers again and again, as the clock
// moves, from other hosts, with other Accept and If-None-Match headers,
// and holds each to the answer of a server of its own that sees the
// request for the first time (and so builds it): same status, headers and
// bytes, time stamp included.
func TestItemsAnswerCache(t *testing.T) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64
	clock.Store(time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC).UnixNano())
	cfg := Config{Store: geo.NewStore(snap), Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }}
	s := New(cfg)
	fresh := func() http.Handler { return New(cfg) } // a server that has seen nothing

	targets := []string{
		"/collections/districts/items?filter=S_INTERSECTS(geom,POINT(106.4378%2029.8256))",
		"/collections/districts/items?filter=S_INTERSECTS(geom%2CPOINT(106.4378%2029.8256))", // another spelling
		"/collections/townships/items?limit=1000",
		"/collections/townships/items?limit=2",          // a small page: its own bytes
		"/collections/townships/items?limit=3&cursor=3", // prev and next links
		"/collections/townships/items?bbox=106.2,29.6,106.9,30.2&properties=name&crs=http://www.opengis.net/def/crs/EPSG/0/4326",
		"/collections/districts/items?datetime=2025-06-01&f=json",
		// The first target's collection spelled with an escape: the
		// same answer but for its entity tag, which names the path.
		"/collections/%64istricts/items?filter=S_INTERSECTS(geom,POINT(106.4378%2029.8256))",
	}
	const host = "example.org:8080"
	for _, target := range targets {
		want := serveAs(fresh(), http.MethodGet, host, target)
		if want.code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, want.code, want.body)
		}
		for i := 1; i <= 3; i++ {
			if d := serveAs(s, http.MethodGet, host, target).diff(want); d != "" {
				t.Errorf("%s, answer %d: %s", target, i, d)
			}
		}
	}
	d := s.derivedFor(snap)
	var kept []string
	d.answers.answers.each(func(k answerKey, _ *answer) bool { kept = append(kept, k.query); return true })
	if len(kept) != len(targets) {
		t.Fatalf("%d answers kept after asking %d three times each: %q", len(kept), len(targets), kept)
	}

	// Now from the cache: later in the day, from another host, HEAD, gzip
	// refused, HTML asked, a tag the client has, the next day.
	clock.Add(int64(61 * time.Second))
	for _, target := range targets {
		want := serveAs(fresh(), http.MethodGet, host, target)
		got := serveAs(s, http.MethodGet, host, target)
		if d := got.diff(want); d != "" {
			t.Errorf("%s, a minute later: %s", target, d)
		}
		if ts := timeStampMember.Find(got.body); string(ts) != `"timeStamp":"2026-03-01T04:01:01Z"` {
			t.Errorf("%s, a minute later: %s", target, ts)
		}
		for _, c := range []struct {
			what, method, host string
			hdr                []string
		}{
			{"another host", http.MethodGet, "beibei.example", nil},
			{"HEAD", http.MethodHead, host, nil},
			{"HTML", http.MethodGet, host, []string{"Accept", "text/html"}},
			{"If-None-Match", http.MethodGet, host, []string{"If-None-Match", want.header.Get("Etag")}},
			{"another tag", http.MethodGet, host, []string{"If-None-Match", `W/"0123456789abcdef"`}},
		} {
			want := serveAs(fresh(), c.method, c.host, target, c.hdr...)
			if d := serveAs(s, c.method, c.host, target, c.hdr...).diff(want); d != "" {
				t.Errorf("%s, %s: %s", target, c.what, d)
			}
		}
	}
	clock.Add(int64(24 * time.Hour))
	for _, target := range targets {
		want := serveAs(fresh(), http.MethodGet, host, target)
		if d := serveAs(s, http.MethodGet, host, target).diff(want); d != "" {
			t.Errorf("%s, the next day: %s", target, d)
		}
	}

	// One-off queries are only remembered; long queries not at all.
	before := len(kept)
	for i := range 50 {
		target := fmt.Sprintf("/collections/townships/items?bbox=106.%02d,29.6,106.9,30.2", i)
		for range 1 + i%2*2 { // once, or three times for every other
			if got := serveAs(s, http.MethodGet, host, target); got.code != http.StatusOK {
				t.Fatalf("%s: %d", target, got.code)
			}
		}
	}
	long := "/collections/townships/items?limit=1000&name=" + strings.Repeat("x", maxAnswerQuery-40)
	for range 3 {
		if got := serveAs(s, http.MethodGet, host, long); got.code != http.StatusOK {
			t.Fatalf("a %d-byte query: %d %s", len(long), got.code, got.body)
		}
	}
	var n int
	d.answers.answers.each(func(k answerKey, _ *answer) bool {
		n++
		if len(k.path)+len(k.query) > maxAnswerQuery {
			t.Errorf("a %d-byte path and query kept", len(k.path)+len(k.query))
		}
		return true
	})
	if n != before+25 {
		t.Errorf("%d answers kept; want %d and 25 asked three times", n, before)
	}
}
