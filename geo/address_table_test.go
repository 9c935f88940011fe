package geo_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
)

// addressCase is one row of testdata/addresses.tsv.
type addressCase struct {
	line                                                           int
	class, text, date, status, district, after, before, town, prec string
	notice                                                         string
}

func readAddressCases(t testing.TB) []addressCase {
	t.Helper()
	f, err := os.Open("testdata/addresses.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []addressCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 10 {
			t.Fatalf("addresses.tsv:%d: %d columns, want 10", n, len(c))
		}
		out = append(out, addressCase{n, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wireAnswer is the part of the /lookup JSON an address case checks.
type wireAnswer struct {
	Query struct {
		Precision string `json:"precision"`
	} `json:"query"`
	District *struct {
		Name string `json:"name"`
	} `json:"district"`
	Township *struct {
		Code string `json:"code"`
	} `json:"township"`
	DistrictAfter  []struct{ Name string } `json:"district_after"`
	DistrictBefore []struct{ Name string } `json:"district_before"`
	Notices        []string                `json:"notices"`
	Unmatched      []string                `json:"unmatched"`
}

func names(ds []struct{ Name string }) string {
	if len(ds) == 0 {
		return "-"
	}
	var s []string
	for _, d := range ds {
		s = append(s, d.Name)
	}
	slices.Sort(s)
	return strings.Join(s, "|")
}

func sortedParts(s string) string {
	p := strings.Split(s, "|")
	slices.Sort(p)
	return strings.Join(p, "|")
}

// TestAddressTable runs every case of testdata/addresses.tsv through
// LocateAddress on the default layers and checks the wire answer: the
// district on the date asked, the districts on either side of the 2026
// change, the township code, the precision and the notices, or the class of
// the failure (outside the area, not found) and the names it reports.
func TestAddressTable(t *testing.T) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	loc := geo.NewLocator(snap)
	cases := readAddressCases(t)
	if len(cases) < 300 {
		t.Fatalf("%d cases, want at least 300", len(cases))
	}
	failed := map[string]int{}
	for _, tc := range cases {
		t.Run(tc.class+"/"+tc.text+"@"+tc.date, func(t *testing.T) {
			date, err := time.Parse(geo.DateLayout, tc.date)
			if err != nil {
				t.Fatalf("line %d: %v", tc.line, err)
			}
			var a geo.Answer
			err = loc.LocateAddress(tc.text, date, &a)
			defer func() {
				if t.Failed() {
					failed[tc.class]++
				}
			}()
			switch tc.status {
			case "outside", "notfound":
				if err == nil {
					t.Fatalf("line %d: answered %s, want %s", tc.line, a.AppendJSON(nil), tc.status)
				}
				outside := strings.Contains(err.Error(), "outside")
				if !errors.Is(err, geo.ErrNotFound) || outside != (tc.status == "outside") {
					t.Fatalf("line %d: error %v, want %s", tc.line, err, tc.status)
				}
				if tc.notice != "-" && !strings.Contains(err.Error(), tc.notice) {
					t.Errorf("line %d: error %q does not name %q", tc.line, err, tc.notice)
				}
				return
			}
			if err != nil {
				t.Fatalf("line %d: %v", tc.line, err)
			}
			raw := a.AppendJSON(nil)
			var w wireAnswer
			if err := json.Unmarshal(raw, &w); err != nil {
				t.Fatalf("line %d: %v in %s", tc.line, err, raw)
			}
			district := "-"
			if w.District != nil {
				district = w.District.Name
			}
			town := "-"
			if w.Township != nil {
				town = w.Township.Code
			}
			check := func(what, got, want string) {
				if want != "-" && got != want || want == "-" && got != "-" && what != "precision" {
					t.Errorf("line %d: %s = %q, want %q\n%s", tc.line, what, got, want, raw)
				}
			}
			check("district", district, tc.district)
			check("district_after", names(w.DistrictAfter), sortedParts(tc.after))
			check("district_before", names(w.DistrictBefore), sortedParts(tc.before))
			check("township", town, tc.town)
			if tc.prec != "-" && w.Query.Precision != tc.prec {
				t.Errorf("line %d: precision = %q, want %q\n%s", tc.line, w.Query.Precision, tc.prec, raw)
			}
			said := strings.Join(append(w.Notices, w.Unmatched...), "\n")
			if tc.notice != "-" && !strings.Contains(said, tc.notice) {
				t.Errorf("line %d: notices and unmatched %q do not say %q", tc.line, said, tc.notice)
			}
		})
	}
	t.Logf("failures by class: %v", failed)
}
