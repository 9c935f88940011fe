package server

// Parsing and validation of the query parameters of the items endpoint.
// Every failure names its parameter so that the problem body says which
// one to fix.

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

// itemsParams lists the standard query parameters of the items endpoint;
// the collection's queryable properties are accepted too.
var itemsParams = []string{
	"f", "limit", "bbox", "bbox-crs", "datetime", "filter", "filter-lang",
	"filter-crs", "crs", "properties", "skipGeometry", "cursor",
}

// featureParams lists the query parameters of a single feature.
var featureParams = []string{"f", "crs", "properties", "skipGeometry"}

// parseCRS reads a CRS parameter of Part 2 (crs, bbox-crs, filter-crs):
// one of geo's coordinate systems that has an OGC URI, by URI or short
// name.
func parseCRS(param, s string) (geo.CRS, error) {
	c, err := geo.ParseCRS(param, s)
	if err == nil && c.URI() == "" {
		err = geo.Invalidf(param, "%q has no OGC URI; OGC API requests take one of %s", s, strings.Join(geo.CRSURIs(), ", "))
	}
	if err != nil {
		return "", geo.Invalidf(param, "unsupported CRS %q (supported: %s)", s, strings.Join(geo.CRSURIs(), ", "))
	}
	return c, nil
}

// fromWGS84 converts a WGS84 lon/lat point into c, in c's axis order.
func fromWGS84(c geo.CRS) func(orb.Point) orb.Point {
	return func(p orb.Point) orb.Point {
		p = c.FromWGS84(p)
		if c.LatLon() {
			p[0], p[1] = p[1], p[0]
		}
		return p
	}
}

// toWGS84 converts a point in c's axis order to WGS84 lon/lat and checks
// that it lies in range; errors name param.
func toWGS84(c geo.CRS, param string) func(orb.Point) (orb.Point, error) {
	return func(p orb.Point) (orb.Point, error) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return p, geo.Invalidf(param, "coordinates must be finite")
		}
		if c.LatLon() {
			p[0], p[1] = p[1], p[0]
		}
		if c == geo.WebMercator {
			const lim = 20037508.342789244
			if math.Abs(p[0]) > lim*1.0000001 || math.Abs(p[1]) > lim*1.0000001 {
				return p, geo.Invalidf(param, "EPSG:3857 coordinate (%g, %g) is outside ±%.0f m", p[0], p[1], lim)
			}
		}
		p = c.ToWGS84(p)
		if !geo.ValidLonLat(p[0], p[1]) {
			return p, geo.Invalidf(param, "coordinate (%g, %g) is outside longitude ±180° / latitude ±90°", p[0], p[1])
		}
		return p, nil
	}
}

// parseSkipGeometry reads skipGeometry (strconv.ParseBool's spellings), the
// same on items and on a single feature.
func parseSkipGeometry(q queryList) (bool, error) {
	if !q.has("skipGeometry") {
		return false, nil
	}
	v, err := strconv.ParseBool(q.get("skipGeometry"))
	if err != nil {
		return false, geo.Invalidf("skipGeometry", "%q is not true or false", q.get("skipGeometry"))
	}
	return v, nil
}

// parseLimit reads limit: an integer ≥ 1, clamped to maxLimit.
func parseLimit(s string) (int, error) {
	if s == "" {
		return defaultLimit, nil
	}
	t := strings.TrimSpace(s)
	n, err := strconv.Atoi(t)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !strings.HasPrefix(t, "-") {
			return maxLimit, nil
		}
		return 0, geo.Invalidf("limit", "%q is not an integer", s)
	}
	if n < 1 {
		return 0, geo.Invalidf("limit", "must be at least 1, got %d", n)
	}
	return min(n, maxLimit), nil
}

// parseCursor reads the paging cursor: the offset of the first feature.
func parseCursor(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1<<30 {
		return 0, geo.Invalidf("cursor", "%q is not a cursor of this service (use the next and prev links)", s)
	}
	return n, nil
}

// parseBBox reads 4 or 6 comma-separated numbers (heights dropped) in the
// axis order of crs, leniently (spaces, many digits), and returns the box in
// WGS84 lon/lat.
func parseBBox(s string, crs geo.CRS) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, geo.Invalidf("bbox", "needs 4 or 6 comma-separated numbers, got %d", len(parts))
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, geo.Invalidf("bbox", "%q is not a finite number", strings.TrimSpace(p))
		}
		v[i] = f
	}
	if len(v) == 6 {
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	conv := toWGS84(crs, "bbox")
	a, err := conv(orb.Point{v[0], v[1]})
	if err != nil {
		return orb.Bound{}, err
	}
	b, err := conv(orb.Point{v[2], v[3]})
	if err != nil {
		return orb.Bound{}, err
	}
	if a[1] > b[1] {
		return orb.Bound{}, geo.Invalidf("bbox", "the lower latitude %g exceeds the upper %g", a[1], b[1])
	}
	if a[0] > b[0] {
		return orb.Bound{}, geo.Invalidf("bbox", "boxes across the antimeridian are not supported (west %g > east %g)", a[0], b[0])
	}
	return orb.Bound{Min: a, Max: b}, nil
}

// parseDatetime reads an instant or an interval (start/end, ".." or empty
// for an open end) as an interval of calendar dates. A timestamp counts by
// its calendar date in China (UTC+8), the dates of the data.
func parseDatetime(s string) (geo.Interval, error) {
	var iv geo.Interval
	start, end, isInterval := strings.Cut(s, "/")
	var err error
	if iv.From, err = parseInstant(start, isInterval); err != nil {
		return iv, err
	}
	if !isInterval {
		if iv.From.IsZero() {
			return iv, geo.Invalidf("datetime", "%q is not a date, a timestamp or an interval", s)
		}
		iv.To = iv.From
		return iv, nil
	}
	if iv.To, err = parseInstant(end, true); err != nil {
		return iv, err
	}
	if !iv.Valid() {
		return iv, geo.Invalidf("datetime", "interval %q ends before it starts", s)
	}
	return iv, nil
}

func parseInstant(s string, openOK bool) (time.Time, error) {
	if openOK && (s == "" || s == "..") {
		return time.Time{}, nil
	}
	if d, err := time.Parse(geo.DateLayout, s); err == nil {
		return d, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return geo.ChinaDate(t), nil
	}
	return time.Time{}, geo.Invalidf("datetime", "%q is not a date (YYYY-MM-DD), an RFC 3339 timestamp or '..'", s)
}

// parseFilter parses filter in filter-lang, with geometry literals in
// filter-crs, and checks its property names against the collection.
func parseFilter(text, lang, crsParam string, qs []geo.Field) (*cql2.Expr, error) {
	if len(text) > cql2.MaxLength {
		return nil, &geo.InputError{Param: "filter", Detail: "filter is longer than 64 KiB", Kind: geo.ErrTooLarge}
	}
	var e *cql2.Expr
	var err error
	switch strings.ToLower(lang) {
	case "", "cql2-text", "cql-text": // cql-text: the draft name GDAL 3.6 sends
		e, err = cql2.ParseText(text)
	case "cql2-json":
		e, err = cql2.ParseJSON([]byte(text))
	default:
		return nil, geo.Invalidf("filter-lang", "unsupported filter language %q (want cql2-text or cql2-json)", lang)
	}
	if err != nil {
		return nil, geo.Invalidf("filter", "%v", err)
	}
	crs, err := parseCRS("filter-crs", crsParam)
	if err != nil {
		return nil, err
	}
	if e, err = e.Transform(toWGS84(crs, "filter")); err != nil {
		return nil, err
	}
	for _, p := range e.Properties() {
		if !hasQueryable(qs, p) {
			return nil, geo.Invalidf("filter", "%q is not a queryable of this collection (see its queryables)", p)
		}
	}
	for _, p := range e.SpatialProperties() {
		if !slices.Contains(geometryNames, p) {
			return nil, geo.Invalidf("filter", "%q is not the geometry property (use geometry or geom)", p)
		}
	}
	return e, nil
}

func hasQueryable(qs []geo.Field, name string) bool {
	for _, q := range qs {
		if q.Name == name {
			return true
		}
	}
	return false
}

// propertyFilter is an equality test of a queryable given as a query
// parameter (name=value).
type propertyFilter struct {
	name  string
	value any // string, float64 or bool
}

// parsePropertyFilter types value after the queryable q.
func parsePropertyFilter(q geo.Field, value string) (propertyFilter, error) {
	pf := propertyFilter{name: q.Name}
	switch q.Type {
	case "integer", "number":
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return pf, geo.Invalidf(q.Name, "%q is not a number", value)
		}
		pf.value = f
	case "boolean":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return pf, geo.Invalidf(q.Name, "%q is not true or false", value)
		}
		pf.value = b
	default:
		pf.value = value
	}
	return pf, nil
}

func (pf propertyFilter) match(f *geo.Feature) bool {
	switch v := f.Properties[pf.name].(type) {
	case string, float64, bool:
		return v == pf.value
	}
	return false
}

// selectProperties reads properties=a,b,c and checks the names against the
// properties present in the collection.
func selectProperties(s string, c *geo.Collection) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return []string{}, nil
	}
	known := map[string]bool{}
	for _, f := range c.Features {
		for k := range f.Properties {
			known[k] = true
		}
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if !known[p] {
			return nil, geo.Invalidf("properties", "%q is not a property of this collection", p)
		}
		out = append(out, p)
	}
	return out, nil
}
