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
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// problemOutside is the problem type of an address outside the area the
// service covers; GET /problems/outside-area documents it.
const problemOutside = "/problems/outside-area"

// utf8BOM is the byte order mark Excel writes and expects in UTF-8 CSV.
const utf8BOM = "\ufeff"

// Column names as people write them in spreadsheets, folded by
// foldColumn: the address, longitude and latitude columns.
var (
	addressColumns = []string{"地址", "详细地址", "收货地址", "通讯地址", "联系地址", "住址", "地点", "位置", "address", "addr", "fulladdress", "streetaddress", "adres"}
	lonColumns     = []string{"lon", "lng", "long", "longitude", "经度", "东经", "lonwgs84", "wgs84lon"}
	latColumns     = []string{"lat", "latitude", "纬度", "北纬", "latwgs84", "wgs84lat"}
)

// foldColumn folds a column name for detection: a leading BOM, case,
// spaces, underscores, hyphens and dots dropped, and a unit in brackets
// ("经度(°)", "Longitude [deg]") cut off.
func foldColumn(h string) string {
	h = strings.TrimPrefix(h, utf8BOM)
	if i := strings.IndexAny(h, "(（[【"); i > 0 {
		h = h[:i]
	}
	var b strings.Builder
	for _, r := range h {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// sheetColumns are the columns of a table that geocoding reads; -1 for
// none.
type sheetColumns struct{ address, lon, lat int }

// detectColumns finds the address, longitude and latitude columns of a
// header row by their names (the first of each wins).
func detectColumns(header []string) sheetColumns {
	c := sheetColumns{-1, -1, -1}
	for i, h := range header {
		f := foldColumn(h)
		switch {
		case c.address < 0 && slices.Contains(addressColumns, f):
			c.address = i
		case c.lon < 0 && slices.Contains(lonColumns, f):
			c.lon = i
		case c.lat < 0 && slices.Contains(latColumns, f):
			c.lat = i
		}
	}
	return c
}

// Row statuses of a geocoding answer.
const (
	rowOK       = "ok"
	rowNotFound = "not_found"
	rowOutside  = "outside"
	rowInvalid  = "invalid"
)

// rowStatus classifies a row's error.
func rowStatus(err error) string {
	switch {
	case err == nil:
		return rowOK
	case errors.Is(err, geo.ErrOutside):
		return rowOutside
	case errors.Is(err, geo.ErrNotFound):
		return rowNotFound
	}
	return rowInvalid
}

// rowDetail is the message of a row's error safe to show: an InputError's
// detail, a fixed text otherwise.
func rowDetail(err error) string {
	var ie *geo.InputError
	if errors.As(err, &ie) {
		if ie.Param != "" && ie.Param != "address" {
			return ie.Param + ": " + ie.Detail
		}
		return ie.Detail
	}
	return "could not be looked up"
}

// geocodeParams are the query parameters of POST /geocode.
type geocodeParams struct {
	date time.Time
	crs  geo.CRS
	bom  bool
}

// parseGeocodeParams reads date, crs and bom, rejecting anything else.
func (s *Server) parseGeocodeParams(raw string) (geocodeParams, error) {
	p := geocodeParams{date: s.today(), crs: geo.WGS84}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return p, geo.Invalidf("query", "malformed query string: %v", err)
	}
	for k, vs := range v {
		if len(vs) != 1 {
			return p, geo.Invalidf(k, "given more than once; give it once")
		}
		val := vs[0]
		switch k {
		case "date":
			if p.date, err = geo.ParseDate("date", val); err != nil {
				return p, err
			}
		case "crs":
			if val != "" && val != "wgs84" {
				if p.crs, err = geo.ParseCRS("crs", val); err != nil {
					return p, err
				}
			}
			if err := (geo.Query{CRS: p.crs}).Validate(); err != nil {
				return p, err
			}
		case "bom":
			if p.bom, err = strconv.ParseBool(val); err != nil {
				return p, geo.Invalidf("bom", "must be true or false, not %q", val)
			}
		default:
			return p, geo.Invalidf(k, "unknown query parameter (allowed: date, crs, bom)")
		}
	}
	return p, nil
}

// readBatchBody checks the media type (one of allowed) and reads a
// non-empty body.
func readBatchBody(c echo.Context, allowed ...string) (string, []byte, error) {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || !slices.Contains(allowed, mt) {
		return "", nil, errStatus(http.StatusUnsupportedMediaType, "Content-Type", "send %s", strings.Join(allowed, " or "))
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return "", nil, err // the body limit: 413
		}
		return "", nil, geo.Invalidf("body", "could not be read: %v", err)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(body, []byte(utf8BOM)))) == 0 {
		return "", nil, geo.Invalidf("body", "is empty; send the rows to geocode")
	}
	return mt, body, nil
}

// handleGeocode answers POST /geocode: a CSV table (text/csv) or a JSON
// array (application/json) of addresses or coordinates, at most MaxBatch
// rows, each answered in input order with its own status and error.
func (s *Server) handleGeocode(c echo.Context) error {
	p, err := s.parseGeocodeParams(c.Request().URL.RawQuery)
	if err != nil {
		return err
	}
	mt, body, err := readBatchBody(c, mediaCSV, mediaJSON)
	if err != nil {
		return err
	}
	ds, err := s.dataset()
	if err != nil {
		return err
	}
	g := geocoder{loc: ds.Locator, p: p}
	var out []byte
	if mt == mediaCSV {
		if out, err = g.csv(body); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, mediaCSV+"; charset=utf-8", out)
	}
	if out, err = g.json(body); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, mediaJSON, out)
}

// geocoder answers the rows of one batch.
type geocoder struct {
	loc *geo.Locator
	p   geocodeParams
	a   geo.Answer
}

// row answers one row: an address when it is not blank, else lon/lat.
func (g *geocoder) row(address, lon, lat string, hasAddress bool) error {
	if hasAddress {
		return g.loc.LocateAddress(address, g.p.date, &g.a)
	}
	x, err := parseCoordinate("lon", lon)
	if err != nil {
		return err
	}
	y, err := parseCoordinate("lat", lat)
	if err != nil {
		return err
	}
	return g.loc.Locate(geo.Query{Lon: x, Lat: y, CRS: g.p.crs, Date: g.p.date}, &g.a)
}

// geocodeCSVColumns are the columns the CSV answer adds to each row.
var geocodeCSVColumns = []string{"status", "error", "precision", "district_code", "district", "district_en", "district_before", "district_after",
	"township_code", "township", "township_en", "township_accuracy", "lon", "lat", "matched", "unmatched", "notices"}

// csv answers a CSV table with a header row naming an address column or
// lon and lat columns (detectColumns). Every input column is kept; a row
// that cannot be answered says so in its status and error columns.
func (g *geocoder) csv(body []byte) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte(utf8BOM))
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, geo.Invalidf("body", "is not CSV with a header row: %v", err)
	}
	header = append([]string(nil), header...)
	cols := detectColumns(header)
	if cols.address < 0 && (cols.lon < 0 || cols.lat < 0) {
		return nil, geo.Invalidf("body", "the CSV header needs an address column (地址, address, …) or longitude and latitude columns (经度/纬度, lon/lat, lng, longitude/latitude, …), got %q", header)
	}
	var out bytes.Buffer
	out.Grow(len(body) * 3)
	if g.p.bom {
		out.WriteString(utf8BOM)
	}
	w := csv.NewWriter(&out)
	w.Write(append(header, geocodeCSVColumns...))
	cells := make([]string, 0, len(header)+len(geocodeCSVColumns))
	for n := 0; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if n == MaxBatch {
			return nil, tooMany(n + 1)
		}
		cells = cells[:0]
		var rowErr error
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, geo.Invalidf("body", "bad CSV: %v", err)
			}
			rowErr = geo.Invalidf("", "line %d is not valid CSV: %v", pe.Line, pe.Err)
		} else {
			cells = append(cells, rec...)
			rowErr = g.row(cell(rec, cols.address), cell(rec, cols.lon), cell(rec, cols.lat), strings.TrimSpace(cell(rec, cols.address)) != "" || cols.lon < 0)
		}
		// The answer is a rectangle: short rows are padded, the cells of
		// long ones beyond the header dropped.
		for len(cells) < len(header) {
			cells = append(cells, "")
		}
		cells = cells[:len(header)]
		cells = g.appendCells(cells, rowErr)
		w.Write(cells)
	}
	w.Flush()
	return out.Bytes(), w.Error()
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// appendCells appends the answer columns of one row (geocodeCSVColumns).
func (g *geocoder) appendCells(cells []string, err error) []string {
	if err != nil {
		cells = append(cells, rowStatus(err), rowDetail(err))
		for range geocodeCSVColumns[2:] {
			cells = append(cells, "")
		}
		return cells
	}
	a := &g.a
	var dc, dn, de, tc, tn, te, ta, lon, lat string
	if a.District != nil {
		dc, dn, de = a.District.Code, a.District.Name, a.District.NameEn
	}
	if a.Township != nil {
		tc, tn, te, ta = a.Township.Code, a.Township.Name, a.Township.NameEn, a.Township.Accuracy
	}
	if a.Query.Address == "" || a.Query.Point != "" {
		lon = strconv.FormatFloat(a.WGS84[0], 'f', 7, 64)
		lat = strconv.FormatFloat(a.WGS84[1], 'f', 7, 64)
	}
	prec := a.Query.Precision
	if a.Query.Address == "" {
		prec = "point"
	}
	return append(cells, rowOK, "", prec, dc, dn, de, placeNames(a.DistrictBefore), placeNames(a.DistrictAfter),
		tc, tn, te, ta, lon, lat, strings.Join(a.Matched, "; "), strings.Join(a.Unmatched, "; "), strings.Join(a.Notices, "; "))
}

func placeNames(ps []*geo.Place) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Name)
	}
	return b.String()
}

// json answers a JSON array whose elements are address strings or objects
// with an address member or lon and lat members (names as detectColumns
// finds them), with an array of {"input", "status", "error", "answer"}
// in the same order.
func (g *geocoder) json(body []byte) ([]byte, error) {
	var rows []json.RawMessage
	if err := json.Unmarshal(body, &rows); err != nil {
		return nil, geo.Invalidf("body", "is not a JSON array of addresses or of objects with an address or lon and lat: %v", err)
	}
	if len(rows) > MaxBatch {
		return nil, tooMany(len(rows))
	}
	out := make([]byte, 0, 1024*len(rows)+2)
	out = append(out, '[')
	for i, raw := range rows {
		if i > 0 {
			out = append(out, ',')
		}
		err := g.jsonRow(raw)
		out = append(out, `{"input":`...)
		out = append(out, bytes.TrimSpace(raw)...)
		out = append(out, `,"status":`...)
		out = geo.AppendJSONString(out, rowStatus(err))
		out = append(out, `,"error":`...)
		if err != nil {
			out = geo.AppendJSONString(out, rowDetail(err))
			out = append(out, `,"answer":null}`...)
			continue
		}
		out = append(out, `null,"answer":`...)
		out = g.a.AppendJSON(out)
		out = append(out, '}')
	}
	return append(out, ']'), nil
}

// jsonRow answers one element of a JSON batch.
func (g *geocoder) jsonRow(raw json.RawMessage) error {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return g.row(text, "", "", true)
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return geo.Invalidf("", "is neither an address string nor an object")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	// Map iteration order is random: sort so that the first matching key
	// is always the same.
	slices.Sort(keys)
	cols := detectColumns(keys)
	str := func(i int) string {
		if i < 0 {
			return ""
		}
		switch v := obj[keys[i]].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	if cols.address < 0 && (cols.lon < 0 || cols.lat < 0) {
		return geo.Invalidf("", "has no address member nor lon and lat members")
	}
	addr := str(cols.address)
	return g.row(addr, str(cols.lon), str(cols.lat), strings.TrimSpace(addr) != "" || cols.lon < 0)
}

// handleSuggest answers GET /geocode/suggest?q=[&limit=]: up to limit
// (default 8, at most 20) names of Chongqing — units, villages, former and
// informal names, features of the layers — that the text reads as or
// begins, best first, for the map page's search box.
func (s *Server) handleSuggest(c echo.Context) error {
	v, err := url.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return geo.Invalidf("query", "malformed query string: %v", err)
	}
	limit := 8
	for k, vs := range v {
		switch {
		case len(vs) != 1:
			return geo.Invalidf(k, "given more than once; give it once")
		case k == "q":
		case k == "limit":
			if limit, err = strconv.Atoi(vs[0]); err != nil || limit < 1 || limit > 20 {
				return geo.Invalidf("limit", "must be an integer in [1, 20]")
			}
		default:
			return geo.Invalidf(k, "unknown query parameter (allowed: q, limit)")
		}
	}
	ds, err := s.dataset()
	if err != nil {
		return err
	}
	sug, err := ds.Locator.Gazetteer().Suggest(v.Get("q"), limit)
	if err != nil {
		return err
	}
	if sug == nil {
		sug = []geo.Suggestion{}
	}
	return c.JSON(http.StatusOK, sug)
}

// handleProblemOutside documents the problem type problemOutside.
func (s *Server) handleProblemOutside(c echo.Context) error {
	return c.String(http.StatusOK, fmt.Sprintf("%s: the address names a place outside the area this service covers (重庆市). "+
		"The problem's detail names what was recognised (for example 北京市 朝阳区); the service answers for Chongqing only.\n", problemOutside))
}
