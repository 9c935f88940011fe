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
	address := a.Query.Address != ""
	located := !address || a.Query.Point != ""
	dst = append(dst, `{"query":{`...)
	if located {
		dst = append(dst, `"lon":`...)
		dst = AppendJSONFloat(dst, a.Query.Lon)
		dst = append(dst, `,"lat":`...)
		dst = AppendJSONFloat(dst, a.Query.Lat)
		dst = append(dst, ',')
	}
	dst = append(dst, `"crs":`...)
	crs := a.Query.CRS
	if crs == "" {
		crs = WGS84
	}
	dst = AppendJSONString(dst, string(crs))
	dst = append(dst, `,"date":"`...)
	dst = a.Query.Date.AppendFormat(dst, DateLayout)
	dst = append(dst, '"')
	if located && (crs != WGS84 || address) {
		dst = append(dst, `,"wgs84":[`...)
		dst = AppendJSONFloat(dst, round7(a.WGS84[0]))
		dst = append(dst, ',')
		dst = AppendJSONFloat(dst, round7(a.WGS84[1]))
		dst = append(dst, ']')
	}
	if address {
		dst = append(dst, `,"address":`...)
		dst = AppendJSONString(dst, a.Query.Address)
		dst = append(dst, `,"precision":`...)
		dst = appendNullable(dst, a.Query.Precision)
		dst = append(dst, `,"point":`...)
		dst = appendNullable(dst, a.Query.Point)
	}
	dst = append(dst, "},"...)
	dst = a.AppendFields(dst)
	if address {
		dst = a.appendAddressFields(dst)
	}
	return append(dst, '}')
}

// appendAddressFields appends the members of an address answer:
// "district_before" and "district_after" (arrays of districts),
// "feature" (the feature named, or null), "matched", "unmatched",
// "candidates" and "notices".
func (a *Answer) appendAddressFields(dst []byte) []byte {
	dst = append(dst, `,"district_before":`...)
	dst = appendPlaces(dst, a.DistrictBefore)
	dst = append(dst, `,"district_after":`...)
	dst = appendPlaces(dst, a.DistrictAfter)
	dst = append(dst, `,"feature":`...)
	if a.Feature == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, a.Feature.near[:len(a.Feature.near)-len(`,"distance_m":`)]...)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"matched":`...)
	dst = appendStrings(dst, a.Matched)
	dst = append(dst, `,"unmatched":`...)
	dst = appendStrings(dst, a.Unmatched)
	dst = append(dst, `,"candidates":[`...)
	for i, c := range a.Candidates {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = AppendJSONString(dst, c.Name)
		dst = append(dst, `,"code":`...)
		dst = appendNullable(dst, c.Code)
		dst = append(dst, `,"precision":`...)
		dst = AppendJSONString(dst, c.Precision)
		dst = append(dst, `,"score":`...)
		dst = AppendJSONFloat(dst, c.Score)
		dst = append(dst, `,"reason":`...)
		dst = AppendJSONString(dst, c.Reason)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"notices":`...)
	return appendStrings(dst, a.Notices)
}

func appendPlaces(dst []byte, ps []*Place) []byte {
	dst = append(dst, '[')
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, p.raw...)
	}
	return append(dst, ']')
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
