package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/geo"
)

var updateLookup = flag.Bool("update-lookup", false, "rewrite server/testdata/lookup_*.golden files")

// lookupNow is the fixed clock of the lookup tests: 2026-11-29 in China.
func lookupNow() time.Time { return time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC) }

// lookupServer serves the synthetic layers of testdata/lookup_layers (see
// their description: squares, not real boundaries).
func lookupServer(t testing.TB) *Server {
	t.Helper()
	snap, err := data.LoadSnapshot(os.DirFS(filepath.Join("testdata", "lookup_layers")))
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: geo.NewStore(snap), Now: lookupNow})
}

func lookupDo(t testing.TB, s *Server, method, target, ctype string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// answerJSON is the decoded contract of a lookup answer.
type answerJSON struct {
	Query struct {
		Lon, Lat float64
		CRS      string
		Date     string
		WGS84    []float64
		Address  string
	}
	District *struct {
		Code   *string
		Name   string
		NameEn string `json:"name_en"`
	}
	Township *struct {
		Code, Name, Accuracy string
		NameEn               string `json:"name_en"`
	}
	Zones   []struct{ ID, Name, Kind string }
	Changes []struct {
		Date, Basis string
		From, To    *string
	}
	Nearby []struct {
		Collection, ID, Name string
		DistanceM            *float64 `json:"distance_m"`
	}
	Matched []string
	Notices []string
}

func decodeAnswer(t *testing.T, rec *httptest.ResponseRecorder) answerJSON {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	var a answerJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(rec.Body.Bytes(), &raw)
	for _, k := range []string{"query", "district", "township", "zones", "changes", "nearby"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("member %q missing from %s", k, rec.Body)
		}
	}
	return a
}

func lookupProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, param string) Problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem %s: %v", rec.Body, err)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" {
		t.Errorf("problem %+v: want status %d with a title and a detail", p, status)
	}
	if param != "" && p.Param != param {
		t.Errorf("problem names param %q, want %q (%s)", p.Param, param, p.Detail)
	}
	return p
}

func TestLookupPoint(t *testing.T) {
	s := lookupServer(t)
	gcj := geo.WGS84ToGCJ02(orb.Point{106.8448, 29.85653})
	tests := []struct {
		name, query        string
		date               string
		district, township string
		changeFrom         string
		wgs84              bool
	}{
		{"tongjing after the change", "lon=106.8448&lat=29.85653&date=2026-11-29", "2026-11-29", "北碚区", "统景镇", "渝北区", false},
		{"date defaults to today in China", "lon=106.8448&lat=29.85653", "2026-11-29", "北碚区", "统景镇", "渝北区", false},
		{"before the change", "lon=106.8448&lat=29.85653&date=2025-12-31", "2025-12-31", "渝北区", "统景镇", "渝北区", false},
		{"gcj02 is converted", fmt.Sprintf("lon=%v&lat=%v&crs=GCJ02&date=2026-11-29", gcj[0], gcj[1]), "2026-11-29", "北碚区", "统景镇", "渝北区", true},
		{"shuitu now in liangjiang", "lon=106.45&lat=29.7&date=2026-02-01", "2026-02-01", "两江新区", "水土街道", "北碚区", false},
		{"outside every district", "lon=2.35&lat=48.85", "2026-11-29", "", "", "", false},
		{"spaces around numbers", "lon=+106.8448+&lat=29.85653", "2026-11-29", "北碚区", "统景镇", "渝北区", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := decodeAnswer(t, lookupDo(t, s, http.MethodGet, "/lookup?"+tt.query, "", nil))
			if a.Query.Date != tt.date {
				t.Errorf("query.date = %q, want %q", a.Query.Date, tt.date)
			}
			if (a.District == nil) != (tt.district == "") || (a.District != nil && a.District.Name != tt.district) {
				t.Errorf("district = %+v, want %q", a.District, tt.district)
			}
			if (a.Township == nil) != (tt.township == "") || (a.Township != nil && a.Township.Name != tt.township) {
				t.Errorf("township = %+v, want %q", a.Township, tt.township)
			}
			if tt.changeFrom != "" && (len(a.Changes) != 1 || a.Changes[0].From == nil || *a.Changes[0].From != tt.changeFrom || a.Changes[0].Date != "2026-01-25") {
				t.Errorf("changes = %+v, want one on 2026-01-25 from %s", a.Changes, tt.changeFrom)
			}
			if (len(a.Query.WGS84) == 2) != tt.wgs84 {
				t.Errorf("query.wgs84 = %v, present: want %v", a.Query.WGS84, tt.wgs84)
			}
			if tt.wgs84 && (abs(a.Query.WGS84[0]-106.8448) > 1e-6 || abs(a.Query.WGS84[1]-29.85653) > 1e-6) {
				t.Errorf("query.wgs84 = %v, want the WGS84 point 106.8448, 29.85653", a.Query.WGS84)
			}
		})
	}
	t.Run("today follows China time", func(t *testing.T) {
		// 2026-01-24 20:00 UTC is already 2026-01-25 in Chongqing.
		s := New(Config{Store: s.store, Now: func() time.Time { return time.Date(2026, 1, 24, 20, 0, 0, 0, time.UTC) }})
		a := decodeAnswer(t, lookupDo(t, s, http.MethodGet, "/lookup?lon=106.8448&lat=29.85653", "", nil))
		if a.Query.Date != "2026-01-25" || a.District == nil || a.District.Name != "北碚区" {
			t.Errorf("answer %+v, want the new layout of 2026-01-25", a)
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		rec := lookupDo(t, s, http.MethodHead, "/lookup?lon=106.8448&lat=29.85653", "", nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" || rec.Body.Len() != 0 {
			t.Errorf("HEAD: %d %q with %d bytes", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	})
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func TestLookupAddress(t *testing.T) {
	s := lookupServer(t)
	tests := []struct {
		address, date      string
		district, township string
		matched            string
		notice             string
	}{
		{"重庆市渝北区统景镇印盒村", "", "北碚区", "统景镇", "重庆市,渝北区,统景镇,印盒村", "原渝北区统景镇 joined 北碚区 on 2026-01-25"},
		{"统景", "2025-01-01", "渝北区", "统景镇", "统景镇", "joined 北碚区"},
		{"tongjing town", "", "北碚区", "统景镇", "统景镇", "joined 北碚区"},
		{"北碚区水土街道", "", "两江新区", "水土街道", "北碚区,水土街道", "原北碚区水土街道 joined 两江新区"},
		{"Shuitu", "", "两江新区", "水土街道", "水土街道", "joined 两江新区"},
		{"北部新区", "", "两江新区", "", "北部新区", "part of 两江新区"},
		{"江北区", "", "两江新区", "", "江北区", "江北区 was abolished on 2026-01-25"},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			q := url.Values{"address": {tt.address}}
			if tt.date != "" {
				q.Set("date", tt.date)
			}
			a := decodeAnswer(t, lookupDo(t, s, http.MethodGet, "/lookup?"+q.Encode(), "", nil))
			if a.District == nil || a.District.Name != tt.district {
				t.Errorf("district = %+v, want %s", a.District, tt.district)
			}
			if tt.township != "" && (a.Township == nil || a.Township.Name != tt.township) {
				t.Errorf("township = %+v, want %s", a.Township, tt.township)
			}
			if got := strings.Join(a.Matched, ","); got != tt.matched {
				t.Errorf("matched = %q, want %q", got, tt.matched)
			}
			if !strings.Contains(strings.Join(a.Notices, "\n"), tt.notice) {
				t.Errorf("notices = %q, want one containing %q", a.Notices, tt.notice)
			}
			if a.Query.Address != tt.address || len(a.Query.WGS84) != 2 {
				t.Errorf("query = %+v, want the address and the WGS84 point", a.Query)
			}
		})
	}
}

func TestLookupBadInput(t *testing.T) {
	s := lookupServer(t)
	tests := []struct {
		name, query string
		status      int
		param       string
	}{
		{"no parameters", "", 400, "lon"},
		{"lat missing", "lon=106.8", 400, "lat"},
		{"lon not a number", "lon=abc&lat=29.8", 400, "lon"},
		{"lon empty", "lon=&lat=29.8", 400, "lon"},
		{"lon NaN", "lon=NaN&lat=29.8", 400, "lon"},
		{"lat Inf", "lon=106.8&lat=-Inf", 400, "lat"},
		{"lat overflow", "lon=106.8&lat=1e999", 400, "lat"},
		{"lon out of range", "lon=186.8&lat=29.8", 400, "lon"},
		{"lat out of range", "lon=106.8&lat=-90.001", 400, "lat"},
		{"unknown crs", "lon=106.8&lat=29.8&crs=utm50", 400, "crs"},
		{"web mercator not offered", "lon=106.8&lat=29.8&crs=epsg:3857", 400, "crs"},
		{"bad date", "lon=106.8&lat=29.8&date=2026-13-01", 400, "date"},
		{"date not a date", "lon=106.8&lat=29.8&date=yesterday", 400, "date"},
		{"unknown parameter", "lon=106.8&lat=29.8&lng=106.8", 400, "lng"},
		{"repeated parameter", "lon=106.8&lon=106.9&lat=29.8", 400, "lon"},
		{"address and point", "address=%E7%BB%9F%E6%99%AF&lon=106.8&lat=29.8", 400, "address"},
		{"empty address", "address=", 400, "address"},
		{"address too long", "address=" + strings.Repeat("a", geo.MaxAddressLen+1), 400, "address"},
		{"address not UTF-8", "address=%FF%FE", 400, "address"},
		{"address unknown", "address=Atlantis", 404, "address"},
		{"path tricks in address", "address=..%2F..%2Fetc%2Fpasswd", 404, "address"},
		{"malformed escape", "lon=%zz&lat=29.8", 400, "query"},
		{"semicolon separator", "lon=106.8;lat=29.8", 400, "query"},
		{"escaped unknown key", "l%6Fn=106.8&lat=29.8&x%20y=1", 400, "x y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookupProblem(t, lookupDo(t, s, http.MethodGet, "/lookup?"+tt.query, "", nil), tt.status, tt.param)
		})
	}
	t.Run("no data loaded", func(t *testing.T) {
		s := New(Config{Store: geo.NewStore(nil)})
		rec := lookupDo(t, s, http.MethodGet, "/lookup?lon=106.8&lat=29.8", "", nil)
		lookupProblem(t, rec, 503, "")
	})
}

// getAnswer returns the JSON of GET /lookup for a point, the reference
// for batch answers.
func getAnswer(t *testing.T, s *Server, lon, lat float64, extra string) map[string]any {
	t.Helper()
	rec := lookupDo(t, s, http.MethodGet, fmt.Sprintf("/lookup?lon=%v&lat=%v%s", lon, lat, extra), "", nil)
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != 200 {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	return m
}

func TestLookupBatchJSON(t *testing.T) {
	s := lookupServer(t)
	pts := [][2]float64{{106.8448, 29.85653}, {106.45, 29.7}, {2.35, 48.85}, {106.2, 29.2}}
	body, _ := json.Marshal(pts)
	for _, extra := range []string{"", "&date=2025-06-01"} {
		t.Run("array"+extra, func(t *testing.T) {
			rec := lookupDo(t, s, http.MethodPost, "/lookup?crs=wgs84"+extra, "application/json", body)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("%d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var got []map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(pts) {
				t.Fatalf("%d answers for %d points", len(got), len(pts))
			}
			for i, p := range pts {
				want := getAnswer(t, s, p[0], p[1], "&crs=wgs84"+extra)
				g, _ := json.Marshal(got[i])
				w, _ := json.Marshal(want)
				if !bytes.Equal(g, w) {
					t.Errorf("answer %d = %s, want the GET answer %s", i, g, w)
				}
			}
		})
	}
}

func TestLookupBatchFeatureCollection(t *testing.T) {
	s := lookupServer(t)
	body := []byte(`{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[106.8448,29.85653]},"properties":{"label":"统景","district":"overwritten"}},
 {"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[2.35,48.85]},"properties":null}]}`)
	for _, ct := range []string{"application/geo+json", "application/json; charset=utf-8"} {
		t.Run(ct, func(t *testing.T) {
			rec := lookupDo(t, s, http.MethodPost, "/lookup?date=2026-03-01", ct, body)
			wantCT, _, _ := strings.Cut(ct, ";")
			if rec.Code != 200 || rec.Header().Get("Content-Type") != wantCT {
				t.Fatalf("%d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var fc struct {
				Type     string
				Features []struct {
					ID         any
					Geometry   struct{ Coordinates []float64 }
					Properties map[string]any
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil {
				t.Fatalf("%s: %v", rec.Body, err)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != 2 {
				t.Fatalf("got %s", rec.Body)
			}
			f0, f1 := fc.Features[0], fc.Features[1]
			if f0.ID != "a" || f1.ID != float64(7) || f0.Geometry.Coordinates[0] != 106.8448 {
				t.Errorf("ids or geometry not kept: %s", rec.Body)
			}
			if f0.Properties["label"] != "统景" {
				t.Errorf("input properties not kept: %v", f0.Properties)
			}
			want := getAnswer(t, s, 106.8448, 29.85653, "&date=2026-03-01")
			for _, k := range []string{"district", "township", "zones", "changes", "nearby"} {
				g, _ := json.Marshal(f0.Properties[k])
				w, _ := json.Marshal(want[k])
				if !bytes.Equal(g, w) {
					t.Errorf("properties.%s = %s, want %s", k, g, w)
				}
			}
			if f1.Properties["district"] != nil || f1.Properties["zones"] == nil {
				t.Errorf("outside point: properties %v, want district null and zones []", f1.Properties)
			}
		})
	}
}

// TestLookupBatchCSV compares the CSV answer with
// testdata/lookup_batch.golden.csv (go test -run TestLookupBatchCSV
// -update-lookup rewrites it) and checks it against GET answers.
func TestLookupBatchCSV(t *testing.T) {
	s := lookupServer(t)
	in := "\ufeffname,Lat,LON,note\n统景 seat,29.85653,106.8448,\"quoted, with comma\"\n水土,29.7,106.45,\nParis,48.85,2.35,far\n"
	rec := lookupDo(t, s, http.MethodPost, "/lookup?date=2026-11-29", "text/csv", []byte(in))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("%d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rows, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a header and 3 rows", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"name", "Lat", "LON", "note", "district_code", "district", "township_code", "township", "zones", "changes"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("header %v lacks %q", rows[0], h)
		}
	}
	if rows[1][col["note"]] != "quoted, with comma" {
		t.Errorf("input columns not echoed: %v", rows[1])
	}
	for _, r := range rows[1:] {
		a := getAnswer(t, s, mustFloat(t, r[col["LON"]]), mustFloat(t, r[col["Lat"]]), "&date=2026-11-29")
		wantD := ""
		if d, ok := a["district"].(map[string]any); ok {
			wantD = d["name"].(string)
		}
		if r[col["district"]] != wantD {
			t.Errorf("row %v: district %q, GET says %q", r, r[col["district"]], wantD)
		}
	}
	golden := filepath.Join("testdata", "lookup_batch.golden.csv")
	if *updateLookup {
		if err := os.WriteFile(golden, rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-lookup to create it)", err)
	}
	if !bytes.Equal(rec.Body.Bytes(), want) {
		t.Errorf("CSV answer differs from %s:\n%s", golden, rec.Body)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestLookupBatchBadInput(t *testing.T) {
	s := lookupServer(t)
	many := func(n int) []byte {
		var b bytes.Buffer
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("[106.5,29.8]")
		}
		b.WriteByte(']')
		return b.Bytes()
	}
	manyCSV := "lon,lat\n" + strings.Repeat("106.5,29.8\n", MaxBatch+1)
	tests := []struct {
		name, query, ctype string
		body               []byte
		status             int
		param              string
	}{
		{"no content type", "", "", []byte(`[[1,2]]`), 415, "Content-Type"},
		{"unsupported content type", "", "text/plain", []byte(`[[1,2]]`), 415, "Content-Type"},
		{"malformed content type", "", "application/json; =", []byte(`[[1,2]]`), 415, "Content-Type"},
		{"empty body", "", "application/json", nil, 400, "body"},
		{"blank body", "", "text/csv", []byte(" \n"), 400, "body"},
		{"broken JSON", "", "application/json", []byte(`[[106.8, 29.8]`), 400, "body"},
		{"not numbers", "", "application/json", []byte(`[["106.8", "29.8"]]`), 400, "body"},
		{"one number", "", "application/json", []byte(`[[106.8,29.8],[106.8]]`), 400, "[1]"},
		{"out of range", "", "application/json", []byte(`[[106.8,29.8],[106.8,95]]`), 400, "[1].lat"},
		{"number too big", "", "application/json", []byte(`[[1e400,29.8]]`), 400, "body"},
		{"bad crs", "?crs=mars", "application/json", []byte(`[[106.8,29.8]]`), 400, "crs"},
		{"bad date", "?date=2026-02-30", "application/json", []byte(`[[106.8,29.8]]`), 400, "date"},
		{"unknown parameter", "?lon=1", "application/json", []byte(`[[106.8,29.8]]`), 400, "lon"},
		{"too many points", "", "application/json", many(MaxBatch + 1), 413, "body"},
		{"too many CSV rows", "", "text/csv", []byte(manyCSV), 413, "body"},
		{"body over 8 MiB", "", "application/json", bytes.Repeat([]byte(" "), DefaultMaxBody+1), 413, ""},
		{"not a FeatureCollection", "", "application/geo+json", []byte(`{"type":"Feature"}`), 400, "body"},
		{"feature without geometry", "", "application/geo+json", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}}]}`), 400, "features[0].geometry"},
		{"line feature", "", "application/geo+json", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{}}]}`), 400, "features[0].geometry"},
		{"feature out of range", "", "application/geo+json", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[200,2]},"properties":{}}]}`), 400, "features[0].geometry.lon"},
		{"CSV without lat", "", "text/csv", []byte("lon,y\n106.8,29.8\n"), 400, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookupProblem(t, lookupDo(t, s, http.MethodPost, "/lookup"+tt.query, tt.ctype, tt.body), tt.status, tt.param)
		})
	}
	t.Run("exactly the maximum is accepted", func(t *testing.T) {
		rec := lookupDo(t, s, http.MethodPost, "/lookup", "application/json", many(MaxBatch))
		var got []json.RawMessage
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || len(got) != MaxBatch {
			t.Fatalf("%d with %d answers", rec.Code, len(got))
		}
	})
}

// bruteDistrict returns the name of the first district of snap, in
// collection order, that contains pt on date, by testing every polygon.
func bruteDistrict(t *testing.T, snap *geo.Snapshot, pt orb.Point, date time.Time) string {
	t.Helper()
	c, err := snap.Collection(geo.DistrictsID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.Features {
		if !f.Valid.Contains(date) {
			continue
		}
		var polys []orb.Polygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		}
		for _, p := range polys {
			if geo.Contains(p, pt) {
				return f.String("name")
			}
		}
	}
	return ""
}

// TestLookupEmbeddedData runs against the embedded layers, whatever they
// hold today: expectations come from the data itself (brute force) and
// from the GeoNames seat of 统景镇.
func TestLookupEmbeddedData(t *testing.T) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Store: geo.NewStore(snap), Now: lookupNow})
	seat := orb.Point{106.8448, 29.85653} // GeoNames seat of 统景镇
	for _, date := range []string{"2025-06-01", "2026-11-29"} {
		t.Run("tongjing seat "+date, func(t *testing.T) {
			a := decodeAnswer(t, lookupDo(t, s, http.MethodGet, "/lookup?lon=106.8448&lat=29.85653&date="+date, "", nil))
			d, _ := time.Parse(geo.DateLayout, date)
			want := bruteDistrict(t, snap, seat, d)
			if want == "" {
				t.Fatal("the embedded districts do not cover the seat of 统景镇")
			}
			if a.District == nil || a.District.Name != want {
				t.Errorf("district = %+v, brute force says %s", a.District, want)
			}
			if _, err := snap.Collection(geo.TownshipsID); err == nil && (a.Township == nil || a.Township.Name != "统景镇") {
				t.Errorf("township = %+v, want 统景镇", a.Township)
			}
		})
	}
	c, _ := snap.Collection(geo.DistrictsID)
	for _, f := range c.Features {
		name := f.String("name")
		t.Run("address "+name, func(t *testing.T) {
			a := decodeAnswer(t, lookupDo(t, s, http.MethodGet, "/lookup?address="+url.QueryEscape("重庆市"+name), "", nil))
			found := false
			for _, m := range a.Matched {
				found = found || m == name
			}
			if !found {
				t.Errorf("matched = %v, want %s", a.Matched, name)
			}
		})
	}
}

// FuzzLookupBatch posts arbitrary bodies in each accepted media type and
// checks that the answer is 200 with the media type asked for, or a 4xx
// problem — never a 5xx or a panic. Seeds: testdata/lookup_batch_seeds.
func FuzzLookupBatch(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "lookup_batch_seeds", "*"))
	for i, fn := range seeds {
		b, err := os.ReadFile(fn)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	s := lookupServer(f)
	types := []string{"application/json", "application/geo+json", "text/csv"}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		ct := types[int(kind)%len(types)]
		rec := lookupDo(t, s, http.MethodPost, "/lookup", ct, body)
		switch {
		case rec.Code == 200:
			got := rec.Header().Get("Content-Type")
			if !strings.HasPrefix(got, "application/json") && !strings.HasPrefix(got, ct) {
				t.Fatalf("200 as %q for %q", got, ct)
			}
		case rec.Code >= 400 && rec.Code < 500:
			if rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d without a problem: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

// FuzzLookupQuery sends arbitrary query strings to GET /lookup: 200, 400
// or 404, never a 5xx or a panic.
func FuzzLookupQuery(f *testing.F) {
	for _, q := range []string{"lon=106.8448&lat=29.85653", "lon=1e309&lat=0", "address=%E7%BB%9F%E6%99%AF", "lon=0x1p-2&lat=-0", "date=2026-01-25&lon=1&lat=1&crs=bd09", "address=tongjing%20town"} {
		f.Add(q)
	}
	s := lookupServer(f)
	f.Fuzz(func(t *testing.T, q string) {
		req := httptest.NewRequest(http.MethodGet, "/lookup", nil)
		req.URL.RawQuery = q
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 && rec.Code != 404 {
			t.Fatalf("status %d for %q: %s", rec.Code, q, rec.Body)
		}
		if rec.Code == 200 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON for %q: %s", q, rec.Body)
		}
		// Where the lookup parser accepts a query, it must read what
		// net/url reads.
		if lq, err := parseLookupQuery(q, lookupGetParams); err == nil {
			ref, err := url.ParseQuery(q)
			if err != nil {
				t.Fatalf("parseLookupQuery accepts %q, url.ParseQuery does not: %v", q, err)
			}
			for i, name := range lookupParamNames {
				if lq.has(i) != ref.Has(name) || lq.get(i) != ref.Get(name) {
					t.Fatalf("%q: %s = %q (set %v), net/url says %q", q, name, lq.get(i), lq.has(i), ref.Get(name))
				}
			}
		}
	})
}

// BenchmarkLookupServeHTTP measures GET /lookup through the whole echo
// stack, in process, on the embedded layers, cycling through fixed points
// of the Beibei area; BenchmarkLookupFixedBaseline is the yardstick: a bare
// handler writing a fixed answer of the same size.
func BenchmarkLookupServeHTTP(b *testing.B) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	s := New(Config{Store: geo.NewStore(snap), Now: lookupNow})
	reqs := benchRequests()
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		w.reset()
		s.ServeHTTP(w, reqs[i%len(reqs)])
		if w.code != http.StatusOK || w.n < 100 {
			b.Fatalf("status %d, %d bytes", w.code, w.n)
		}
	}
}

func BenchmarkLookupFixedBaseline(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1200)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	reqs := benchRequests()
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		w.reset()
		h.ServeHTTP(w, reqs[i%len(reqs)])
	}
}

func benchRequests() []*http.Request {
	var reqs []*http.Request
	for _, q := range []string{"lon=106.8448&lat=29.85653", "lon=106.82023&lat=30.01963&date=2025-06-01", "lon=106.89727&lat=29.89029&crs=gcj02", "lon=106.4378&lat=29.8256"} {
		reqs = append(reqs, httptest.NewRequest(http.MethodGet, "/lookup?"+q, nil))
	}
	return reqs
}

// discardWriter is a reusable http.ResponseWriter that counts and drops
// the body, so that the benchmarks measure the handlers, not a recorder.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}
func (w *discardWriter) reset() { clear(w.h); w.code, w.n = 0, 0 }
