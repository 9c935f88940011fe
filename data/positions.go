package data

import (
	"encoding/json"
	"fmt"

	"beibeimap/geo"
)

// rawGeometry is a GeoJSON geometry as written, before orb reads it: orb
// turns a position of fewer than two numbers into zeros (`[]` → (0, 0),
// `[106]` → (106, 0)), so the count must be checked on the text.
type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  []rawGeometry   `json:"geometries"`
}

// checkPositions reports the first feature of the FeatureCollection b
// whose geometry holds a position with fewer than two numbers. Malformed
// JSON is left to the GeoJSON decoder, which reports it better.
func checkPositions(b []byte) error {
	var fc struct {
		Features []*struct {
			Geometry *rawGeometry `json:"geometry"`
		} `json:"features"`
	}
	if json.Unmarshal(b, &fc) != nil {
		return nil
	}
	for i, f := range fc.Features {
		if f == nil || f.Geometry == nil {
			continue
		}
		if err := f.Geometry.check(); err != nil {
			return fmt.Errorf("feature %d: %w", i+1, err)
		}
	}
	return nil
}

// check walks the positions of g at the depth its type gives them.
func (g *rawGeometry) check() error {
	if g.Type == "GeometryCollection" {
		for i := range g.Geometries {
			if err := g.Geometries[i].check(); err != nil {
				return fmt.Errorf("member %d: %w", i+1, err)
			}
		}
		return nil
	}
	var err error
	short := func(p []float64) {
		if len(p) < 2 && err == nil {
			err = fmt.Errorf("%s has a position of %d numbers; a position needs longitude and latitude: %w", g.Type, len(p), geo.ErrInvalid)
		}
	}
	switch g.Type {
	case "Point":
		var p []float64
		if json.Unmarshal(g.Coordinates, &p) == nil {
			short(p)
		}
	case "MultiPoint", "LineString":
		var ps [][]float64
		if json.Unmarshal(g.Coordinates, &ps) == nil {
			for _, p := range ps {
				short(p)
			}
		}
	case "MultiLineString", "Polygon":
		var ls [][][]float64
		if json.Unmarshal(g.Coordinates, &ls) == nil {
			for _, l := range ls {
				for _, p := range l {
					short(p)
				}
			}
		}
	case "MultiPolygon":
		var ps [][][][]float64
		if json.Unmarshal(g.Coordinates, &ps) == nil {
			for _, pg := range ps {
				for _, l := range pg {
					for _, p := range l {
						short(p)
					}
				}
			}
		}
	}
	return err
}
