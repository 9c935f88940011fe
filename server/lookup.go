package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"beibeimap/geo"
)

// MaxBatch is the largest number of points a POST /lookup batch may hold.
const MaxBatch = 10000

// Query parameters of the lookup routes, as indexes into lookupQuery.
const (
	qLon = iota
	qLat
	qCRS
	qDate
	qAddress
	qCount
)

// lookupParamNames names the parameters of the lookup routes by index.
var lookupParamNames = [qCount]string{"lon", "lat", "crs", "date", "address"}

// The parameters each lookup route accepts, as bit sets of indexes.
const (
	lookupGetParams  = 1<<qLon | 1<<qLat | 1<<qCRS | 1<<qDate | 1<<qAddress
	lookupPostParams = 1<<qCRS | 1<<qDate
)

// lookupQuery is the parsed query string of a lookup request.
type lookupQuery struct {
	val [qCount]string
	set [qCount]bool
}

func (q *lookupQuery) has(i int) bool   { return q.set[i] }
func (q *lookupQuery) get(i int) string { return q.val[i] }

// parseLookupQuery parses a raw query string (as url.ParseQuery does, but
// without building a map on the hot path) and rejects parameters outside
// allowed, parameters given more than once — so that a typo (lng=,
// adress=) gets a clear 400 instead of a silent default — semicolons and
// malformed percent-escapes.
func parseLookupQuery(raw string, allowed int) (lookupQuery, error) {
	var q lookupQuery
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		if strings.Contains(pair, ";") {
			return q, geo.Invalidf("query", "semicolons do not separate parameters; use &")
		}
		key, val, _ := strings.Cut(pair, "=")
		var err error
		if key, err = lookupUnescape(key); err != nil {
			return q, err
		}
		i := 0
		for i < qCount && lookupParamNames[i] != key {
			i++
		}
		if i == qCount || allowed&(1<<i) == 0 {
			var names []string
			for j, n := range lookupParamNames {
				if allowed&(1<<j) != 0 {
					names = append(names, n)
				}
			}
			return q, geo.Invalidf(key, "unknown query parameter (allowed: %s)", strings.Join(names, ", "))
		}
		if q.set[i] {
			return q, geo.Invalidf(key, "given more than once; give it once")
		}
		if q.val[i], err = lookupUnescape(val); err != nil {
			return q, err
		}
		q.set[i] = true
	}
	return q, nil
}

// lookupUnescape decodes a query component, allocating only when it holds
// an escape.
func lookupUnescape(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return "", geo.Invalidf("query", "malformed percent-escape in %q", s)
	}
	return u, nil
}

// lookupScratch is the reusable state of one single-point lookup.
type lookupScratch struct {
	a   geo.Answer
	buf []byte
}

// dataset returns the current dataset, or an error wrapping
// geo.ErrUnavailable before any data is loaded.
func (s *Server) dataset() (*geo.Dataset, error) {
	d := s.store.Dataset()
	if d == nil {
		return nil, &geo.InputError{Detail: "no data loaded yet", Kind: geo.ErrUnavailable}
	}
	return d, nil
}

// lookupOptions parses the crs and date parameters shared by both routes;
// the date defaults to today in China.
func (s *Server) lookupOptions(q *lookupQuery) (geo.CRS, time.Time, error) {
	crs := geo.WGS84
	if v := q.get(qCRS); v != "" && v != "wgs84" {
		var err error
		if crs, err = geo.ParseCRS("crs", v); err != nil {
			return "", time.Time{}, err
		}
	}
	if err := (geo.Query{CRS: crs}).Validate(); err != nil {
		return "", time.Time{}, err
	}
	date := s.today()
	if q.has(qDate) {
		var err error
		if date, err = geo.ParseDate("date", q.get(qDate)); err != nil {
			return "", time.Time{}, err
		}
	}
	return crs, date, nil
}

// parseCoordinate parses a lon or lat value: a decimal number, surrounding
// spaces ignored. Range and finiteness are checked by geo.Query.Validate.
func parseCoordinate(param, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, geo.Invalidf(param, "is required (decimal degrees)")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, geo.Invalidf(param, "%q is not a number", s)
	}
	return v, nil
}

// handleLookup answers GET /lookup?lon=&lat=[&crs=][&date=] and GET
// /lookup?address=[&date=] with the JSON answer of geo.Answer.AppendJSON.
func (s *Server) handleLookup(c echo.Context) error {
	q, err := parseLookupQuery(c.Request().URL.RawQuery, lookupGetParams)
	if err != nil {
		return err
	}
	crs, date, err := s.lookupOptions(&q)
	if err != nil {
		return err
	}
	ds, err := s.dataset()
	if err != nil {
		return err
	}
	loc := ds.Locator
	sc, _ := s.scratch.Get().(*lookupScratch)
	if sc == nil {
		sc = &lookupScratch{buf: make([]byte, 0, 2048)}
	}
	defer s.scratch.Put(sc)
	if q.has(qAddress) {
		if q.has(qLon) || q.has(qLat) {
			return geo.Invalidf("address", "give either address or lon and lat, not both")
		}
		if err := loc.LocateAddress(q.get(qAddress), date, &sc.a); err != nil {
			return err
		}
	} else {
		lon, err := parseCoordinate("lon", q.get(qLon))
		if err != nil {
			return err
		}
		lat, err := parseCoordinate("lat", q.get(qLat))
		if err != nil {
			return err
		}
		if err := loc.Locate(geo.Query{Lon: lon, Lat: lat, CRS: crs, Date: date}, &sc.a); err != nil {
			return err
		}
	}
	sc.buf = sc.a.AppendJSON(sc.buf[:0])
	if c.Request().Method == http.MethodHead {
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(sc.buf)))
		return c.NoContent(http.StatusOK)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, sc.buf)
}

// Media types of batch lookups.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaCSV     = "text/csv"
)

// handleLookupBatch answers POST /lookup: a JSON array of [lon, lat], a
// GeoJSON FeatureCollection of points, or CSV with lon and lat columns, in
// the same media type, in input order.
func (s *Server) handleLookupBatch(c echo.Context) error {
	q, err := parseLookupQuery(c.Request().URL.RawQuery, lookupPostParams)
	if err != nil {
		return err
	}
	crs, date, err := s.lookupOptions(&q)
	if err != nil {
		return err
	}
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return errStatus(http.StatusUnsupportedMediaType, "Content-Type", "send the points as application/json, application/geo+json or text/csv")
	}
	if mt != mediaJSON && mt != mediaGeoJSON && mt != mediaCSV {
		return errStatus(http.StatusUnsupportedMediaType, "Content-Type", "%s is not supported; send application/json, application/geo+json or text/csv", mt)
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return err // the body limit: 413
		}
		return geo.Invalidf("body", "could not be read: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return geo.Invalidf("body", "is empty; send the points to look up")
	}
	ds, err := s.dataset()
	if err != nil {
		return err
	}
	b := batch{loc: ds.Locator, crs: crs, date: date}
	var out []byte
	switch {
	case mt == mediaCSV:
		out, err = b.csv(body)
	case bytes.TrimLeft(body, " \t\r\n")[0] == '[':
		mt = mediaJSON
		out, err = b.array(body)
	default:
		out, err = b.featureCollection(body)
	}
	if err != nil {
		return err
	}
	s.metrics.batchSize.Observe(float64(b.points))
	if mt == mediaCSV {
		mt += "; charset=utf-8"
	}
	return c.Blob(http.StatusOK, mt, out)
}

// batch looks up many points with the same crs and date.
type batch struct {
	loc  *geo.Locator
	crs  geo.CRS
	date time.Time
	a    geo.Answer
	// points counts the points looked up (for the batch-size metric).
	points int
}

// tooMany is the error for a batch over MaxBatch points.
func tooMany(n int) error {
	return &geo.InputError{Param: "body", Detail: fmt.Sprintf("holds %d points; at most %d per request", n, MaxBatch), Kind: geo.ErrTooLarge}
}

// locate looks up one point; an invalid point fails with its parameter
// prefixed by where (e.g. "[3].lon").
func (b *batch) locate(where string, lon, lat float64) error {
	b.points++
	if err := b.loc.Locate(geo.Query{Lon: lon, Lat: lat, CRS: b.crs, Date: b.date}, &b.a); err != nil {
		var ie *geo.InputError
		if errors.As(err, &ie) {
			return &geo.InputError{Param: where + ie.Param, Detail: ie.Detail, Kind: ie.Kind}
		}
		return err
	}
	return nil
}

// array answers a JSON array of [lon, lat] (a third number, altitude, is
// ignored) with a JSON array of answers.
func (b *batch) array(body []byte) ([]byte, error) {
	var pts [][]float64
	if err := json.Unmarshal(body, &pts); err != nil {
		return nil, geo.Invalidf("body", "is not a JSON array of [lon, lat] pairs: %v", err)
	}
	if len(pts) > MaxBatch {
		return nil, tooMany(len(pts))
	}
	out := make([]byte, 0, 512*len(pts)+2)
	out = append(out, '[')
	for i, p := range pts {
		where := "[" + strconv.Itoa(i) + "]"
		if len(p) != 2 && len(p) != 3 {
			return nil, geo.Invalidf(where, "must be [lon, lat], got %d numbers", len(p))
		}
		if err := b.locate(where+".", p[0], p[1]); err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = b.a.AppendJSON(out)
	}
	return append(out, ']'), nil
}

// answerMembers are the members an answer adds to a feature's properties.
var answerMembers = []string{"district", "township", "zones", "changes", "nearby"}

// featureCollection answers a GeoJSON FeatureCollection of points with the
// same features, their properties extended by the answer's members.
func (b *batch) featureCollection(body []byte) ([]byte, error) {
	var probe struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, geo.Invalidf("body", "is not JSON: %v", err)
	}
	if probe.Type != "FeatureCollection" {
		return nil, geo.Invalidf("body", "type is %q; send a FeatureCollection of points or an array of [lon, lat]", probe.Type)
	}
	if len(probe.Features) > MaxBatch {
		return nil, tooMany(len(probe.Features))
	}
	out := make([]byte, 0, 600*len(probe.Features)+64)
	out = append(out, `{"type":"FeatureCollection","features":[`...)
	for i, raw := range probe.Features {
		where := "features[" + strconv.Itoa(i) + "]"
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			return nil, geo.Invalidf(where, "is not a GeoJSON feature: %v", err)
		}
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil, geo.Invalidf(where+".geometry", "must be a Point")
		}
		if err := pointArity(raw); err != nil { // orb reads [106] as (106, 0)
			return nil, geo.Invalidf(where+".geometry.coordinates", "%v", err)
		}
		if err := b.locate(where+".geometry.", pt[0], pt[1]); err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"type":"Feature",`...)
		if f.ID != nil {
			id, err := json.Marshal(f.ID)
			if err != nil {
				return nil, geo.Invalidf(where+".id", "cannot be encoded: %v", err)
			}
			out = append(out, `"id":`...)
			out = append(out, id...)
			out = append(out, ',')
		}
		out = append(out, `"geometry":{"type":"Point","coordinates":[`...)
		out = geo.AppendJSONFloat(out, pt[0])
		out = append(out, ',')
		out = geo.AppendJSONFloat(out, pt[1])
		out = append(out, `]},"properties":{`...)
		for _, k := range answerMembers {
			delete(f.Properties, k)
		}
		if len(f.Properties) > 0 {
			props, err := json.Marshal(map[string]any(f.Properties))
			if err != nil {
				return nil, geo.Invalidf(where+".properties", "cannot be encoded: %v", err)
			}
			out = append(out, props[1:len(props)-1]...)
			out = append(out, ',')
		}
		out = b.a.AppendFields(out)
		out = append(out, "}}"...)
	}
	return append(out, "]}"...), nil
}

// csvColumns are the columns a CSV answer adds to each row.
var csvColumns = []string{"district_code", "district", "district_en", "township_code", "township", "township_en", "zones", "changes", "status", "error"}

// csv answers CSV with a header row naming longitude and latitude columns
// as people write them (detectColumns: lon, lng, longitude, 经度, lat,
// latitude, 纬度, …; any case) with the same rows, every column kept,
// plus csvColumns. Zones and changes are joined by "; ". A row that cannot
// be looked up keeps its place with its status ("invalid") and error.
func (b *batch) csv(body []byte) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte(utf8BOM))
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, geo.Invalidf("body", "is not CSV with a header row: %v", err)
	}
	cols := detectColumns(header)
	if cols.lon < 0 || cols.lat < 0 {
		return nil, geo.Invalidf("body", "the CSV header needs a longitude and a latitude column (lon/lat, lng, longitude/latitude, 经度/纬度), got %q", header)
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Write(append(header, csvColumns...))
	var zones, changes strings.Builder
	for n := 0; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if n == MaxBatch {
			return nil, tooMany(n + 1)
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, geo.Invalidf("body", "bad CSV: %v", err)
			}
			row := make([]string, len(header), len(header)+len(csvColumns))
			w.Write(append(row, "", "", "", "", "", "", "", "", rowInvalid, fmt.Sprintf("line %d is not valid CSV: %v", pe.Line, pe.Err)))
			continue
		}
		line, _ := r.FieldPos(0)
		where := "line " + strconv.Itoa(line) + ": "
		rowErr := func() error {
			if len(rec) != len(header) {
				return geo.Invalidf(where+"row", "has %d fields, the header %d", len(rec), len(header))
			}
			lon, err := parseCoordinate(where+"lon", rec[cols.lon])
			if err != nil {
				return err
			}
			lat, err := parseCoordinate(where+"lat", rec[cols.lat])
			if err != nil {
				return err
			}
			return b.locate(where, lon, lat)
		}()
		// The answer is a rectangle: short rows are padded, long ones cut
		// (their error says so).
		for len(rec) < len(header) {
			rec = append(rec, "")
		}
		rec = rec[:len(header)]
		if rowErr != nil {
			w.Write(append(rec, "", "", "", "", "", "", "", "", rowStatus(rowErr), rowDetail(rowErr)))
			continue
		}
		a := &b.a
		zones.Reset()
		for i, z := range a.Zones {
			if i > 0 {
				zones.WriteString("; ")
			}
			zones.WriteString(z.Name)
		}
		changes.Reset()
		for i, ch := range a.Changes {
			if i > 0 {
				changes.WriteString("; ")
			}
			changes.WriteString(ch.Date.Format(geo.DateLayout) + " " + placeName(ch.From) + "→" + placeName(ch.To))
		}
		var dc, dn, de, tc, tn, te string
		if a.District != nil {
			dc, dn, de = a.District.Code, a.District.Name, a.District.NameEn
		}
		if a.Township != nil {
			tc, tn, te = a.Township.Code, a.Township.Name, a.Township.NameEn
		}
		w.Write(append(rec, dc, dn, de, tc, tn, te, zones.String(), changes.String(), rowOK, ""))
	}
	w.Flush()
	return out.Bytes(), w.Error()
}

func placeName(p *geo.Place) string {
	if p == nil {
		return "-"
	}
	return p.Name
}

// pointArity checks that the Point geometry of the GeoJSON feature raw has
// at least two coordinates: orb reads [] as (0, 0) and [106] as (106, 0).
func pointArity(raw []byte) error {
	var f struct {
		Geometry struct {
			Coordinates []json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return err
	}
	if n := len(f.Geometry.Coordinates); n < 2 {
		return fmt.Errorf("a point needs longitude and latitude, got %d numbers", n)
	}
	return nil
}
