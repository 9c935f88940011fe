package tiles_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"beibeimap/geo"
	"beibeimap/tiles"
)

// ExampleRender renders the z8 tile over Beibei of a one-square snapshot
// and decodes it: one version-2 layer, one feature with an integer id and
// its string id as a property.
func ExampleRender() {
	zones := &geo.Collection{ID: "zones", Features: []*geo.Feature{{
		ID: "500109", Collection: "zones", Properties: map[string]any{"name": "北碚区"},
		Geometry: orb.Polygon{{{106.3, 29.7}, {106.6, 29.7}, {106.6, 30.0}, {106.3, 30.0}, {106.3, 29.7}}},
	}}}
	snap, err := geo.NewSnapshot([]*geo.Collection{zones})
	if err != nil {
		panic(err)
	}
	b, err := tiles.Render(snap, maptile.At(orb.Point{106.45, 29.85}, 8), time.Time{})
	if err != nil {
		panic(err)
	}
	ls, _ := mvt.Unmarshal(b)
	f := ls[0].Features[0]
	fmt.Println(ls[0].Name, ls[0].Version, f.ID, f.Properties["id"], f.Properties["name"])
	// Output: zones 2 500109 500109 北碚区
}

// ExampleFeatureID shows the two kinds of MVT feature ids.
func ExampleFeatureID() {
	fmt.Println(tiles.FeatureID("500109"), tiles.FeatureID("500109-2026") >= 1<<52)
	// Output: 500109 true
}
