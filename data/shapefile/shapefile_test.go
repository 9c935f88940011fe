package shapefile_test

import (
	"archive/zip"
	"beibeimap/data/clienttest"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/data/shapefile"
)

// TestGDALReadsEveryValue writes every default collection as a zipped
// shapefile and reads it back with GDAL: feature count, geometry type,
// WGS 84, and every property value (through the fields table) equal to the
// data, Chinese text included, or, for a value cut to 254 bytes, its start.
func TestGDALReadsEveryValue(t *testing.T) {
	clienttest.Require(t, "ogrinfo")
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	wantType := map[string]string{"districts": "Polygon", "townships": "Polygon", "planning-zones": "Polygon", "seats": "Point", "projects": "Point", "corridors": "Line String"}
	for _, c := range cols {
		t.Run(c.ID, func(t *testing.T) {
			var buf bytes.Buffer
			if err := shapefile.WriteZIP(&buf, c, c.Features, nil, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), c.ID+".zip")
			os.WriteFile(path, buf.Bytes(), 0o644)
			ds := "/vsizip/" + path
			info := string(clienttest.Run(t, "ogrinfo", "-ro", "-so", ds, c.ID))
			if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(info); m == nil || m[1] != fmt.Sprint(len(c.Features)) {
				t.Errorf("feature count %v, want %d", m, len(c.Features))
			}
			if !strings.Contains(info, "Geometry: "+wantType[c.ID]) || !strings.Contains(info, `"WGS 84"`) {
				t.Errorf("geometry type or SRS:\n%s", info)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range zr.File {
				names = append(names, f.Name)
			}
			if want := []string{".shp", ".shx", ".dbf", ".prj", ".cpg", "_fields.txt"}; len(names) != len(want) {
				t.Errorf("ZIP holds %v", names)
			} else {
				for i, ext := range want {
					if names[i] != c.ID+ext {
						t.Errorf("ZIP file %d is %s, want %s", i, names[i], c.ID+ext)
					}
				}
			}
			if cpg := readZIPFile(t, path, c.ID+".cpg"); cpg != "UTF-8" {
				t.Errorf(".cpg says %q", cpg)
			}
			table := readZIPFile(t, path, c.ID+"_fields.txt")
			prop := map[string]string{}
			cuts := map[string]bool{}
			for _, line := range strings.Split(table, "\n") {
				cells := strings.Split(line, "\t")
				if len(cells) == 7 && cells[0] != "dbf_field" {
					prop[cells[0]] = cells[1]
					cuts[cells[1]] = cells[6] != "0"
					if len(cells[0]) > 10 {
						t.Errorf("DBF name %q is longer than 10", cells[0])
					}
				}
			}
			var fc struct {
				Features []struct {
					Properties map[string]any `json:"properties"`
					Geometry   *struct {
						Type string `json:"type"`
					} `json:"geometry"`
				} `json:"features"`
			}
			if err := json.Unmarshal(clienttest.Run(t, "ogr2ogr", "-f", "GeoJSON", "/vsistdout/", ds, c.ID), &fc); err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != len(c.Features) {
				t.Fatalf("%d features from GDAL", len(fc.Features))
			}
			checked := 0
			for i, f := range c.Features {
				got := fc.Features[i].Properties
				if got["id"] != f.ID {
					t.Errorf("feature %d: id %v, want %s", i, got["id"], f.ID)
				}
				for dbfName, v := range got {
					p := prop[dbfName]
					if p == "" {
						t.Errorf("GDAL field %s is not in the fields table", dbfName)
						continue
					}
					if p == "(feature id)" {
						continue
					}
					want, ok := f.Properties[p]
					if !ok || want == nil || want == "" {
						if v != nil {
							t.Errorf("%s.%s: GDAL %v, data has none", f.ID, p, v)
						}
						continue
					}
					if !same(want, v, cuts[p]) {
						t.Errorf("%s.%s (%s): GDAL %#v, data %#v", f.ID, p, dbfName, v, want)
					}
					checked++
				}
			}
			t.Logf("%d values compared", checked)
		})
	}
}

// readZIPFile returns the text of one file of a ZIP archive.
func readZIPFile(t *testing.T, path, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// same compares a data value with what GDAL read: dates come back as
// YYYY/MM/DD, JSON as its text, a cut string as the start of the value.
func same(want, got any, cut bool) bool {
	switch w := want.(type) {
	case string:
		g, ok := got.(string)
		if !ok {
			return false
		}
		if g == strings.ReplaceAll(w, "-", "/") || g == w {
			return true
		}
		return cut && len(w) > 254 && strings.HasPrefix(w, g) && len(g) > 250
	case float64:
		return want == got
	case bool:
		// GDAL 3.6 reads a DBF logical as the string T or F.
		return got == map[bool]string{true: "T", false: "F"}[w]
	}
	// JSON text: GDAL's GeoJSON writer turns a string that parses as JSON
	// back into JSON; a cut one stays a string.
	b, _ := json.Marshal(want)
	if g, ok := got.(string); ok {
		return g == string(b) || cut && len(b) > 254 && strings.HasPrefix(string(b), g) && len(g) > 250
	}
	g, _ := json.Marshal(got)
	return string(g) == string(b)
}
