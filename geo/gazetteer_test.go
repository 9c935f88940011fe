package geo

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocateAddressErrors(t *testing.T) {
	loc := NewLocator(loadLayers(t, filepath.Join("..", "data", "layers")))
	tests := []struct {
		name, text string
		kind       error
	}{
		{"empty", "", ErrInvalid},
		{"blank", "  \t", ErrInvalid},
		{"too long", strings.Repeat("统景", MaxAddressLen), ErrInvalid},
		{"not utf-8", "统景\xff", ErrInvalid},
		{"unknown", "Atlantis", ErrNotFound},
		{"one character is not a short form", "统", ErrNotFound},
		{"another province", "北京市朝阳区", ErrOutside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Answer
			err := loc.LocateAddress(tt.text, day("2026-11-29"), &a)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Param != "address" || !errors.Is(err, tt.kind) {
				t.Fatalf("LocateAddress(%q) = %v, want an error naming address that wraps %v", tt.text, err, tt.kind)
			}
		})
	}
}

// TestGazetteerRealLayers resolves "DISTRICT TOWNSHIP" for every township
// of the real layers: a township with area answers its own feature and a
// point inside itself, one without area its own code, no point, and the
// district of its own attributes.
func TestGazetteerRealLayers(t *testing.T) {
	s := loadLayers(t, filepath.Join("..", "data", "layers"))
	c, err := s.Collection(TownshipsID)
	if err != nil {
		t.Fatal(err)
	}
	loc := NewLocator(s)
	date := day("2026-11-29")
	for _, f := range c.Features {
		name := propString(f, "name")
		t.Run(name, func(t *testing.T) {
			var a Answer
			before := loc.districtRef(f, "district_before")
			after := loc.districtRef(f, "district_after")
			text := before + name
			if err := loc.LocateAddress(text, date, &a); err != nil {
				t.Fatal(err)
			}
			if a.Township == nil || a.Township.Code != propString(f, "code") {
				t.Fatalf("LocateAddress(%q) answers township %v, want %s", text, a.Township, propString(f, "code"))
			}
			if a.District == nil || a.District.Name != after {
				t.Errorf("LocateAddress(%q) answers district %v, want %q", text, a.District, after)
			}
			if _, hasArea := InteriorPoint(f.Geometry); hasArea {
				if a.Query.Point == "" || !Contains(f.Geometry, a.WGS84) {
					t.Errorf("point %v (%q) is not inside %s", a.WGS84, a.Query.Point, name)
				}
			} else if a.Query.Point != "" || a.Township.Accuracy != "no boundary" {
				t.Errorf("a township without area answers point %q, accuracy %q", a.Query.Point, a.Township.Accuracy)
			}
			if after != before && !strings.Contains(strings.Join(a.Notices, " "), "joined "+after) {
				t.Errorf("notices %q, want one saying %s joined %s", a.Notices, name, after)
			}
		})
	}
}

// FuzzLocateAddress checks that any text either resolves — with at least
// one recognised name, a precision, a valid point when it has one and
// valid JSON — or fails with an invalid-input or not-found error naming
// address. Seeds: testdata/gazetteer_addresses.txt and the address table.
func FuzzLocateAddress(f *testing.F) {
	for _, name := range []string{"gazetteer_addresses.txt", "addresses.tsv"} {
		fh, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			text := sc.Text()
			if cols := strings.Split(text, "\t"); len(cols) > 1 {
				text = cols[1]
			}
			f.Add(text)
		}
		fh.Close()
	}
	loc := NewLocator(loadLayers(f, filepath.Join("..", "data", "layers")))
	f.Fuzz(func(t *testing.T, text string) {
		var a Answer
		err := loc.LocateAddress(text, day("2026-11-29"), &a)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Param != "address" || !(errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound)) {
				t.Fatalf("LocateAddress(%q) = %v", text, err)
			}
			return
		}
		if len(a.Matched) == 0 || a.Query.Precision == "" || len(a.Candidates) > 5 {
			t.Fatalf("LocateAddress(%q) = %+v", text, a)
		}
		if a.Query.Point != "" && !ValidLonLat(a.WGS84[0], a.WGS84[1]) {
			t.Fatalf("LocateAddress(%q) answers point %v", text, a.WGS84)
		}
		checkJSON(t, a.AppendJSON(nil))
	})
}

func checkJSON(t *testing.T, b []byte) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
}
