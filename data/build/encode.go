//go:build geos

package build

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// feature is one output feature.
type feature struct {
	id    string
	props map[string]any
	geom  orb.Geometry
}

// layer is one output file COLLECTION.geojson.
type layer struct {
	id                                       string
	title, description, attribution, license string
	features                                 []feature
}

// encode writes the layer as a GeoJSON FeatureCollection with one feature
// a line, fixed member order, property keys sorted (encoding/json sorts
// map keys) and coordinates rounded to gridSize, so that the same layer
// always gives the same bytes.
func (l *layer) encode() ([]byte, error) {
	var b bytes.Buffer
	str := func(s string) []byte {
		j, _ := marshal(s)
		return j
	}
	b.WriteString(`{"type":"FeatureCollection","title":`)
	b.Write(str(l.title))
	b.WriteString(`,"description":`)
	b.Write(str(l.description))
	b.WriteString(`,"attribution":`)
	b.Write(str(l.attribution))
	b.WriteString(`,"license":`)
	b.Write(str(l.license))
	b.WriteString(`,"features":[`)
	for i, f := range l.features {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n{\"type\":\"Feature\",\"id\":")
		b.Write(str(f.id))
		b.WriteString(`,"properties":`)
		p, err := marshal(f.props)
		if err != nil {
			return nil, fmt.Errorf("build: %s/%s: properties: %w", l.id, f.id, err)
		}
		b.Write(p)
		b.WriteString(`,"geometry":`)
		if err := writeGeometry(&b, f.geom); err != nil {
			return nil, fmt.Errorf("build: %s/%s: %w", l.id, f.id, err)
		}
		b.WriteByte('}')
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping, so that Chinese text and
// symbols stay readable in the committed files.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func writeGeometry(b *bytes.Buffer, g orb.Geometry) error {
	switch g := g.(type) {
	case orb.Point:
		b.WriteString(`{"type":"Point","coordinates":`)
		writePoint(b, g)
	case orb.LineString:
		b.WriteString(`{"type":"LineString","coordinates":`)
		writePoints(b, g)
	case orb.MultiLineString:
		b.WriteString(`{"type":"MultiLineString","coordinates":[`)
		for i, l := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writePoints(b, l)
		}
		b.WriteByte(']')
	case orb.Polygon:
		b.WriteString(`{"type":"Polygon","coordinates":`)
		writePolygon(b, g)
	case orb.MultiPolygon:
		b.WriteString(`{"type":"MultiPolygon","coordinates":[`)
		for i, p := range g {
			if i > 0 {
				b.WriteByte(',')
			}
			writePolygon(b, p)
		}
		b.WriteByte(']')
	default:
		return fmt.Errorf("build: cannot encode geometry %T", g)
	}
	b.WriteByte('}')
	return nil
}

func writePolygon(b *bytes.Buffer, p orb.Polygon) {
	b.WriteByte('[')
	for i, r := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		writePoints(b, r)
	}
	b.WriteByte(']')
}

func writePoints[P ~[]orb.Point](b *bytes.Buffer, pts P) {
	b.WriteByte('[')
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(',')
		}
		writePoint(b, p)
	}
	b.WriteByte(']')
}

func writePoint(b *bytes.Buffer, p orb.Point) {
	b.WriteByte('[')
	b.Write(geo.AppendJSONFloat(nil, roundCoord(p[0])))
	b.WriteByte(',')
	b.Write(geo.AppendJSONFloat(nil, roundCoord(p[1])))
	b.WriteByte(']')
}
