package geo

import (
	"math"
	"strconv"
)

// This file is the wire format of a lookup answer, the body of GET /lookup.

// AppendJSON appends the answer's JSON object to dst: "query" (lon, lat,
// crs, date, and "wgs84" [lon, lat] when the CRS is not WGS84 or the query
// was an address, "address" for address queries), "district" and
// "township" (null when none), "zones", "changes", "nearby" (arrays, empty
// when there is nothing), and for address lookups "matched" and "notices".
func (a *Answer) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"query":{"lon":`...)
	dst = AppendJSONFloat(dst, a.Query.Lon)
	dst = append(dst, `,"lat":`...)
	dst = AppendJSONFloat(dst, a.Query.Lat)
	dst = append(dst, `,"crs":`...)
	crs := a.Query.CRS
	if crs == "" {
		crs = WGS84
	}
	dst = AppendJSONString(dst, string(crs))
	dst = append(dst, `,"date":"`...)
	dst = a.Query.Date.AppendFormat(dst, DateLayout)
	dst = append(dst, '"')
	if crs != WGS84 || a.Query.Address != "" {
		dst = append(dst, `,"wgs84":[`...)
		dst = AppendJSONFloat(dst, round7(a.WGS84[0]))
		dst = append(dst, ',')
		dst = AppendJSONFloat(dst, round7(a.WGS84[1]))
		dst = append(dst, ']')
	}
	if a.Query.Address != "" {
		dst = append(dst, `,"address":`...)
		dst = AppendJSONString(dst, a.Query.Address)
	}
	dst = append(dst, "},"...)
	dst = a.AppendFields(dst)
	if a.Query.Address != "" {
		dst = append(dst, `,"matched":`...)
		dst = appendStrings(dst, a.Matched)
		dst = append(dst, `,"notices":`...)
		dst = appendStrings(dst, a.Notices)
	}
	return append(dst, '}')
}

// AppendFields appends the members "district", "township", "zones",
// "changes" and "nearby" of the answer's JSON object to dst, without
// braces, so that callers can merge them into another object (the
// properties of a GeoJSON feature).
func (a *Answer) AppendFields(dst []byte) []byte {
	dst = append(dst, `"district":`...)
	dst = appendPlace(dst, a.District)
	dst = append(dst, `,"township":`...)
	dst = appendPlace(dst, a.Township)
	dst = append(dst, `,"zones":[`...)
	for i, z := range a.Zones {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, z.raw...)
	}
	dst = append(dst, `],"changes":[`...)
	for i, c := range a.Changes {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"date":"`...)
		dst = c.Date.AppendFormat(dst, DateLayout)
		dst = append(dst, `","from":`...)
		dst = appendPlaceName(dst, c.From)
		dst = append(dst, `,"to":`...)
		dst = appendPlaceName(dst, c.To)
		dst = append(dst, `,"basis":`...)
		dst = AppendJSONString(dst, c.Basis)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"nearby":[`...)
	for i, n := range a.Nearby {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, n.Place.near...)
		dst = strconv.AppendInt(dst, int64(math.Round(n.Meters)), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (a *Answer) MarshalJSON() ([]byte, error) { return a.AppendJSON(nil), nil }

func appendPlace(dst []byte, p *Place) []byte {
	if p == nil {
		return append(dst, "null"...)
	}
	return append(dst, p.raw...)
}

func appendPlaceName(dst []byte, p *Place) []byte {
	if p == nil {
		return append(dst, "null"...)
	}
	return AppendJSONString(dst, p.Name)
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, s)
	}
	return append(dst, ']')
}

// round7 rounds a degree value to 1e-7 (about 1 cm).
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

func appendNullable(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return AppendJSONString(dst, s)
}
