package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"beibeimap/geo"
)

// amapCase is one request of the AMap face and what its answer must say.
type amapCase struct {
	name, target string
	check        func(t *testing.T, v map[string]any)
}

func str(v any) string { s, _ := v.(string); return s }

func geocodes(t *testing.T, v map[string]any, n int) []map[string]any {
	t.Helper()
	gs, _ := v["geocodes"].([]any)
	if len(gs) != n || str(v["count"]) != strconv.Itoa(n) {
		t.Fatalf("count %v, %d geocodes, want %d: %v", v["count"], len(gs), n, v)
	}
	var out []map[string]any
	for _, g := range gs {
		out = append(out, g.(map[string]any))
	}
	return out
}

func component(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	rg, _ := v["regeocode"].(map[string]any)
	c, _ := rg["addressComponent"].(map[string]any)
	if c == nil {
		t.Fatalf("no regeocode.addressComponent: %v", v)
	}
	return c
}

func isEmptyArray(v any) bool { a, ok := v.([]any); return ok && len(a) == 0 }

var amapCases = []amapCase{
	{"geo township moved in 2026", "/v3/geocode/geo?key=anything&address=" + url.QueryEscape("重庆市渝北区统景镇"), func(t *testing.T, v map[string]any) {
		g := geocodes(t, v, 1)[0]
		if str(g["district"]) != "北碚区" || str(g["adcode"]) != "500109" || str(g["level"]) != "乡镇" || !isEmptyArray(g["city"]) {
			t.Errorf("geocode %v", g)
		}
		if ts, _ := g["township"].([]any); len(ts) != 1 || ts[0] != "统景镇" {
			t.Errorf("township %v", g["township"])
		}
		// The location is GCJ-02: the seat of 统景镇 (GeoNames, WGS84) shifted.
		want := geo.WGS84ToGCJ02([2]float64{106.8448, 29.85653})
		lon, lat, _ := cutFloat(str(g["location"]))
		if abs(lon-want[0]) > 1e-5 || abs(lat-want[1]) > 1e-5 {
			t.Errorf("location %v, want GCJ-02 %v", g["location"], want)
		}
	}},
	{"geo liangjiang has no adcode", "/v3/geocode/geo?address=" + url.QueryEscape("两江新区"), func(t *testing.T, v map[string]any) {
		g := geocodes(t, v, 1)[0]
		if str(g["district"]) != "两江新区" || !isEmptyArray(g["adcode"]) || str(g["level"]) != "区县" {
			t.Errorf("geocode %v", g)
		}
	}},
	{"geo unit without boundary has no location", "/v3/geocode/geo?address=" + url.QueryEscape("两路街道"), func(t *testing.T, v map[string]any) {
		g := geocodes(t, v, 1)[0]
		if !isEmptyArray(g["location"]) || str(g["district"]) != "两江新区" {
			t.Errorf("geocode %v", g)
		}
	}},
	{"geo outside Chongqing finds nothing", "/v3/geocode/geo?address=" + url.QueryEscape("北京市朝阳区阜通东大街6号"), func(t *testing.T, v map[string]any) {
		geocodes(t, v, 0)
	}},
	{"geo another city finds nothing", "/v3/geocode/geo?city=beijing&address=" + url.QueryEscape("统景镇"), func(t *testing.T, v map[string]any) {
		geocodes(t, v, 0)
	}},
	{"geo batch", "/v3/geocode/geo?batch=true&address=" + url.QueryEscape("缙云山|歇马街道"), func(t *testing.T, v map[string]any) {
		g := geocodes(t, v, 2)
		if str(g[0]["level"]) != "兴趣点" || str(g[1]["level"]) != "乡镇" {
			t.Errorf("levels %v %v", g[0]["level"], g[1]["level"])
		}
	}},
	{"geo missing address", "/v3/geocode/geo?key=k", func(t *testing.T, v map[string]any) {
		if str(v["status"]) != "0" || str(v["infocode"]) != "20001" {
			t.Errorf("%v", v)
		}
	}},
	{"geo xml is not served", "/v3/geocode/geo?output=XML&address=x", func(t *testing.T, v map[string]any) {
		if str(v["status"]) != "0" || str(v["info"]) != "INVALID_PARAMS" {
			t.Errorf("%v", v)
		}
	}},
	{"regeo tongjing", "/v3/geocode/regeo?location=" + gcj(106.8448, 29.85653), func(t *testing.T, v map[string]any) {
		c := component(t, v)
		if str(c["district"]) != "北碚区" || str(c["adcode"]) != "500109" || str(c["township"]) != "统景镇" || str(c["towncode"]) != "500112133000" ||
			str(c["province"]) != "重庆市" || !isEmptyArray(c["city"]) || str(c["citycode"]) != "023" {
			t.Errorf("component %v", c)
		}
	}},
	{"regeo shuitu is in liangjiang", "/v3/geocode/regeo?location=" + gcj(106.45, 29.7), func(t *testing.T, v map[string]any) {
		c := component(t, v)
		if str(c["district"]) != "两江新区" || !isEmptyArray(c["adcode"]) {
			t.Errorf("component %v", c)
		}
	}},
	{"regeo before 2026", "/v3/geocode/regeo?date=2025-06-01&location=" + gcj(106.8448, 29.85653), func(t *testing.T, v map[string]any) {
		if c := component(t, v); str(c["district"]) != "渝北区" || str(c["adcode"]) != "500112" {
			t.Errorf("component %v", c)
		}
	}},
	{"regeo outside the data", "/v3/geocode/regeo?location=116.480881,39.989410", func(t *testing.T, v map[string]any) {
		c := component(t, v)
		if !isEmptyArray(c["district"]) || !isEmptyArray(v["regeocode"].(map[string]any)["formatted_address"]) {
			t.Errorf("component %v", c)
		}
	}},
	{"regeo bad location", "/v3/geocode/regeo?location=abc", func(t *testing.T, v map[string]any) {
		if str(v["status"]) != "0" || str(v["infocode"]) != "20000" {
			t.Errorf("%v", v)
		}
	}},
}

func gcj(lon, lat float64) string {
	p := geo.WGS84ToGCJ02([2]float64{lon, lat})
	return strconv.FormatFloat(p[0], 'f', 6, 64) + "," + strconv.FormatFloat(p[1], 'f', 6, 64)
}

func cutFloat(s string) (float64, float64, error) {
	var lon, lat float64
	for i := range s {
		if s[i] == ',' {
			var err error
			if lon, err = strconv.ParseFloat(s[:i], 64); err != nil {
				return 0, 0, err
			}
			lat, err = strconv.ParseFloat(s[i+1:], 64)
			return lon, lat, err
		}
	}
	return 0, 0, strconv.ErrSyntax
}

// TestAMap checks the AMap-compatible answers, then validates every one
// against the JSON schemas written from AMap's documentation
// (testdata/amap) with ajv.
func TestAMap(t *testing.T) {
	s := geocodeServer(t)
	dir := t.TempDir()
	files := map[string][]string{}
	for i, tc := range amapCases {
		t.Run(tc.name, func(t *testing.T) {
			rec := lookupDo(t, s, http.MethodGet, tc.target, "", nil)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("%d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			tc.check(t, v)
			schema := "geocode-geo.schema.json"
			if u, _ := url.Parse(tc.target); u.Path == "/v3/geocode/regeo" {
				schema = "geocode-regeo.schema.json"
			}
			f := filepath.Join(dir, strconv.Itoa(i)+".json")
			if err := os.WriteFile(f, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files[schema] = append(files[schema], f)
		})
	}
	t.Run("schema", func(t *testing.T) {
		node, err := exec.LookPath("node")
		if err != nil {
			if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
				t.Fatalf("node is required (BEIBEIMAP_REQUIRE_CLIENTS=1): %v", err)
			}
			t.Skip("node not installed")
		}
		web := filepath.Join("..", "web")
		if _, err := os.Stat(filepath.Join(web, "node_modules", "ajv")); err != nil {
			if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
				t.Fatalf("ajv is required (run make web): %v", err)
			}
			t.Skip("web/node_modules/ajv missing: run make web")
		}
		// The schemas can fail: AMap's clients break on null and "" where
		// AMap gives [], and on a short towncode.
		broken := map[string]string{
			"geocode-geo.schema.json":   `{"status":"1","info":"OK","infocode":"10000","count":"1","geocodes":[{"formatted_address":"重庆市北碚区","country":"中国","province":"重庆市","citycode":"023","city":null,"district":"北碚区","township":[],"neighborhood":{"name":[],"type":[]},"building":{"name":[],"type":[]},"adcode":"500109","street":[],"number":[],"location":"106.1,29.8","level":"区县"}]}`,
			"geocode-regeo.schema.json": `{"status":"1","info":"OK","infocode":"10000","regeocode":{"formatted_address":"","addressComponent":{"country":"中国","province":"重庆市","city":[],"citycode":"023","district":"北碚区","adcode":"500109","township":"统景镇","towncode":"500112133","neighborhood":{"name":[],"type":[]},"building":{"name":[],"type":[]},"streetNumber":{},"businessAreas":[]}}}`,
		}
		for schema, doc := range broken {
			f := filepath.Join(dir, "broken-"+schema)
			if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(node, filepath.Join("testdata", "amap", "validate.cjs"), web, filepath.Join("testdata", "amap", schema), f).CombinedOutput(); err == nil {
				t.Errorf("%s accepts a broken answer: %s", schema, out)
			}
		}
		for schema, fs := range files {
			args := append([]string{filepath.Join("testdata", "amap", "validate.cjs"), web, filepath.Join("testdata", "amap", schema)}, fs...)
			out, err := exec.Command(node, args...).CombinedOutput()
			if err != nil {
				t.Errorf("%s: %v\n%s", schema, err, out)
			} else {
				t.Logf("%s: %s", schema, out)
			}
		}
	})
}
