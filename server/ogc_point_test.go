package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/geo"
	"beibeimap/server"
)

// TestPointFilterMatchesGeneralPath checks the items answer to
// S_INTERSECTS(geom, POINT) — taken from the prepared polygons — against
// NOT S_DISJOINT(geom, POINT), which means the same and goes through
// Match on every candidate: the same features in the same order, at
// points inside, outside and on the vertices of the districts.
func TestPointFilterMatchesGeneralPath(t *testing.T) {
	store := defaultStore(t)
	s := server.New(server.Config{Store: store})
	pts := []orb.Point{{106.4378, 29.8256}, {106.8448, 29.85653}, {106.53, 29.6}, {0, 0}}
	col, err := store.Snapshot().Collection("districts")
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range col.Features {
		n := 0
		geo.EachPoint(f.Geometry, func(p orb.Point) {
			if n++; n%97 == i%97 {
				pts = append(pts, p)
			}
		})
	}
	ids := func(target string) []string {
		t.Helper()
		m := getJSON(t, s, target, "application/geo+json")
		var out []string
		for _, f := range m["features"].([]any) {
			out = append(out, f.(map[string]any)["id"].(string))
		}
		return out
	}
	hits := 0
	for _, coll := range []string{"districts", "townships"} {
		for _, pt := range pts {
			lit := fmt.Sprintf("POINT(%v %v)", pt[0], pt[1])
			path := "/collections/" + coll + "/items?limit=1000&filter="
			got := ids(path + url.QueryEscape("S_INTERSECTS(geom,"+lit+")"))
			want := ids(path + url.QueryEscape("NOT S_DISJOINT(geom,"+lit+")"))
			if !slices.Equal(got, want) {
				t.Fatalf("%s at %s: S_INTERSECTS gives %v, NOT S_DISJOINT %v", coll, lit, got, want)
			}
			hits += len(got)
		}
	}
	if hits == 0 {
		t.Fatal("no point matched anything")
	}
	// With a bbox too, both conditions hold: none far away, all nearby.
	q := "/collections/districts/items?limit=1000&filter=" + url.QueryEscape("S_INTERSECTS(geom,POINT(106.4378 29.8256))")
	if got := ids(q + "&bbox=0,0,1,1"); len(got) != 0 {
		t.Errorf("point filter with a far bbox: %v", got)
	}
	if got, want := ids(q+"&bbox=106.4,29.8,106.5,29.9"), ids(q); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("point filter with a bbox around it: %v, without %v", got, want)
	}
}
