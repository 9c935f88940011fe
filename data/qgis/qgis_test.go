package qgis_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/data"
	"beibeimap/data/qgis"
	"beibeimap/geo"
)

// TestProjectIsWellFormed parses the project as XML: one maplayer per
// collection, names escaped, the default layers in the map page's order.
func TestProjectIsWellFormed(t *testing.T) {
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	odd := &geo.Collection{ID: "odd", Title: `A <b>&"title"`, Attribution: "x & y", Features: []*geo.Feature{{ID: "1", Collection: "odd", Geometry: orb.Point{1, 2}, Properties: map[string]any{"name": "<x>"}}}}
	cols = append(cols, odd)
	var b strings.Builder
	if err := qgis.WriteProject(&b, cols, qgis.AttachedSource, "sources & licences"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Layers []struct {
			ID   string `xml:"id"`
			Name string `xml:"layername"`
			Src  string `xml:"datasource"`
		} `xml:"projectlayers>maplayer"`
	}
	if err := xml.Unmarshal([]byte(strings.SplitN(b.String(), "\n", 2)[1]), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	var ids []string
	for _, l := range doc.Layers {
		ids = append(ids, l.ID)
		if l.ID == "odd" && l.Name != odd.Title {
			t.Errorf("title %q, want %q", l.Name, odd.Title)
		}
		if l.Src != "attachment:beibeimap-layers.gpkg|layername="+l.ID {
			t.Errorf("%s: data source %q", l.ID, l.Src)
		}
	}
	if got := strings.Join(ids, ","); got != "districts,townships,planning-zones,corridors,projects,seats,odd" {
		t.Errorf("layers %s", got)
	}
}
