package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"testing"
)

// checkBatchAnswer fails unless a batch answer is a 200 in the media type
// asked (with as many rows as the input, each with a known status) or a
// 4xx problem: a body is never a 500 or a panic.
func checkBatchAnswer(t *testing.T, s *Server, target, ctype string, body []byte, rowsIn int) {
	t.Helper()
	rec := lookupDo(t, s, http.MethodPost, target, ctype, body)
	switch {
	case rec.Code == 200:
	case rec.Code >= 400 && rec.Code < 500:
		if rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%d with %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		return
	default:
		t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
	}
	if ctype == mediaCSV {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(rec.Body.Bytes(), []byte(utf8BOM))))
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("answer is not CSV: %v\n%s", err, rec.Body)
		}
		status := -1
		for i, h := range rows[0] {
			if h == "status" {
				status = i
			}
		}
		for _, row := range rows[1:] {
			switch row[status] {
			case rowOK, rowNotFound, rowOutside, rowInvalid:
			default:
				t.Fatalf("row status %q", row[status])
			}
		}
		if rowsIn >= 0 && len(rows)-1 > rowsIn {
			t.Fatalf("%d rows answered for %d lines", len(rows)-1, rowsIn)
		}
		return
	}
	var out []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("answer is not a JSON array: %v", err)
	}
}

// FuzzGeocodeCSV sends any bytes as a CSV table to POST /geocode and to
// POST /lookup.
func FuzzGeocodeCSV(f *testing.F) {
	for _, seed := range []string{
		utf8BOM + "编号,地址\n1,重庆市渝北区统景镇印盒村\n2,北京市朝阳区\n",
		"lon,lat,name\n106.8448,29.8565,a\n106.8,north,b\n",
		"经度,纬度\n106.8,29.8,extra\n\n",
		"address\n\"unterminated\n",
		"Address,lng,lat\n,106.8,29.8\nTongjing Zhen,,\n",
	} {
		f.Add([]byte(seed))
	}
	s := geocodeServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		lines := bytes.Count(body, []byte("\n")) + 1
		checkBatchAnswer(t, s, "/geocode", mediaCSV, body, lines)
		checkBatchAnswer(t, s, "/lookup", mediaCSV, body, lines)
	})
}

// FuzzGeocodeJSON sends any bytes as a JSON batch to POST /geocode.
func FuzzGeocodeJSON(f *testing.F) {
	for _, seed := range []string{
		`["统景镇", {"地址": "北京市朝阳区"}, {"lng": 106.8, "lat": 29.8}, 5, null]`,
		`[{"address": 7}, {"lon": "106.8", "lat": "x"}]`,
		`[]`,
		`{"address": "统景"}`,
	} {
		f.Add([]byte(seed))
	}
	s := geocodeServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkBatchAnswer(t, s, "/geocode", mediaJSON, body, -1)
	})
}
