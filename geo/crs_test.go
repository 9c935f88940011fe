package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"beibeimap/geo"
)

// Reference pairs published with the widely used coordtransform
// implementations (wandergis/coordtransform README) and the Web Mercator
// definition (EPSG:3857 half-circumference 20037508.342789244 m).
func TestConversionsKnownValues(t *testing.T) {
	tests := []struct {
		name string
		fn   func(orb.Point) orb.Point
		in   orb.Point
		want orb.Point
		tol  float64 // degrees or metres
	}{
		{"wgs84→gcj02 Beijing", geo.WGS84ToGCJ02, orb.Point{116.404, 39.915}, orb.Point{116.41024449916938, 39.91640428150164}, 1e-9},
		{"gcj02→bd09 Beijing", geo.GCJ02ToBD09, orb.Point{116.404, 39.915}, orb.Point{116.41036949371029, 39.92133699351021}, 1e-9},
		// The published BD-09 inverse is a one-step approximation; ours is
		// refined, so it agrees to about 1e-5 degrees (~1 m).
		{"bd09→gcj02 Beijing", geo.BD09ToGCJ02, orb.Point{116.404, 39.915}, orb.Point{116.39762729119315, 39.90865673957631}, 1e-5},
		{"wgs84→bd09 Beijing", geo.BD09.FromWGS84, orb.Point{116.404, 39.915}, orb.Point{116.41662724378733, 39.922699552216216}, 1e-9},
		{"wgs84→gcj02 outside China is identity", geo.WGS84ToGCJ02, orb.Point{-0.1246, 51.5007}, orb.Point{-0.1246, 51.5007}, 0},
		{"wgs84→3857 antimeridian", geo.WebMercator.FromWGS84, orb.Point{180, 0}, orb.Point{20037508.342789244, 0}, 1e-6},
		{"wgs84→3857 max latitude", geo.WebMercator.FromWGS84, orb.Point{0, 85.0511287798066}, orb.Point{0, 20037508.342789244}, 1e-3},
		{"3857→wgs84", geo.WebMercator.ToWGS84, orb.Point{-20037508.342789244, 0}, orb.Point{-180, 0}, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.fn(tc.in)
			if math.Abs(got[0]-tc.want[0]) > tc.tol || math.Abs(got[1]-tc.want[1]) > tc.tol {
				t.Errorf("got %.12f, %.12f; want %.12f, %.12f (±%g)", got[0], got[1], tc.want[0], tc.want[1], tc.tol)
			}
		})
	}
}

// metres returns the distance between two lon/lat points in metres
// (equirectangular, fine at these distances).
func metres(a, b orb.Point) float64 {
	k := 6371008.8 * math.Pi / 180
	return math.Hypot((a[0]-b[0])*k*math.Cos(a[1]*math.Pi/180), (a[1]-b[1])*k)
}

// TestInverseAccuracy checks that the GCJ-02 and BD-09 inverses undo the
// forward formulas to well under a metre across the Chongqing region, and
// that the GCJ-02 offset near Beibei has the size the data README states.
func TestInverseAccuracy(t *testing.T) {
	for lon := 105.2; lon <= 110.2; lon += 0.25 {
		for lat := 28.1; lat <= 32.2; lat += 0.25 {
			w := orb.Point{lon, lat}
			for _, c := range []geo.CRS{geo.GCJ02, geo.BD09, geo.WebMercator} {
				back := c.ToWGS84(c.FromWGS84(w))
				if d := metres(w, back); d > 0.01 {
					t.Fatalf("%s round trip at %v is off by %.4f m", c, w, d)
				}
			}
		}
	}
	beibei := orb.Point{106.44, 29.82}
	if d := metres(beibei, geo.WGS84ToGCJ02(beibei)); d < 300 || d > 700 {
		t.Errorf("GCJ-02 offset at Beibei = %.0f m, want a few hundred metres", d)
	}
}

func TestParseCRS(t *testing.T) {
	tests := []struct {
		in      string
		want    geo.CRS
		wantErr bool
	}{
		{"", geo.WGS84, false},
		{"WGS84", geo.WGS84, false},
		{"gcj02", geo.GCJ02, false},
		{"BD09", geo.BD09, false},
		{"EPSG:3857", geo.WebMercator, false},
		{"EPSG:4326", geo.EPSG4326, false},
		{"http://www.opengis.net/def/crs/EPSG/0/4326", geo.EPSG4326, false},
		{"[OGC:CRS84]", geo.WGS84, false},
		{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", geo.WGS84, false},
		{"utm", "", true},
		{"gcj 02", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := geo.ParseCRS("crs", tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseCRS(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestCRSAxisOrder checks that one spelling means one axis order wherever
// it is parsed: EPSG:4326 is latitude first (as EPSG defines it and OGC API
// Part 2 requires), CRS84 and the web-map datums longitude first.
func TestCRSAxisOrder(t *testing.T) {
	for _, tc := range []struct {
		in     string
		latLon bool
		uri    string
	}{
		{"EPSG:4326", true, "http://www.opengis.net/def/crs/EPSG/0/4326"},
		{"epsg:4326", true, "http://www.opengis.net/def/crs/EPSG/0/4326"},
		{"CRS84", false, "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
		{"wgs84", false, "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
		{"EPSG:3857", false, "http://www.opengis.net/def/crs/EPSG/0/3857"},
		{"gcj02", false, ""},
	} {
		c, err := geo.ParseCRS("crs", tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if c.LatLon() != tc.latLon || c.URI() != tc.uri {
			t.Errorf("%s: LatLon %v, URI %q; want %v, %q", tc.in, c.LatLon(), c.URI(), tc.latLon, tc.uri)
		}
	}
}
