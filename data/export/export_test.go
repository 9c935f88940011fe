package export_test

import (
	"beibeimap/data/clienttest"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"beibeimap/data"
	"beibeimap/data/export"
)

type gdalFeatures struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
		Geometry   *struct {
			Type string `json:"type"`
		} `json:"geometry"`
	} `json:"features"`
}

// TestGDALReadsKMLAndCSV writes every default collection as KML and CSV
// and reads both with GDAL: the same number of features, the ids, names
// and every property text of the CSV, and the geometry types.
func TestGDALReadsKMLAndCSV(t *testing.T) {
	clienttest.Require(t, "ogr2ogr")
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		t.Run(c.ID, func(t *testing.T) {
			dir := t.TempDir()
			var kb bytes.Buffer
			if err := export.WriteKML(&kb, c, c.Features, nil); err != nil {
				t.Fatal(err)
			}
			kmlPath := filepath.Join(dir, c.ID+".kml")
			os.WriteFile(kmlPath, kb.Bytes(), 0o644)
			if list := string(clienttest.Run(t, "ogrinfo", "-ro", "-q", kmlPath)); strings.TrimSpace(list) != "1: "+c.ID {
				t.Errorf("KML layers %q, want the one layer %s", list, c.ID)
			}
			info := string(clienttest.Run(t, "ogrinfo", "-ro", "-so", "-al", kmlPath))
			if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(info); m == nil || m[1] != fmt.Sprint(len(c.Features)) {
				t.Errorf("KML: feature count %v, want %d\n%s", m, len(c.Features), info)
			}
			var kf gdalFeatures
			if err := json.Unmarshal(clienttest.Run(t, "ogr2ogr", "-f", "GeoJSON", "/vsistdout/", kmlPath), &kf); err != nil {
				t.Fatal(err)
			}
			if len(kf.Features) != len(c.Features) {
				t.Fatalf("KML: GDAL read %d features, want %d", len(kf.Features), len(c.Features))
			}
			for i, f := range c.Features {
				p := kf.Features[i].Properties
				name := f.String("name")
				if name == "" {
					name = f.ID
				}
				if p["Name"] != name || p["id"] != f.ID || p["description"] == "" {
					t.Errorf("KML placemark %d: Name %v id %v description %v, want %s %s", i, p["Name"], p["id"], p["description"], name, f.ID)
				}
			}

			for _, bom := range []bool{false, true} {
				var cb bytes.Buffer
				if err := export.WriteCSV(&cb, c.Features, nil, bom); err != nil {
					t.Fatal(err)
				}
				if bom != bytes.HasPrefix(cb.Bytes(), []byte("\xEF\xBB\xBF")) {
					t.Errorf("bom=%v: file starts %q", bom, cb.Bytes()[:3])
				}
				csvPath := filepath.Join(dir, fmt.Sprintf("%s-%v.csv", c.ID, bom))
				os.WriteFile(csvPath, cb.Bytes(), 0o644)
				open := []string{"-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"}
				var cf gdalFeatures
				if err := json.Unmarshal(clienttest.Run(t, "ogr2ogr", append(append([]string{"-f", "GeoJSON"}, open...), "/vsistdout/", csvPath)...), &cf); err != nil {
					t.Fatal(err)
				}
				if len(cf.Features) != len(c.Features) {
					t.Fatalf("CSV: GDAL read %d features, want %d", len(cf.Features), len(c.Features))
				}
				for i, f := range c.Features {
					p := cf.Features[i].Properties
					if p["id"] != f.ID {
						t.Errorf("CSV row %d: id %v, want %s (bom %v)", i, p["id"], f.ID, bom)
					}
					for k, v := range f.Properties {
						// GDAL's GeoJSON writer turns a string that parses as
						// JSON back into JSON: compare it as text.
						got, isText := p[k].(string)
						if !isText {
							b, _ := json.Marshal(p[k])
							got = string(b)
						}
						if want := export.Text(v); want != "" && got != want {
							t.Errorf("CSV %s.%s: GDAL %#v, want %q", f.ID, k, p[k], want)
						}
					}
					g := cf.Features[i].Geometry
					wantType := f.Geometry.GeoJSONType()
					if empty := export.Text(f.Geometry) == ""; g == nil && !strings.Contains(wantType, "Multi") || g != nil && g.Type != wantType {
						t.Errorf("CSV %s: geometry %v, want %s (%v)", f.ID, g, wantType, empty)
					}
				}
			}
		})
	}
}

// TestEmptyKMLHasItsLayer: a download that matches nothing still opens as
// the collection's layer, with no feature.
func TestEmptyKMLHasItsLayer(t *testing.T) {
	clienttest.Require(t, "ogrinfo")
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteKML(&b, cols[0], nil, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "empty.kml")
	os.WriteFile(path, b.Bytes(), 0o644)
	info := string(clienttest.Run(t, "ogrinfo", "-ro", "-so", path, cols[0].ID))
	if !strings.Contains(info, "Feature Count: 0") {
		t.Errorf("empty KML:\n%s", info)
	}
}
