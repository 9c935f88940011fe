package geo

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestGazetteerMatch(t *testing.T) {
	g := NewLocator(loadFixture(t)).Gazetteer()
	tests := []struct {
		text string
		want []string // canonical names, in text order
	}{
		{"重庆市渝北区统景镇印盒村", []string{"渝北区", "统景镇"}},
		{"统景", []string{"统景镇"}},
		{"Tongjing", []string{"统景镇"}},
		{"tongjing town", []string{"统景镇"}},
		{"TONGJINGZHEN", []string{"统景镇"}},
		{"Ｔｏｎｇｊｉｎｇ", []string{"统景镇"}},
		{"北碚区水土街道", []string{"北碚区", "水土街道"}},
		{"Shuitu", []string{"水土街道"}},
		{"shuitu jiedao", []string{"水土街道"}},
		{"Yubei District, Tongjing Town", []string{"渝北区", "统景镇"}},
		{"北部新区", []string{"北部新区"}},
		{"liangjiang new area", []string{"两江新区"}},
		{"沙坪坝", []string{"沙坪坝区"}},
		{"beibeiqu", []string{"北碚区"}},
		// The longest key wins: 北碚区 over its short form 北碚.
		{"北碚区", []string{"北碚区"}},
		{"统", nil},
		{"no such place", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, m := range g.Match(tt.text) {
				got = append(got, m.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestGazetteerResolve(t *testing.T) {
	s := loadFixture(t)
	loc := NewLocator(s)
	tests := []struct {
		name, text, date   string
		district, township string   // feature ids expected; no township when only a district is named
		matched            []string // canonical names
		notice             string   // a substring of some notice; "" for none expected
	}{
		{"tongjing answers its seat", "重庆市渝北区统景镇印盒村", "2026-11-29", "beibei-new", "500112133", []string{"渝北区", "统景镇"}, "原渝北区统景镇 joined 北碚区 on 2026-01-25 (渝府发〔2025〕15号)"},
		{"tongjing before the change", "统景", "2025-12-01", "yubei-old", "500112133", []string{"统景镇"}, "原渝北区统景镇 joined 北碚区"},
		{"shuitu is now in liangjiang", "北碚区水土街道", "2026-11-29", "liangjiang", "500109008", []string{"北碚区", "水土街道"}, "原北碚区水土街道 joined 两江新区"},
		{"english township", "Shuitu Subdistrict", "2026-11-29", "liangjiang", "500109008", []string{"水土街道"}, "joined 两江新区"},
		{"abolished district", "渝北区", "2026-11-29", "liangjiang", "", []string{"渝北区"}, "渝北区 was abolished on 2026-01-25"},
		{"abolished district before abolition", "渝北区", "2025-06-01", "yubei-old", "", []string{"渝北区"}, "渝北区 was abolished"},
		{"alias without features", "北部新区", "2026-11-29", "liangjiang", "", []string{"北部新区"}, "part of 两江新区"},
		{"new district", "两江新区", "2026-11-29", "liangjiang", "", []string{"两江新区"}, "两江新区 was set up as a district on 2026-01-25"},
		{"district staying", "北碚", "2026-11-29", "beibei-new", "", []string{"北碚区"}, ""},
		{"alias whose township the data lacks answers its successor", "高竹新区", "2026-11-29", "beibei-new", "", []string{"川渝高竹新区"}, "direct management of 北碚区"},
		{"open district", "Shapingba", "2026-11-29", "shapingba", "", []string{"沙坪坝区"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Answer
			if err := loc.LocateAddress(tt.text, day(tt.date), &a); err != nil {
				t.Fatal(err)
			}
			if got := placeID(a.District); got != tt.district {
				t.Errorf("district = %q, want %q", got, tt.district)
			}
			if got := placeID(a.Township); got != tt.township {
				t.Errorf("township = %q, want %q", got, tt.township)
			}
			if !slices.Equal(a.Matched, tt.matched) {
				t.Errorf("matched = %v, want %v", a.Matched, tt.matched)
			}
			joined := strings.Join(a.Notices, "\n")
			if tt.notice != "" && !strings.Contains(joined, tt.notice) {
				t.Errorf("notices = %q, want one containing %q", a.Notices, tt.notice)
			}
			if tt.notice == "" && len(a.Notices) > 0 {
				t.Errorf("notices = %q, want none", a.Notices)
			}
			if a.Query.Address != tt.text || a.Query.Date != day(tt.date) {
				t.Errorf("query = %+v, want the address and date echoed", a.Query)
			}
		})
	}
	t.Run("township answers the seat of the seats layer", func(t *testing.T) {
		seat, err := s.Feature(SeatsID, "seat-tongjing")
		if err != nil {
			t.Fatal(err)
		}
		r, err := loc.Gazetteer().Resolve("统景镇", day("2026-11-29"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Point != seat.Geometry {
			t.Errorf("point = %v, want the seat %v", r.Point, seat.Geometry)
		}
	})
}

func TestGazetteerErrors(t *testing.T) {
	g := NewLocator(loadFixture(t)).Gazetteer()
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := g.Resolve(tt.text, day("2026-11-29"))
			var ie *InputError
			if !errors.As(err, &ie) || ie.Param != "address" || !errors.Is(err, tt.kind) {
				t.Fatalf("Resolve(%q) = %v, want an error naming address that wraps %v", tt.text, err, tt.kind)
			}
		})
	}
}

// TestGazetteerRealLayers resolves "DISTRICT TOWNSHIP" for every township
// of the real layers, when they have townships: a township with area must
// answer a point inside itself, one without area a point of its district.
func TestGazetteerRealLayers(t *testing.T) {
	s := loadLayers(t, filepath.Join("..", "data", "layers"))
	c, err := s.Collection(TownshipsID)
	if err != nil {
		t.Skip("data/layers has no townships layer yet")
	}
	loc := NewLocator(s)
	date := day("2026-11-29")
	for _, f := range c.Features {
		name := propString(f, "name")
		t.Run(name, func(t *testing.T) {
			var a Answer
			before := loc.districtRef(f, "district_before")
			text := before + name
			if err := loc.LocateAddress(text, date, &a); err != nil {
				t.Fatal(err)
			}
			if _, hasArea := InteriorPoint(f.Geometry); hasArea {
				if a.Township == nil || a.Township.Feature != f {
					t.Errorf("LocateAddress(%q) answers township %q, want %q", text, placeID(a.Township), f.ID)
				}
			} else if after := loc.districtRef(f, "district_after"); a.District == nil || a.District.Name != after {
				t.Errorf("LocateAddress(%q) of a township without area answers district %q, want %q", text, placeID(a.District), after)
			}
			if after := loc.districtRef(f, "district_after"); after != before && !strings.Contains(strings.Join(a.Notices, " "), "joined "+after) {
				t.Errorf("notices %q, want one saying %s joined %s", a.Notices, name, after)
			}
		})
	}
}

// FuzzGazetteer checks that any text either resolves to a valid point with
// at least one recognised name, or fails with an invalid-input or
// not-found error naming address, and that every match is a key found in
// the normalised text. Seeds: testdata/gazetteer_addresses.txt.
func FuzzGazetteer(f *testing.F) {
	fh, err := os.Open(filepath.Join("testdata", "gazetteer_addresses.txt"))
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f.Add(sc.Text())
	}
	fh.Close()
	loc := NewLocator(loadFixture(f))
	g := loc.Gazetteer()
	f.Fuzz(func(t *testing.T, text string) {
		r, err := g.Resolve(text, day("2026-11-29"))
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Param != "address" || !(errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound)) {
				t.Fatalf("Resolve(%q) = %v", text, err)
			}
			return
		}
		if len(r.Matched) == 0 || !ValidLonLat(r.Point[0], r.Point[1]) {
			t.Fatalf("Resolve(%q) = %+v", text, r)
		}
		norm := normalize(text)
		for _, m := range g.Match(text) {
			if !strings.Contains(norm, m.Key) {
				t.Fatalf("Match(%q) reports key %q not in %q", text, m.Key, norm)
			}
		}
		var a Answer
		if err := loc.LocateAddress(text, day("2026-11-29"), &a); err != nil {
			t.Fatal(err)
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
