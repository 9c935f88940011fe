package geo

import (
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// CRS names a coordinate system met at the edges of the service. Inside,
// everything is WGS84 lon/lat; a CRS converts a point to and from it.
type CRS string

// The coordinate systems the service converts at its edges.
const (
	// WGS84 is longitude/latitude in degrees on WGS84, longitude first:
	// OGC's CRS84. Its conversions are the identity.
	WGS84 CRS = "wgs84"
	// EPSG4326 is the same datum with EPSG's axis order, latitude first:
	// coordinates written in it (OGC API output, bbox-crs, filter-crs)
	// are swapped.
	EPSG4326 CRS = "epsg:4326"
	// GCJ02 is the obfuscated datum of Chinese web maps (Amap, Tencent),
	// lon/lat degrees. Outside mainland China it equals WGS84.
	GCJ02 CRS = "gcj02"
	// BD09 is Baidu's datum, a further offset of GCJ02, lon/lat degrees.
	BD09 CRS = "bd09"
	// WebMercator is EPSG:3857, x/y in metres on a sphere of radius
	// 6,378,137 m.
	WebMercator CRS = "epsg:3857"
)

// crsDef is one row of the table of coordinate systems.
type crsDef struct {
	crs CRS
	// uri is the OGC identifier; "" for the datums of Chinese web maps,
	// which have none (OGC API – Features does not offer them).
	uri string
	// names are the other spellings accepted, upper case.
	names []string
	// latLon is set when the CRS's own axis order is latitude first.
	latLon bool
}

// crsTable is the one table of the coordinate systems the service knows:
// their names, URIs and axis orders. Lookup, OGC items, bbox-crs and
// filter-crs all parse with ParseCRS.
var crsTable = []crsDef{
	{WGS84, "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
		[]string{"WGS84", "WGS-84", "CRS84", "OGC:CRS84", "[OGC:CRS84]", "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/0/CRS84"}, false},
	{EPSG4326, "http://www.opengis.net/def/crs/EPSG/0/4326",
		[]string{"EPSG:4326", "EPSG4326", "[EPSG:4326]", "HTTP://WWW.OPENGIS.NET/GML/SRS/EPSG.XML#4326"}, true},
	{WebMercator, "http://www.opengis.net/def/crs/EPSG/0/3857",
		[]string{"EPSG:3857", "EPSG3857", "[EPSG:3857]", "WEBMERCATOR", "WEB-MERCATOR"}, false},
	{GCJ02, "", []string{"GCJ02", "GCJ-02"}, false},
	{BD09, "", []string{"BD09", "BD-09"}, false},
}

func (c CRS) def() crsDef {
	for _, d := range crsTable {
		if d.crs == c {
			return d
		}
	}
	return crsDef{crs: c}
}

// URI returns the OGC identifier of c, or "" for GCJ02 and BD09 (and
// unknown values).
func (c CRS) URI() string { return c.def().uri }

// LatLon reports whether c's own axis order is latitude first (EPSG:4326).
// ToWGS84 and FromWGS84 work longitude first whatever the axis order:
// callers that read or write coordinates in c's order swap them.
func (c CRS) LatLon() bool { return c.def().latLon }

// CRSURIs returns the OGC URIs of the coordinate systems that have one,
// CRS84 first (the storage CRS of every collection).
func CRSURIs() []string {
	var out []string
	for _, d := range crsTable {
		if d.uri != "" {
			out = append(out, d.uri)
		}
	}
	return out
}

// ParseCRS parses a coordinate system by its short name, another spelling
// in the table or its OGC URI, case-insensitively; "" is WGS84. Anything
// else returns an *InputError naming param.
func ParseCRS(param, s string) (CRS, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if t == "" {
		return WGS84, nil
	}
	for _, d := range crsTable {
		if t == strings.ToUpper(string(d.crs)) || t == strings.ToUpper(d.uri) || slices.Contains(d.names, t) {
			return d.crs, nil
		}
	}
	names := make([]string, len(crsTable))
	for i, d := range crsTable {
		names[i] = string(d.crs)
	}
	return "", Invalidf(param, "unknown coordinate system %q (want %s, or an OGC URI)", s, strings.Join(names, ", "))
}

// ToWGS84 converts p from c to WGS84 lon/lat; p is longitude (or x) first
// whatever c's axis order. GCJ02 and BD09 are inverted iteratively to
// better than 1e-7 degrees (about 1 cm).
func (c CRS) ToWGS84(p orb.Point) orb.Point {
	switch c {
	case GCJ02:
		return GCJ02ToWGS84(p)
	case BD09:
		return GCJ02ToWGS84(BD09ToGCJ02(p))
	case WebMercator:
		return project.Mercator.ToWGS84(p)
	}
	return p
}

// FromWGS84 converts the WGS84 lon/lat point p to c, longitude (or x)
// first whatever c's axis order.
func (c CRS) FromWGS84(p orb.Point) orb.Point {
	switch c {
	case GCJ02:
		return WGS84ToGCJ02(p)
	case BD09:
		return GCJ02ToBD09(WGS84ToGCJ02(p))
	case WebMercator:
		return project.WGS84.ToMercator(p)
	}
	return p
}

// Krasovsky 1940 ellipsoid, as used by the published GCJ-02 formula.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

// OutOfChina reports whether p (lon/lat) lies outside the rectangle in which
// GCJ-02 differs from WGS84 (the rectangle used by the public formula).
func OutOfChina(p orb.Point) bool {
	return p[0] < 72.004 || p[0] > 137.8347 || p[1] < 0.8293 || p[1] > 55.8271
}

// WGS84ToGCJ02 converts a WGS84 lon/lat point to GCJ-02 with the public
// forward formula. Points outside China are returned unchanged.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if OutOfChina(p) {
		return p
	}
	dlon, dlat := gcjDelta(p[0], p[1])
	return orb.Point{p[0] + dlon, p[1] + dlat}
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02 by fixed-point iteration: the result w
// satisfies |WGS84ToGCJ02(w) - p| < 1e-9 degrees (well under 1 m; the offset
// varies slowly, so a handful of steps suffice).
func GCJ02ToWGS84(p orb.Point) orb.Point {
	if OutOfChina(p) {
		return p
	}
	w := p
	for i := 0; i < 30; i++ {
		g := WGS84ToGCJ02(w)
		dx, dy := p[0]-g[0], p[1]-g[1]
		w = orb.Point{w[0] + dx, w[1] + dy}
		if math.Abs(dx) < 1e-10 && math.Abs(dy) < 1e-10 {
			break
		}
	}
	return w
}

func gcjDelta(lon, lat float64) (dlon, dlat float64) {
	x, y := lon-105.0, lat-35.0
	dlat = -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dlat += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	dlat += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	dlat += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	dlon = 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dlon += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	dlon += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	dlon += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	radlat := lat / 180.0 * math.Pi
	magic := math.Sin(radlat)
	magic = 1 - gcjEE*magic*magic
	sqrtmagic := math.Sqrt(magic)
	dlat = (dlat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtmagic) * math.Pi)
	dlon = (dlon * 180.0) / (gcjA / sqrtmagic * math.Cos(radlat) * math.Pi)
	return dlon, dlat
}

const bdXPi = math.Pi * 3000.0 / 180.0

// GCJ02ToBD09 converts a GCJ-02 lon/lat point to BD-09 (Baidu's published
// formula).
func GCJ02ToBD09(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return orb.Point{z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006}
}

// BD09ToGCJ02 inverts GCJ02ToBD09 with the published approximate inverse
// (error about 1e-6 degrees) refined by fixed-point iteration to < 1e-9.
func BD09ToGCJ02(p orb.Point) orb.Point {
	x, y := p[0]-0.0065, p[1]-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	g := orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
	for i := 0; i < 10; i++ {
		b := GCJ02ToBD09(g)
		dx, dy := p[0]-b[0], p[1]-b[1]
		g = orb.Point{g[0] + dx, g[1] + dy}
		if math.Abs(dx) < 1e-10 && math.Abs(dy) < 1e-10 {
			break
		}
	}
	return g
}

// ConvertGeometry returns a copy of g with every point converted by fn; g is
// not modified.
func ConvertGeometry(g orb.Geometry, fn func(orb.Point) orb.Point) orb.Geometry {
	if p, ok := g.(orb.Point); ok {
		return fn(p) // a value: nothing to copy (orb.Clone would box it once more)
	}
	return project.Geometry(orb.Clone(g), fn)
}
