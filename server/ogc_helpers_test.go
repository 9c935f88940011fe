package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/server"
)

// fixedNow is the clock of fixture tests: 2026-03-01 12:00 in China, after
// the change of 2026-01-25.
var fixedNow = time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)

// fixtureStore loads the small fixed dataset of testdata/fixture.
func fixtureStore(t testing.TB) *geo.Store {
	t.Helper()
	snap, err := data.LoadSnapshot(os.DirFS("testdata/fixture"))
	if err != nil {
		t.Fatal(err)
	}
	return geo.NewStore(snap)
}

// defaultStore loads the embedded default layers, whatever they are today.
func defaultStore(t testing.TB) *geo.Store {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	return geo.NewStore(snap)
}

func fixtureServer(t testing.TB) *server.Server {
	t.Helper()
	// 192.0.2.0/24 holds httptest.NewRequest's peer: the proxy of the tests.
	return server.New(server.Config{Store: fixtureStore(t), Now: func() time.Time { return fixedNow }, CORSOrigins: []string{"https://allowed.example"},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
}

// do sends a request through ServeHTTP and returns the recorder.
func do(t testing.TB, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// getJSON requests target and decodes a 200 JSON answer whose content type
// starts with ctype.
func getJSON(t testing.TB, h http.Handler, target, ctype string) map[string]any {
	t.Helper()
	rec := do(t, h, http.MethodGet, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %s", target, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, ctype) {
		t.Fatalf("GET %s: content type %q, want %q", target, ct, ctype)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return m
}

// linkHref returns the href of the first link with rel (and type, if set).
func linkHref(doc map[string]any, rel, typ string) string {
	links, _ := doc["links"].([]any)
	for _, l := range links {
		m := l.(map[string]any)
		if m["rel"] == rel && (typ == "" || m["type"] == typ) {
			return m["href"].(string)
		}
	}
	return ""
}

// featureIDs returns the ids of the features of a FeatureCollection.
func featureIDs(doc map[string]any) []string {
	var ids []string
	feats, _ := doc["features"].([]any)
	for _, f := range feats {
		ids = append(ids, f.(map[string]any)["id"].(string))
	}
	return ids
}

// pathOf strips scheme and host from an absolute link.
func pathOf(t testing.TB, href string) string {
	t.Helper()
	i := strings.Index(href, "://")
	if i < 0 {
		t.Fatalf("link %q is not absolute", href)
	}
	j := strings.IndexByte(href[i+3:], '/')
	if j < 0 {
		return "/"
	}
	return href[i+3+j:]
}

func readAll(t testing.TB, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
