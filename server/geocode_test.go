package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beibeimap/data"
	"beibeimap/geo"
)

// geocodeServer serves the embedded default layers.
func geocodeServer(t testing.TB) *Server {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: geo.NewStore(snap), Now: lookupNow})
}

func readCSV(t *testing.T, b []byte) (map[string]int, [][]string) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimPrefix(h, utf8BOM)] = i
	}
	return col, rows[1:]
}

// TestGeocodeCSV sends a spreadsheet as people export it (BOM, Chinese
// headers, extra columns, a row outside Chongqing, a blank address, a
// stray quote read leniently) and checks that every row comes back in order with its own
// status, the other columns untouched.
func TestGeocodeCSV(t *testing.T) {
	s := geocodeServer(t)
	in := utf8BOM + "编号,收货人,地址,备注\n" +
		"1,张三,重庆市渝北区统景镇印盒村5组,\"含,逗号\"\n" +
		"2,李四,北京市朝阳区建国路88号,\n" +
		"3,王五,,空地址\n" +
		"4,赵六,两路街道,\n" +
		"5,钱七,\"坏\"引号\",x\n" +
		"6,孙八,Tongjing Zhen,\n"
	for _, bom := range []bool{false, true} {
		t.Run(fmt.Sprint("bom=", bom), func(t *testing.T) {
			target := "/geocode?date=2026-12-01"
			if bom {
				target += "&bom=true"
			}
			rec := lookupDo(t, s, http.MethodPost, target, "text/csv; charset=utf-8", []byte(in))
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Fatalf("%d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if got := bytes.HasPrefix(rec.Body.Bytes(), []byte(utf8BOM)); got != bom {
				t.Errorf("BOM in answer = %v, want %v", got, bom)
			}
			col, rows := readCSV(t, bytes.TrimPrefix(rec.Body.Bytes(), []byte(utf8BOM)))
			want := []struct{ id, status, township, district string }{
				{"1", "ok", "500112133", "北碚区"},
				{"2", "outside", "", ""},
				{"3", "invalid", "", ""},
				{"4", "ok", "500112016", "两江新区"},
				{"5", "not_found", "", ""},
				{"6", "ok", "500112133", "北碚区"},
			}
			if len(rows) != len(want) {
				t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), rec.Body)
			}
			for i, w := range want {
				r := rows[i]
				if r[col["编号"]] != w.id || r[col["status"]] != w.status || r[col["township_code"]] != w.township || r[col["district"]] != w.district {
					t.Errorf("row %d = %q, want id %s status %s township %s district %s", i+1, r, w.id, w.status, w.township, w.district)
				}
				if w.status != "ok" && r[col["error"]] == "" {
					t.Errorf("row %d: status %s without an error", i+1, w.status)
				}
			}
			if rows[0][col["备注"]] != "含,逗号" {
				t.Errorf("other columns not kept: %q", rows[0])
			}
			if !strings.Contains(rows[1][col["error"]], "北京市") {
				t.Errorf("outside row error %q does not name 北京市", rows[1][col["error"]])
			}
			if rows[3][col["township_accuracy"]] != "no boundary" || rows[3][col["lon"]] != "" {
				t.Errorf("a unit without boundary: %q", rows[3])
			}
		})
	}
}

// TestGeocodeColumns checks that the columns are found as people name
// them, for addresses and for coordinates, in /geocode and /lookup.
func TestGeocodeColumns(t *testing.T) {
	s := geocodeServer(t)
	for _, tc := range []struct{ header, row, status string }{
		{"Address", "重庆市北碚区静观镇", "ok"},
		{"详细地址", "北碚区歇马街道", "ok"},
		{"经度,纬度", "106.8448,29.8565", "ok"},
		{"LNG,LAT", "106.8448,29.8565", "ok"},
		{"Longitude (deg),Latitude (deg)", "106.8448,29.8565", "ok"},
		{"lon_wgs84,lat_wgs84", "106.8448,north", "invalid"},
	} {
		t.Run(tc.header, func(t *testing.T) {
			rec := lookupDo(t, s, http.MethodPost, "/geocode", "text/csv", []byte(tc.header+"\n"+tc.row+"\n"))
			if rec.Code != 200 {
				t.Fatalf("%d: %s", rec.Code, rec.Body)
			}
			col, rows := readCSV(t, rec.Body.Bytes())
			if got := rows[0][col["status"]]; got != tc.status {
				t.Errorf("status %q, want %q: %s", got, tc.status, rec.Body)
			}
			if !strings.Contains(tc.header, ",") {
				return
			}
			rec = lookupDo(t, s, http.MethodPost, "/lookup", "text/csv", []byte(tc.header+"\n"+tc.row+"\n"))
			if rec.Code != 200 {
				t.Fatalf("/lookup: %d: %s", rec.Code, rec.Body)
			}
			col, rows = readCSV(t, rec.Body.Bytes())
			if got := rows[0][col["status"]]; got != tc.status {
				t.Errorf("/lookup status %q, want %q: %s", got, tc.status, rec.Body)
			}
		})
	}
}

// TestLookupCSVRowErrors: a bad row of a /lookup CSV is that row's status
// and error, the other rows are answered.
func TestLookupCSVRowErrors(t *testing.T) {
	s := geocodeServer(t)
	in := "lon,lat\n106.8448,29.8565\n106.8,north\nNaN,29.8\n106.8,29.8,5\n106.8448,29.8565\n"
	rec := lookupDo(t, s, http.MethodPost, "/lookup", "text/csv", []byte(in))
	if rec.Code != 200 {
		t.Fatalf("%d: %s", rec.Code, rec.Body)
	}
	col, rows := readCSV(t, rec.Body.Bytes())
	want := []struct{ status, err string }{{"ok", ""}, {"invalid", "line 3: lat"}, {"invalid", "line 4: lon"}, {"invalid", "line 5: row"}, {"ok", ""}}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		if rows[i][col["status"]] != w.status || !strings.HasPrefix(rows[i][col["error"]], w.err) {
			t.Errorf("row %d = %q, want %s %q", i+1, rows[i], w.status, w.err)
		}
	}
	if rows[4][col["district"]] != "北碚区" {
		t.Errorf("the row after the errors is not answered: %q", rows[4])
	}
}

func TestGeocodeJSON(t *testing.T) {
	s := geocodeServer(t)
	in := `["统景镇印盒村", {"id": 7, "地址": "北京市朝阳区"}, {"lng": 106.8448, "lat": 29.8565, "name": "seat"}, {"x": 1}, 5]`
	rec := lookupDo(t, s, http.MethodPost, "/geocode?date=2026-12-01", "application/json", []byte(in))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var out []struct {
		Input  json.RawMessage `json:"input"`
		Status string          `json:"status"`
		Error  *string         `json:"error"`
		Answer *struct {
			Township *struct{ Code string } `json:"township"`
			District *struct{ Name string } `json:"district"`
		} `json:"answer"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	want := []string{"ok", "outside", "ok", "invalid", "invalid"}
	if len(out) != len(want) {
		t.Fatalf("%d answers, want %d", len(out), len(want))
	}
	for i, w := range want {
		if out[i].Status != w || (w == "ok") != (out[i].Answer != nil) || (w == "ok") != (out[i].Error == nil) {
			t.Errorf("[%d] = %+v, want %s", i, out[i], w)
		}
	}
	if out[0].Answer.Township == nil || out[0].Answer.Township.Code != "500112133" {
		t.Errorf("[0] township %+v", out[0].Answer.Township)
	}
	if string(out[1].Input) != `{"id": 7, "地址": "北京市朝阳区"}` {
		t.Errorf("input not echoed: %s", out[1].Input)
	}
}

func TestGeocodeBadInput(t *testing.T) {
	s := geocodeServer(t)
	many := "地址\n" + strings.Repeat("北碚区\n", MaxBatch+1)
	manyJSON := "[" + strings.Repeat(`"北碚区",`, MaxBatch) + `"北碚区"]`
	for _, tc := range []struct {
		name, target, ctype, body string
		status                    int
	}{
		{"no columns", "/geocode", "text/csv", "name,note\na,b\n", 400},
		{"empty", "/geocode", "text/csv", utf8BOM + " \n", 400},
		{"media type", "/geocode", "text/plain", "地址\n北碚区\n", 415},
		{"unknown parameter", "/geocode?adress=1", "text/csv", "地址\n北碚区\n", 400},
		{"bad date", "/geocode?date=2026-13-01", "text/csv", "地址\n北碚区\n", 400},
		{"too many rows", "/geocode", "text/csv", many, 413},
		{"too many JSON rows", "/geocode", "application/json", manyJSON, 413},
		{"not an array", "/geocode", "application/json", `{"address":"北碚区"}`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := lookupDo(t, s, http.MethodPost, tc.target, tc.ctype, []byte(tc.body))
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%d %q, want %d problem+json: %s", rec.Code, rec.Header().Get("Content-Type"), tc.status, rec.Body)
			}
		})
	}
}

// TestLookupAddressOutside: an address of another province is a 404 with
// the problem type of its own, naming what was recognised.
func TestLookupAddressOutside(t *testing.T) {
	s := geocodeServer(t)
	for _, text := range []string{"北京市朝阳区建国路88号", "浙江省宁波市江北区", "四川省广安市华蓥市"} {
		rec := lookupDo(t, s, http.MethodGet, "/lookup?address="+url.QueryEscape(text), "", nil)
		var p Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" || p.Type != problemOutside || p.Param != "address" {
			t.Errorf("%s: %d %s %+v", text, rec.Code, rec.Header().Get("Content-Type"), p)
		}
		if !strings.Contains(p.Detail, "outside the area this service covers") {
			t.Errorf("%s: detail %q", text, p.Detail)
		}
	}
	rec := lookupDo(t, s, http.MethodGet, "/lookup?address=Atlantis", "", nil)
	if rec.Code != 404 || strings.Contains(rec.Body.String(), problemOutside) {
		t.Errorf("not found is not outside: %d %s", rec.Code, rec.Body)
	}
	if rec := lookupDo(t, s, http.MethodGet, problemOutside, "", nil); rec.Code != 200 {
		t.Errorf("GET %s = %d", problemOutside, rec.Code)
	}
}

func TestSuggest(t *testing.T) {
	s := geocodeServer(t)
	for _, tc := range []struct{ q, want string }{
		{"统景", "统景镇"},
		{"印盒", "印盒村"},
		{"蔡家岗镇", "蔡家岗街道"},
		{"缙云", "缙云山"},
		{"北部新区", "北部新区"},
	} {
		rec := lookupDo(t, s, http.MethodGet, "/geocode/suggest?q="+url.QueryEscape(tc.q), "", nil)
		var sug []geo.Suggestion
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &sug) != nil {
			t.Fatalf("%s: %d %s", tc.q, rec.Code, rec.Body)
		}
		found := false
		for _, g := range sug {
			found = found || g.Name == tc.want
		}
		if !found {
			t.Errorf("suggest %q = %+v, want %s among them", tc.q, sug, tc.want)
		}
	}
	if rec := lookupDo(t, s, http.MethodGet, "/geocode/suggest?q=x&limit=99", "", nil); rec.Code != 400 {
		t.Errorf("limit=99: %d", rec.Code)
	}
}
