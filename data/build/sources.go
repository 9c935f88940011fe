//go:build geos

package build

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Source file names inside the source directory.
const (
	fileOutlines = "chongqing-districts-echarts-gcj02.geojson"
	fileGeoNames = "geonames-cities500-chongqing.tsv"
	fileNBS      = "nbs-2023-township-codes-beibei-yubei.csv"
	fileArticle  = "article-features.json"
)

// outline is one district outline of the ECharts source, still GCJ-02.
type outline struct {
	name string
	geom orb.Geometry
}

func readOutlines(dir string) ([]outline, error) {
	b, err := os.ReadFile(filepath.Join(dir, fileOutlines))
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("build: %s: %w", fileOutlines, err)
	}
	out := make([]outline, 0, len(fc.Features))
	for i, f := range fc.Features {
		name, _ := f.Properties["name"].(string)
		if name == "" || f.Geometry == nil {
			return nil, fmt.Errorf("build: %s: feature %d has no name or geometry", fileOutlines, i+1)
		}
		out = append(out, outline{name: name, geom: f.Geometry})
	}
	return out, nil
}

// place is one GeoNames row.
type place struct {
	id         int
	name       string // GeoNames name (romanised)
	ascii      string
	alternates []string
	lon, lat   float64
	class      string
	code       string // feature code (PPLA3, PPLA4, ...)
	population int
	modified   string
}

func (p place) point() orb.Point { return orb.Point{p.lon, p.lat} }

// chinese returns the alternate names written in Han characters.
func (p place) chinese() []string {
	var out []string
	for _, a := range p.alternates {
		for _, r := range a {
			if r >= 0x4e00 && r <= 0x9fff {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

func readGeoNames(dir string) (map[int]place, []int, error) {
	b, err := os.ReadFile(filepath.Join(dir, fileGeoNames))
	if err != nil {
		return nil, nil, fmt.Errorf("build: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "geonameid\t") {
		return nil, nil, fmt.Errorf("build: %s: missing header row", fileGeoNames)
	}
	byID := make(map[int]place, len(lines))
	order := make([]int, 0, len(lines))
	for n, line := range lines[1:] {
		c := strings.Split(line, "\t")
		if len(c) < 19 {
			return nil, nil, fmt.Errorf("build: %s: line %d has %d columns, want 19", fileGeoNames, n+2, len(c))
		}
		id, err1 := strconv.Atoi(c[0])
		lat, err2 := strconv.ParseFloat(c[4], 64)
		lon, err3 := strconv.ParseFloat(c[5], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, nil, fmt.Errorf("build: %s: line %d: bad id or coordinates", fileGeoNames, n+2)
		}
		pop, _ := strconv.Atoi(c[14])
		var alts []string
		if c[3] != "" {
			alts = strings.Split(c[3], ",")
		}
		byID[id] = place{id: id, name: c[1], ascii: c[2], alternates: alts, lat: lat, lon: lon,
			class: c[6], code: c[7], population: pop, modified: c[18]}
		order = append(order, id)
	}
	return byID, order, nil
}

// unit is one township-level unit (街道 or 镇) of the NBS code list.
type unit struct {
	code     string // 9 digits
	name     string // full Chinese name, e.g. 统景镇
	district string // 6-digit adcode of the pre-2026 district
}

// short is the name without its 街道/镇 suffix.
func (u unit) short() string {
	return strings.TrimSuffix(strings.TrimSuffix(u.name, "街道"), "镇")
}

// kindEN is the English word for the kind of unit.
func (u unit) kindEN() string {
	if strings.HasSuffix(u.name, "街道") {
		return "Subdistrict"
	}
	return "Town"
}

func readNBS(dir string) ([]unit, error) {
	b, err := os.ReadFile(filepath.Join(dir, fileNBS))
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("build: %s: %w", fileNBS, err)
	}
	if len(recs) < 2 || recs[0][0] != "code" {
		return nil, fmt.Errorf("build: %s: missing header row", fileNBS)
	}
	var out []unit
	for i, r := range recs[1:] {
		if len(r) < 3 || len(r[0]) != 9 || r[2] != r[0][:6] {
			return nil, fmt.Errorf("build: %s: row %d is not code,name,areaCode", fileNBS, i+2)
		}
		out = append(out, unit{code: r[0], name: r[1], district: r[2]})
	}
	return out, nil
}

// article is the curated table of the places, projects and corridors named
// in the seed article (data/sources/article-features.json).
type article struct {
	Citation  string           `json:"citation"`
	Projects  []articleProject `json:"projects"`
	Corridors []articleLine    `json:"corridors"`
}

type articleProject struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	Category   string `json:"category"`
	Status     string `json:"status"`
	SourceText string `json:"source_text"`
	// At is the GeoNames id of the point the feature is placed at.
	At        int    `json:"at"`
	Precision string `json:"location_precision"`
	Placement string `json:"placement"`
}

type articleLine struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	SourceText string `json:"source_text"`
	// Via are the GeoNames ids of the places the line joins, in order.
	Via []int `json:"via"`
	// ClipTo, when set, is a district feature id the line is cut to.
	ClipTo    string `json:"clip_to"`
	Placement string `json:"placement"`
}

func readArticle(dir string) (*article, error) {
	b, err := os.ReadFile(filepath.Join(dir, fileArticle))
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var a article
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("build: %s: %w", fileArticle, err)
	}
	return &a, nil
}
