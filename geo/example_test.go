package geo_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

func ExampleSnapshot_Containing() {
	zone := &geo.Collection{ID: "zones", Features: []*geo.Feature{{
		ID:         "west",
		Collection: "zones",
		Geometry:   orb.Polygon{{{0, 0}, {5, 0}, {5, 5}, {0, 5}, {0, 0}}},
		Valid:      geo.Interval{From: time.Date(2026, 1, 25, 0, 0, 0, 0, time.UTC)},
	}}}
	snap, err := geo.NewSnapshot([]*geo.Collection{zone})
	if err != nil {
		panic(err)
	}
	for _, day := range []string{"2025-06-01", "2026-06-01"} {
		d, _ := geo.ParseDate("date", day)
		found := "nothing"
		snap.Containing(orb.Point{1, 1}, d, func(f *geo.Feature) bool {
			found = f.ID
			return false
		})
		fmt.Println(day, found)
	}
	// Output:
	// 2025-06-01 nothing
	// 2026-06-01 west
}

func ExampleCRS_ToWGS84() {
	// A point read off a Chinese web map (GCJ-02) near the Tongjing seat.
	w := geo.GCJ02.ToWGS84(orb.Point{106.84874, 29.85375})
	fmt.Printf("%.4f %.4f\n", w[0], w[1])
	// Output: 106.8448 29.8565
}
