//go:build geos

package check_test

import (
	"os"
	"strings"
	"testing"

	"beibeimap/data"
	"beibeimap/data/check"
)

func TestTopology(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		want []string
		not  []string // must not be in the report
	}{
		{name: "embedded", want: []string{
			"ok    districts in force up to 2026-01-24 (38): a partition, no overlap",
			"ok    districts in force from 2026-01-25 (37): a partition, no overlap",
			"ok    districts: 40 polygonal geometries valid",
			"ok    districts/500109 北碚区: tiled by",
			"ok    districts/500112 渝北区: tiled by",
			"ok    districts/500109-2026 北碚区: tiled by",
		}},
		{name: "broken", dir: "testdata/broken", want: []string{
			"FAIL  districts/900002: invalid geometry: Self-intersection",
			"FAIL  townships/900001001 and townships/900001002 (both district_before 900001) overlap by",
		}},
		{name: "layouts", dir: "testdata/layouts", want: []string{
			"FAIL  districts/910001 甲区 and districts/910004 丁区, both in force up to 2026-01-24, overlap by 2.157",
			"FAIL  districts/910001 甲区 and districts/910004 丁区, both in force from 2026-01-25, overlap by 2.157",
			"FAIL  districts in force up to 2026-01-24 leave a gap of 4.2",
		}, not: []string{
			"districts in force from 2026-01-25 leave a gap",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := data.Default()
			if tc.dir != "" {
				fsys = os.DirFS(tc.dir)
			}
			var b strings.Builder
			if _, err := check.Run(fsys, &b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("report lacks %q; report:\n%s", w, b.String())
				}
			}
			for _, w := range tc.not {
				if strings.Contains(b.String(), w) {
					t.Errorf("report has %q; report:\n%s", w, b.String())
				}
			}
		})
	}
}
