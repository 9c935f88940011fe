// Package data holds the default layers embedded in the binary and the
// loader that turns a folder of GeoJSON layers (the embedded one or a
// user's) into geo collections. Importing it does nothing.
//
// A layer is a file COLLECTION.geojson, a GeoJSON FeatureCollection in WGS84
// lon/lat. The collection's metadata are foreign members of the
// FeatureCollection ("title", "description", "attribution", "license");
// each feature has an "id" and optional "valid_from"/"valid_to" properties
// (YYYY-MM-DD, inclusive, null or absent for an open end). data/README.md
// documents the schema of each default layer.
package data

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"beibeimap/geo"
)

//go:embed layers
var embedded embed.FS

// Default returns the embedded default layers as a file system whose root
// holds the COLLECTION.geojson files.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "layers")
	if err != nil { // cannot happen: the directory is embedded
		panic(err)
	}
	return sub
}

// MaxFileSize bounds one layer file, so that a stray huge file cannot
// exhaust memory; larger files are rejected.
const MaxFileSize = 256 << 20

// collectionID is the form of a collection id, and so of a layer file name.
var collectionID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// order is the order in which the default collections are listed; others
// follow alphabetically.
var order = geo.CollectionIDs

// Load reads every COLLECTION.geojson file at the root of fsys and returns
// the collections, default collections first in their documented order,
// then the others by id. Files with other extensions are ignored. A file
// that is not a valid GeoJSON FeatureCollection, a feature with a bad
// validity date, or a bad collection id fails the whole load with an error
// wrapping geo.ErrInvalid that names the file: a broken file never yields a
// partial dataset.
func Load(fsys fs.FS) ([]*geo.Collection, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("data: read layers: %w", err)
	}
	var cols []*geo.Collection
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".geojson" {
			continue
		}
		id := strings.TrimSuffix(name, ".geojson")
		if !collectionID.MatchString(id) {
			return nil, fmt.Errorf("data: %s: collection id %q must match %s: %w", name, id, collectionID, geo.ErrInvalid)
		}
		c, err := loadFile(fsys, name, id)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("data: no *.geojson layer found: %w", geo.ErrInvalid)
	}
	rank := func(id string) int {
		for i, o := range order {
			if o == id {
				return i
			}
		}
		return len(order)
	}
	sort.SliceStable(cols, func(i, j int) bool {
		ri, rj := rank(cols[i].ID), rank(cols[j].ID)
		if ri != rj {
			return ri < rj
		}
		return cols[i].ID < cols[j].ID
	})
	return cols, nil
}

// LoadSnapshot loads the layers of fsys (see Load) and indexes them in a
// geo.Snapshot, refusing what geo.NewSnapshot refuses (invalid geometry,
// duplicate ids, inverted validity intervals) and then any default layer
// that breaks its Schema (ValidateSchema). Errors wrap geo.ErrInvalid.
func LoadSnapshot(fsys fs.FS) (*geo.Snapshot, error) {
	cols, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	return NewSnapshot(cols)
}

// NewSnapshot is geo.NewSnapshot followed by ValidateSchema: the one
// validation of every way data enters the service (a folder, a GeoPackage,
// PostGIS). Geometry is validated first, so that a broken ring is reported
// as such even in a layer that wants points. Errors wrap geo.ErrInvalid.
func NewSnapshot(cols []*geo.Collection) (*geo.Snapshot, error) {
	snap, err := geo.NewSnapshot(cols)
	if err != nil {
		return nil, err
	}
	if err := ValidateSchema(cols); err != nil {
		return nil, err
	}
	return snap, nil
}

func loadFile(fsys fs.FS, name, id string) (*geo.Collection, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("data: read %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("data: %s is larger than %d bytes: %w", name, MaxFileSize, geo.ErrInvalid)
	}
	c, err := Decode(b, id)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", name, err)
	}
	return c, nil
}

// Decode parses one layer file (a GeoJSON FeatureCollection) as collection
// id. Features without an id get their 1-based position as id. Errors wrap
// geo.ErrInvalid.
func Decode(b []byte, id string) (*geo.Collection, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("not JSON: %v: %w", err, geo.ErrInvalid)
	}
	if probe.Type != "FeatureCollection" {
		return nil, fmt.Errorf("type is %q, want FeatureCollection: %w", probe.Type, geo.ErrInvalid)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("not a GeoJSON FeatureCollection: %v: %w", err, geo.ErrInvalid)
	}
	if err := checkPositions(b); err != nil {
		return nil, err
	}
	c := &geo.Collection{ID: id, Features: make([]*geo.Feature, 0, len(fc.Features))}
	c.Title, _ = fc.ExtraMembers["title"].(string)
	c.Description, _ = fc.ExtraMembers["description"].(string)
	c.Attribution, _ = fc.ExtraMembers["attribution"].(string)
	c.License, _ = fc.ExtraMembers["license"].(string)
	if c.Title == "" {
		c.Title = id
	}
	for i, gf := range fc.Features {
		if gf == nil || gf.Geometry == nil {
			return nil, fmt.Errorf("feature %d has no geometry: %w", i+1, geo.ErrInvalid)
		}
		f := &geo.Feature{
			ID:         featureID(gf.ID, i),
			Collection: id,
			Properties: map[string]any(gf.Properties),
			Geometry:   normalise(gf.Geometry),
		}
		if f.Properties == nil {
			f.Properties = map[string]any{}
		}
		var err error
		if f.Valid.From, err = dateProp(f.Properties, "valid_from"); err != nil {
			return nil, fmt.Errorf("feature %q: %w", f.ID, err)
		}
		if f.Valid.To, err = dateProp(f.Properties, "valid_to"); err != nil {
			return nil, fmt.Errorf("feature %q: %w", f.ID, err)
		}
		c.Features = append(c.Features, f)
	}
	return c, nil
}

// normalise turns a bare Ring (which GeoJSON cannot express but orb may
// produce) into a Polygon; every other geometry is kept.
func normalise(g orb.Geometry) orb.Geometry {
	if r, ok := g.(orb.Ring); ok {
		return orb.Polygon{r}
	}
	return g
}

func featureID(v any, i int) string {
	switch v := v.(type) {
	case string:
		if v != "" {
			return v
		}
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	return strconv.Itoa(i + 1)
}

func dateProp(p map[string]any, key string) (t time.Time, err error) {
	v, ok := p[key]
	if !ok || v == nil {
		return t, nil
	}
	s, ok := v.(string)
	if !ok {
		return t, fmt.Errorf("%s must be a YYYY-MM-DD string or null: %w", key, geo.ErrInvalid)
	}
	return geo.ParseDate(key, s)
}
