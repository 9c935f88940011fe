package server

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
)

// defaultServer serves the embedded layers, for fuzz targets that need
// real collections.
func defaultServer(t testing.TB) *Server {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: geo.NewStore(snap), Now: func() time.Time { return time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC) }})
}

// fuzzServe sends one request with the given headers through ServeHTTP.
func fuzzServe(s http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/", nil)
	u, _ := url.ParseRequestURI(target)
	req.URL, req.RequestURI = u, target
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// problemOr fails t unless rec is a 4xx problem+json or has one of the
// statuses ok with a content type starting with one of types.
func problemOr(t *testing.T, what string, rec *httptest.ResponseRecorder, ok []int, types ...string) {
	t.Helper()
	ct := rec.Header().Get("Content-Type")
	if rec.Code >= 400 && rec.Code < 500 {
		var p struct{ Status int }
		if ct != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != rec.Code {
			t.Fatalf("%s: %d without a problem body: %q %.200s", what, rec.Code, ct, rec.Body)
		}
		return
	}
	for _, c := range ok {
		if rec.Code != c {
			continue
		}
		if len(types) == 0 || rec.Body.Len() == 0 {
			return
		}
		for _, tp := range types {
			if strings.HasPrefix(ct, tp) {
				return
			}
		}
	}
	t.Fatalf("%s: status %d, content type %q: %.200s", what, rec.Code, ct, rec.Body)
}

// FuzzTileQuery sends arbitrary date, layers and extra parameters with a
// tile of Beibei: an MVT (200 or 204), or a 4xx problem.
func FuzzTileQuery(f *testing.F) {
	f.Add("2026-01-25", "townships,seats", "", "")
	f.Add("", "", "x", "1")
	f.Add("2026-02-30", "nosuch", "date", "2026-01-01")
	f.Add("9999-12-31", ",,", "layers", "districts")
	s := defaultServer(f)
	f.Fuzz(func(t *testing.T, date, layers, key, value string) {
		q := url.Values{}
		if date != "" {
			q.Set("date", date)
		}
		if layers != "" {
			q.Set("layers", layers)
		}
		if key != "" {
			q.Add(key, value)
		}
		target := "/tiles/12/3258/1692.mvt?" + q.Encode()
		rec := fuzzServe(s, http.MethodGet, target)
		problemOr(t, target, rec, []int{200, 204}, mvtType)
		if key != "" && key != "date" && key != "layers" && rec.Code < 400 {
			t.Fatalf("%s: unknown parameter %q accepted", target, key)
		}
	})
}

// FuzzAccept negotiates arbitrary Accept headers (and f values) on the
// landing page and an items page: JSON or HTML with 200, or a 4xx for a
// bad f; an Accept that names only text/html gives HTML.
func FuzzAccept(f *testing.F) {
	for _, a := range []string{"text/html", "application/json;q=0.5, text/html;q=0.9", "*/*", "", "text/html;q=abc", "text/html;q=0", "application/geo+json;q=1, text/html;q=1"} {
		f.Add(a, "")
	}
	f.Add("text/html", "json")
	f.Add("", "xml")
	s := defaultServer(f)
	f.Fuzz(func(t *testing.T, accept, fParam string) {
		for _, path := range []string{"/", "/collections/seats/items?limit=2"} {
			target := path
			if fParam != "" {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				target += sep + "f=" + url.QueryEscape(fParam)
			}
			rec := fuzzServe(s, http.MethodGet, target, "Accept", accept)
			problemOr(t, target+" Accept: "+accept, rec, []int{200}, "application/json", "application/geo+json", "text/html")
			if fParam == "" && strings.TrimSpace(accept) == "text/html" && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("Accept: text/html answered %s", rec.Header().Get("Content-Type"))
			}
			if rec.Code == 200 && !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept") {
				t.Fatalf("%s: the answer depends on Accept without Vary naming it", target)
			}
		}
	})
}

// FuzzForwardedBase checks the base URL built from arbitrary forwarded
// headers of a trusted proxy: always an http(s) URL with a plain host, no
// user information, query or fragment, and a clean path.
func FuzzForwardedBase(f *testing.F) {
	f.Add("", "https", "maps.example.org", "/beibei/", "example.com")
	f.Add(`for=1.2.3.4;proto=https;host="a.example:8443", for=x`, "", "", "", "h:1")
	f.Add("host=evil.example/x;proto=javascript", "ftp", "evil.example@x", "//x", "")
	f.Add(";;;", "HTTPS", "[::1]:80", "/a/../b", "bad host")
	f.Add("", "", "[0]", "", "[1.2.3.4]") // brackets around what is no IPv6 address (found by this target)
	f.Fuzz(func(t *testing.T, fwd, proto, host, prefix, reqHost string) {
		h := http.Header{}
		for k, v := range map[string]string{"Forwarded": fwd, "X-Forwarded-Proto": proto, "X-Forwarded-Host": host, "X-Forwarded-Prefix": prefix} {
			if v != "" {
				h.Set(k, v)
			}
		}
		b := forwardedBase(h, false, reqHost)
		u, err := url.Parse(b)
		if err != nil {
			t.Fatalf("%q does not parse: %v", b, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || u.Host == "" {
			t.Fatalf("base %q from %v: not a plain http(s) URL", b, h)
		}
		if !validHost(u.Host) {
			t.Fatalf("base %q: host %q", b, u.Host)
		}
		if u.Path != "" && !cleanPrefix(u.Path) {
			t.Fatalf("base %q: path %q", b, u.Path)
		}
		if u.Scheme+"://"+u.Host+u.Path != b {
			t.Fatalf("base %q does not survive a round trip through net/url", b)
		}
	})
}

// FuzzItemsParams sends the items parameters in combination: a 200 GeoJSON
// or HTML page whose features number at most the limit, or a 4xx problem.
func FuzzItemsParams(f *testing.F) {
	f.Add("106.3,29.7,106.6,30.0", "2026-01-25/..", "name LIKE '%街道'", "5", "", "", "name,code")
	f.Add("1,2,3", "..", "", "0", "x", "html", "")
	f.Add("", "", "S_INTERSECTS(geometry, POINT(106.43 29.83))", "100000", "3", "json", "")
	f.Add("106,29,107,30", "2026-13-01", "((", "", "-1", "", ",")
	s := defaultServer(f)
	f.Fuzz(func(t *testing.T, bbox, datetime, filter, limit, cursor, format, props string) {
		q := url.Values{}
		for k, v := range map[string]string{"bbox": bbox, "datetime": datetime, "filter": filter, "limit": limit, "cursor": cursor, "f": format, "properties": props} {
			if v != "" {
				q.Set(k, v)
			}
		}
		target := "/collections/townships/items?" + q.Encode()
		rec := fuzzServe(s, http.MethodGet, target)
		problemOr(t, target, rec, []int{200}, "application/geo+json", "text/html")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/geo+json") {
			return
		}
		var fc struct {
			Features       []json.RawMessage `json:"features"`
			NumberReturned int               `json:"numberReturned"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		n, err := parseLimit(limit)
		if err == nil && (len(fc.Features) > n || fc.NumberReturned != len(fc.Features)) {
			t.Fatalf("%s: %d features, numberReturned %d, limit %d", target, len(fc.Features), fc.NumberReturned, n)
		}
	})
}

// FuzzMapPath checks the map page's path mapping: a name it accepts is a
// valid fs path (or "" for the folder) that stays inside it, and serving
// any path answers 200 with a known type, a redirect or a 4xx — never a
// file outside the folder.
func FuzzMapPath(f *testing.F) {
	for _, p := range []string{"/map/", "/map/app.js", "/map/../go.mod", "/map/%2e%2e/x", "/map/a%2fb", "/map/.\\x", "/map/config.json", "/map//x", "/map/marker-icon-2V3QKKVC.png"} {
		f.Add(p)
	}
	s := defaultServer(f)
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.ParseRequestURI(raw)
		if err != nil {
			return
		}
		name, ok := mapFileName(u)
		if ok && name != "" && (!fs.ValidPath(name) || strings.Contains(name, `\`)) {
			t.Fatalf("%q mapped to %q", raw, name)
		}
		if !strings.HasPrefix(u.Path, "/map/") {
			return
		}
		rec := fuzzServe(s, http.MethodGet, raw)
		problemOr(t, raw, rec, []int{200, 304}, "text/", "image/png", "application/json")
		if rec.Code == 200 && (strings.Contains(rec.Body.String(), "module beibeimap") || strings.Contains(rec.Body.String(), "root:x:0:0")) {
			t.Fatalf("%q served a file outside the map folder", raw)
		}
	})
}

// FuzzIfNoneMatch sends arbitrary If-None-Match values, alone and around
// the answer's own tag: 304 exactly when the value names the tag or is
// "*", else 200.
func FuzzIfNoneMatch(f *testing.F) {
	for _, v := range []string{"*", `W/"x"`, `"a", "b"`, ",,,", `W/`, `"` + strings.Repeat("a", 100)} {
		f.Add(v)
	}
	s := defaultServer(f)
	// The tag of /collections changes once the downloads it links to are
	// written (their lengths appear): take it after that.
	fuzzServe(s, http.MethodGet, "/collections")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := s.WaitDownloads(ctx); err != nil {
		f.Fatal(err)
	}
	tag := fuzzServe(s, http.MethodGet, "/collections").Header().Get("ETag")
	if tag == "" {
		f.Fatal("no ETag on /collections")
	}
	f.Fuzz(func(t *testing.T, inm string) {
		rec := fuzzServe(s, http.MethodGet, "/collections", "If-None-Match", inm)
		names := false
		for _, v := range strings.Split(inm, ",") {
			v = strings.TrimSpace(v)
			names = names || v == "*" || strings.TrimPrefix(v, "W/") == strings.TrimPrefix(tag, "W/")
		}
		if want := map[bool]int{true: 304, false: 200}[names]; rec.Code != want {
			t.Fatalf("If-None-Match %q (tag %s): %d, want %d", inm, tag, rec.Code, want)
		}
		if rec := fuzzServe(s, http.MethodGet, "/collections", "If-None-Match", inm+", "+tag); rec.Code != 304 {
			t.Fatalf("If-None-Match %q plus the tag: %d, want 304", inm, rec.Code)
		}
	})
}

// hostPattern is the regular expression validHost was written from, kept
// here as half its oracle; net/url, which must parse every base URL
// built on the host, is the other half (it refuses "[0]", which the
// pattern let through).
var hostPattern = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$`)

// FuzzValidHost holds validHost to hostPattern and net/url on any string.
func FuzzValidHost(f *testing.F) {
	for _, h := range []string{"", "localhost", "localhost:8080", "127.0.0.1:18080", "[::1]", "[::1]:443", "[]", "[::1", "::1",
		"a..b", "-a", "a-", "a.b.", "a:", "a:123456", "a:12a", "[fe80::1%eth0]", "例子.cn", "a b", "a/b", "a@b", "[::1]x", ":80",
		"[0]", "[1.2.3.4]", "[::ffff:1.2.3.4]", "[1::2::3]", "[:]", "[::]:0"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		_, err := url.Parse("http://" + h)
		if got, want := validHost(h), hostPattern.MatchString(h) && err == nil; got != want {
			t.Fatalf("validHost(%q) = %v, the pattern and net/url say %v (url.Parse: %v)", h, got, want, err)
		}
	})
}
