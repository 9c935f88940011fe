package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// This file is the AMap-compatible face of the service: the two geocoding
// routes of AMap's web-service API (restapi.amap.com/v3/geocode/geo and
// /v3/geocode/regeo, documented at
// https://lbs.amap.com/api/webservice/guide/api/georegeo) answered in
// AMap's JSON shape with the 2026 layout, so that client code written for
// AMap works by changing its base URL. README.md lists the divergences.

// AMap's answer vocabulary.
const (
	amapOK            = "10000"
	amapInvalidParams = "20000"
	amapMissingParams = "20001"
	amapCountry       = "中国"
	amapProvince      = "重庆市"
	amapCityCode      = "023" // the telephone area code of Chongqing, AMap's citycode
	amapMaxBatch      = 10    // AMap's limit for batch=true
)

// amapLevels maps an answer's precision to AMap's match level (the list of
// https://lbs.amap.com/news/geocoder_api, 2023-12-07).
var amapLevels = map[string]string{
	geo.PrecisionProvince: "省",
	geo.PrecisionCity:     "市",
	geo.PrecisionDistrict: "区县",
	geo.PrecisionTownship: "乡镇",
	geo.PrecisionVillage:  "村庄",
	geo.PrecisionPOI:      "兴趣点",
	geo.PrecisionZone:     "开发区",
	geo.PrecisionCorridor: "未知",
}

// amapEmpty is AMap's empty value: an empty array, never null or "".
var amapEmpty = []string{}

// amapNames is AMap's {"name": [], "type": []} pair of neighborhood and
// building.
type amapNames struct {
	Name any `json:"name"`
	Type any `json:"type"`
}

// amapString returns s, or AMap's empty array for "".
func amapString(s string) any {
	if s == "" {
		return amapEmpty
	}
	return s
}

// amapError answers AMap's error shape: HTTP 200 (AMap's own status for
// errors, which its clients rely on) with status "0".
func amapError(c echo.Context, info, code string) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "0", "info": info, "infocode": code})
}

// amapParams reads an AMap query string: the parameters named in want,
// "output" (JSON only) and "date" (an extension: the layout of that day),
// ignoring the others AMap clients send (key, sig, callback-less SDK
// parameters), as AMap does. It returns AMap's info and infocode for bad
// input.
func (s *Server) amapParams(c echo.Context, want ...string) (url.Values, time.Time, string, string) {
	v, err := url.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return nil, time.Time{}, "INVALID_PARAMS", amapInvalidParams
	}
	if o := v.Get("output"); o != "" && !strings.EqualFold(o, "json") {
		return nil, time.Time{}, "INVALID_PARAMS", amapInvalidParams
	}
	if v.Get("callback") != "" {
		return nil, time.Time{}, "INVALID_PARAMS", amapInvalidParams // JSONP is not served
	}
	for _, k := range want {
		if strings.TrimSpace(v.Get(k)) == "" {
			return nil, time.Time{}, "MISSING_REQUIRED_PARAMS", amapMissingParams
		}
	}
	date := s.today()
	if d := v.Get("date"); d != "" {
		if date, err = geo.ParseDate("date", d); err != nil {
			return nil, time.Time{}, "INVALID_PARAMS", amapInvalidParams
		}
	}
	return v, date, "", ""
}

// townCode12 returns AMap's 12-digit towncode of a 9-digit NBS code.
func townCode12(code string) string {
	if len(code) == 9 {
		return code + "000"
	}
	return code
}

// amapPlace is the district, township and formatted address of an answer.
type amapPlace struct {
	district, adcode, township, towncode, formatted string
}

func amapPlaceOf(a *geo.Answer) amapPlace {
	var p amapPlace
	parts := []string{amapProvince}
	if a.District != nil {
		p.district, p.adcode = a.District.Name, a.District.Code
		parts = append(parts, a.District.Name)
	}
	if a.Township != nil {
		p.township, p.towncode = a.Township.Name, townCode12(a.Township.Code)
		parts = append(parts, a.Township.Name)
	}
	p.formatted = strings.Join(parts, "")
	return p
}

// handleAMapGeo answers GET /v3/geocode/geo?address=[&city=][&batch=] in
// AMap's shape: "geocodes" lists the address read (count "0" and no
// geocode for an address outside Chongqing or not recognised, as AMap
// answers an address it cannot place). With batch=true, address holds up
// to 10 addresses separated by "|", answered in order.
func (s *Server) handleAMapGeo(c echo.Context) error {
	v, date, info, code := s.amapParams(c, "address")
	if code != "" {
		return amapError(c, info, code)
	}
	ds, err := s.dataset()
	if err != nil {
		return err
	}
	texts := []string{v.Get("address")}
	if b := v.Get("batch"); strings.EqualFold(b, "true") {
		texts = strings.Split(v.Get("address"), "|")
		if len(texts) > amapMaxBatch {
			return amapError(c, "INVALID_PARAMS", amapInvalidParams)
		}
	}
	if city := strings.TrimSpace(v.Get("city")); city != "" && !amapCityIsChongqing(city) {
		// A search restricted to another city finds nothing here.
		texts = nil
	}
	geocodes := []map[string]any{}
	var a geo.Answer
	for _, t := range texts {
		if err := ds.Locator.LocateAddress(t, date, &a); err != nil {
			if errors.Is(err, geo.ErrNotFound) || errors.Is(err, geo.ErrInvalid) {
				continue
			}
			return err
		}
		p := amapPlaceOf(&a)
		location := any(amapEmpty)
		if a.Query.Point != "" {
			g := geo.WGS84ToGCJ02(a.WGS84)
			location = strconv.FormatFloat(g[0], 'f', 6, 64) + "," + strconv.FormatFloat(g[1], 'f', 6, 64)
		}
		township := amapEmpty
		if p.township != "" {
			township = []string{p.township}
		}
		level := amapLevels[a.Query.Precision]
		if level == "" {
			level = "未知"
		}
		geocodes = append(geocodes, map[string]any{
			"formatted_address": p.formatted,
			"country":           amapCountry,
			"province":          amapProvince,
			"citycode":          amapCityCode,
			"city":              amapEmpty,
			"district":          amapString(p.district),
			"township":          township,
			"neighborhood":      amapNames{amapEmpty, amapEmpty},
			"building":          amapNames{amapEmpty, amapEmpty},
			"adcode":            amapString(p.adcode),
			"street":            amapEmpty,
			"number":            amapEmpty,
			"location":          location,
			"level":             level,
		})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"status": "1", "info": "OK", "infocode": amapOK,
		"count": strconv.Itoa(len(geocodes)), "geocodes": geocodes,
	})
}

// amapCityIsChongqing reports whether AMap's city parameter (a name, its
// pinyin, the citycode or the adcode) names Chongqing.
func amapCityIsChongqing(city string) bool {
	switch strings.ToLower(strings.TrimSpace(city)) {
	case "重庆", "重庆市", "chongqing", amapCityCode, "500000", "500100":
		return true
	}
	return false
}

// handleAMapRegeo answers GET /v3/geocode/regeo?location=lon,lat (GCJ-02,
// as AMap takes it) in AMap's shape, with the district and township of
// the 2026 layout. A point outside the data's districts answers AMap's
// empty components.
func (s *Server) handleAMapRegeo(c echo.Context) error {
	v, date, info, code := s.amapParams(c, "location")
	if code != "" {
		return amapError(c, info, code)
	}
	if strings.EqualFold(v.Get("batch"), "true") || strings.Contains(v.Get("location"), "|") {
		return amapError(c, "INVALID_PARAMS", amapInvalidParams) // batch regeo is not served
	}
	lonS, latS, ok := strings.Cut(v.Get("location"), ",")
	lon, err1 := strconv.ParseFloat(strings.TrimSpace(lonS), 64)
	lat, err2 := strconv.ParseFloat(strings.TrimSpace(latS), 64)
	if !ok || err1 != nil || err2 != nil {
		return amapError(c, "INVALID_PARAMS", amapInvalidParams)
	}
	ds, err := s.dataset()
	if err != nil {
		return err
	}
	var a geo.Answer
	if err := ds.Locator.Locate(geo.Query{Lon: lon, Lat: lat, CRS: geo.GCJ02, Date: date}, &a); err != nil {
		return amapError(c, "INVALID_PARAMS", amapInvalidParams)
	}
	comp := map[string]any{
		"country": amapEmpty, "province": amapEmpty, "city": amapEmpty, "citycode": amapEmpty,
		"district": amapEmpty, "adcode": amapEmpty, "township": amapEmpty, "towncode": amapEmpty,
		"neighborhood":  amapNames{amapEmpty, amapEmpty},
		"building":      amapNames{amapEmpty, amapEmpty},
		"streetNumber":  map[string]any{"street": amapEmpty, "number": amapEmpty, "direction": amapEmpty, "distance": amapEmpty},
		"businessAreas": []any{amapEmpty},
	}
	formatted := any(amapEmpty)
	if a.District != nil {
		p := amapPlaceOf(&a)
		comp["country"], comp["province"], comp["citycode"] = amapCountry, amapProvince, amapCityCode
		comp["district"], comp["adcode"] = p.district, amapString(p.adcode)
		comp["township"], comp["towncode"] = amapString(p.township), amapString(p.towncode)
		formatted = p.formatted
	}
	return c.JSON(http.StatusOK, map[string]any{
		"status": "1", "info": "OK", "infocode": amapOK,
		"regeocode": map[string]any{"formatted_address": formatted, "addressComponent": comp},
	})
}
