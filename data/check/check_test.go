package check_test

import (
	"os"
	"strings"
	"testing"

	"beibeimap/data"
	"beibeimap/data/check"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		dir    string // "" is the embedded dataset
		wantOK bool
		want   []string // substrings of the report
	}{
		{name: "embedded", wantOK: true, want: []string{
			"ok    load: 6 layers",
			"ok    seats: all",
			"result: PASS",
		}},
		{name: "broken", dir: "testdata/broken", wantOK: false, want: []string{
			"FAIL  districts/900002: required properties missing or empty: name_en",
			"FAIL  districts/900002: valid_from 2026-02-01 is after valid_to",
			"FAIL  districts: 900001 and 900001-2026 both have code 900001 and are both in force on some day",
			"FAIL  townships: feature 3 has no id",
			`FAIL  townships: feature id "900001002" is not unique`,
			"FAIL  townships/3: ring 1 has 3 positions; a ring needs at least 4, the last equal to the first\n",
			"FAIL  districts/900002: ring 1 intersects itself\n",
			`district_before "900009" or district_after "900009" is not a feature of districts`,
			"FAIL  townships/900001001: district_before 900001 (../2026-01-24) must end before district_after 900001-2026 (2026-01-01/..) begins",
			"FAIL  seats/1: seat 一街道驻地 lies outside its township 900001001",
			"FAIL  seats: layer metadata missing: license",
			`FAIL  seats/1: accuracy "guessed" must be surveyed, approximate or schematic`,
			"FAIL  index:",
			"result: FAIL",
		}},
		{name: "unloadable", dir: "testdata/unloadable", wantOK: false, want: []string{
			"FAIL  districts.geojson: not a JSON FeatureCollection",
			"result: FAIL",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := data.Default()
			if tc.dir != "" {
				fsys = os.DirFS(tc.dir)
			}
			var b strings.Builder
			ok, err := check.Run(fsys, &b)
			if err != nil {
				t.Fatal(err)
			}
			report := b.String()
			if ok != tc.wantOK {
				t.Errorf("ok = %v, want %v; report:\n%s", ok, tc.wantOK, report)
			}
			for _, w := range tc.want {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q; report:\n%s", w, report)
				}
			}
		})
	}
}

func TestRunWriteError(t *testing.T) {
	if _, err := check.Run(data.Default(), failWriter{}); err == nil {
		t.Fatal("want an error when the report cannot be written")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }
