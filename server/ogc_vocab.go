package server

// OGC API – Features vocabulary: media types, conformance classes, CRS
// identifiers, links and the documents of the landing page, conformance,
// collections and queryables. Nothing here touches HTTP: documents are
// built from a base URL and the data snapshot, so the same builders serve
// JSON, HTML and the golden tests.

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"beibeimap/geo"
)

// Media types of the OGC API.
const (
	mtJSON    = "application/json"
	mtGeoJSON = "application/geo+json"
	mtOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	mtSchema  = "application/schema+json"
	mtHTML    = "text/html"
)

// crsCRS84 is the storage CRS of every collection.
var crsCRS84 = geo.WGS84.URI()

// conformance lists the conformance classes the server implements.
var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
}

// Paging limits of the items endpoint.
const (
	defaultLimit = 100
	maxLimit     = 10000
)

// serviceTitle and serviceDescription head the landing page.
const (
	serviceTitle       = "beibeimap"
	serviceDescription = "OGC API – Features of the 2026 redrawing of Beibei district, Chongqing: districts, townships, seats, planning zones, projects and corridors, with every version of a changed boundary reachable by date."
)

// versionNote is appended to every collection description.
const versionNote = "Versions: each feature carries valid_from and valid_to (inclusive dates; null is an open end). Items without datetime give every version (as OGC API – Features Part 1 says); datetime=2025-06-01 gives the layout in force on that day, datetime=../.. every version."

// link is a web link of an OGC API document.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
}

// docLink is a link of the collection documents, which may give the byte
// length of its target (the length member of the OGC link schema).
type docLink struct {
	link
	// Length is the byte length of the target, 0 when unknown (omitted).
	Length int64 `json:"length,omitempty"`
}

// docLinks turns links into docLinks of unknown length.
func docLinks(links ...link) []docLink {
	out := make([]docLink, len(links))
	for i, l := range links {
		out[i].link = l
	}
	return out
}

// plainLinks drops the lengths of links (the HTML pages do not show them).
func plainLinks(links []docLink) []link {
	out := make([]link, len(links))
	for i, l := range links {
		out[i] = l.link
	}
	return out
}

// baseURL is the absolute URL of the API root as the client sees it,
// without a trailing slash ("https://example.org/beibei").
type baseURL string

// at returns the absolute URL of path (which starts with "/") with query.
func (b baseURL) at(path string, query url.Values) string {
	s := string(b) + path
	if len(query) > 0 {
		s += "?" + query.Encode()
	}
	return s
}

func collectionPath(id string) string { return string(appendCollectionPath(nil, id)) }

// appendCollectionPath appends the path of collection id to dst.
func appendCollectionPath(dst []byte, id string) []byte {
	return append(append(dst, "/collections/"...), url.PathEscape(id)...)
}

func featurePath(coll, id string) string {
	return collectionPath(coll) + "/items/" + url.PathEscape(id)
}

// landingDoc is the landing page.
type landingDoc struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

func buildLanding(b baseURL) landingDoc {
	return landingDoc{
		Title:       serviceTitle,
		Description: serviceDescription,
		Links: []link{
			{b.at("/", nil), "self", mtJSON, "This document"},
			{b.at("/", url.Values{"f": {"html"}}), "alternate", mtHTML, "This document as HTML"},
			{b.at("/api", nil), "service-desc", mtOpenAPI, "The API definition (OpenAPI 3.0)"},
			{b.at("/api", url.Values{"f": {"html"}}), "service-doc", mtHTML, "The API documentation"},
			{b.at("/conformance", nil), "conformance", mtJSON, "Conformance classes implemented"},
			{b.at("/collections", nil), "data", mtJSON, "Collections"},
			{b.at("/map/", nil), "alternate", mtHTML, "Map"},
		},
	}
}

// conformanceDoc is the conformance declaration.
type conformanceDoc struct {
	ConformsTo []string `json:"conformsTo"`
}

// extentDoc is the extent of a collection.
type extentDoc struct {
	Spatial struct {
		Bbox [][]float64 `json:"bbox"`
		Crs  string      `json:"crs"`
	} `json:"spatial"`
	Temporal struct {
		Interval [][]*string `json:"interval"`
		Trs      string      `json:"trs"`
	} `json:"temporal"`
}

// collectionDoc describes one collection.
type collectionDoc struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Attribution string     `json:"attribution,omitempty"`
	License     string     `json:"license,omitempty"`
	Extent      *extentDoc `json:"extent,omitempty"`
	ItemType    string     `json:"itemType"`
	Crs         []string   `json:"crs"`
	StorageCrs  string     `json:"storageCrs"`
	Links       []docLink  `json:"links"`
}

// collectionsDoc lists the collections.
type collectionsDoc struct {
	Links       []docLink       `json:"links"`
	Collections []collectionDoc `json:"collections"`
}

func collectionDescription(c *geo.Collection) string {
	d := strings.TrimSpace(c.Description)
	if d == "" {
		return versionNote
	}
	return d + " " + versionNote
}

// buildCollection returns the document of collection c. Its enclosure
// links to the downloads carry the lengths that fs (the downloadFiles of
// the snapshot, or nil) knows. The GeoJSON enclosure carries none: that
// answer holds the time of the request (timeStamp) and links on the base
// URL the client sees, so its length is not one number per snapshot.
func buildCollection(b baseURL, c *geo.Collection, fs *downloadFiles) collectionDoc {
	p := collectionPath(c.ID)
	d := collectionDoc{
		ID:          c.ID,
		Title:       c.Title,
		Description: collectionDescription(c),
		Attribution: c.Attribution,
		License:     c.License,
		ItemType:    "feature",
		Crs:         geo.CRSURIs(),
		StorageCrs:  crsCRS84,
		Links: docLinks(
			link{b.at(p, nil), "self", mtJSON, "This collection"},
			link{b.at(p, url.Values{"f": {"html"}}), "alternate", mtHTML, "This collection as HTML"},
			link{b.at(p+"/items", nil), "items", mtGeoJSON, "Features, every version"},
			link{b.at(p+"/items", url.Values{"f": {"html"}}), "items", mtHTML, "Features as HTML"},
			link{b.at(p+"/queryables", nil), "http://www.opengis.net/def/rel/ogc/1.0/queryables", mtSchema, "Queryable properties"},
			link{b.at(p+"/items", url.Values{"datetime": {"../.."}, "limit": {strconv.Itoa(maxLimit)}}), "enclosure", mtGeoJSON, "Every feature and version of the collection"},
		),
	}
	d.Links = append(d.Links, downloadLinks(b, c, fs)...)
	if len(c.Features) > 0 {
		bound, iv := c.Extent()
		e := &extentDoc{}
		e.Spatial.Bbox = [][]float64{{round7(bound.Min[0]), round7(bound.Min[1]), round7(bound.Max[0]), round7(bound.Max[1])}}
		e.Spatial.Crs = crsCRS84
		e.Temporal.Interval = temporalIntervals(c, iv)
		e.Temporal.Trs = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
		d.Extent = e
	}
	return d
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// maxIntervals bounds the precise intervals listed after the overall one,
// so that a layer with a date per feature keeps a short document.
const maxIntervals = 16

// temporalIntervals returns the temporal extent of c: first overall, the
// span of every feature's validity, then, when there are between two and
// maxIntervals of them, the distinct validity intervals of the features
// (open start first, then by start and end), each other than overall. The
// inclusive calendar dates of the data become RFC 3339 date-times in China
// time: a start at 00:00:00+08:00, an end at 23:59:59+08:00; null is an
// open end.
func temporalIntervals(c *geo.Collection, overall geo.Interval) [][]*string {
	out := [][]*string{intervalDoc(overall)}
	var distinct []geo.Interval
	for _, f := range c.Features {
		if !slices.Contains(distinct, f.Valid) {
			distinct = append(distinct, f.Valid)
		}
		if len(distinct) > maxIntervals {
			return out
		}
	}
	if len(distinct) < 2 {
		return out
	}
	slices.SortFunc(distinct, func(a, b geo.Interval) int {
		if c := compareEnd(a.From, b.From, -1); c != 0 {
			return c
		}
		return compareEnd(a.To, b.To, 1)
	})
	for _, iv := range distinct {
		if iv != overall {
			out = append(out, intervalDoc(iv))
		}
	}
	return out
}

// compareEnd compares two interval ends; a zero time (open) sorts as open
// (-1: before every date, 1: after).
func compareEnd(a, b time.Time, open int) int {
	switch {
	case a.Equal(b):
		return 0
	case a.IsZero():
		return open
	case b.IsZero():
		return -open
	}
	return a.Compare(b)
}

func intervalDoc(iv geo.Interval) []*string {
	return []*string{dateTimeOrNil(iv.From, "T00:00:00+08:00"), dateTimeOrNil(iv.To, "T23:59:59+08:00")}
}

func dateTimeOrNil(t time.Time, clock string) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(geo.DateLayout) + clock
	return &s
}

// buildCollections returns the list of the collections of snap, with the
// download lengths that fs knows (see buildCollection).
func buildCollections(b baseURL, snap *geo.Snapshot, fs *downloadFiles) collectionsDoc {
	d := collectionsDoc{
		Links: docLinks(
			link{b.at("/collections", nil), "self", mtJSON, "This document"},
			link{b.at("/collections", url.Values{"f": {"html"}}), "alternate", mtHTML, "This document as HTML"},
		),
		Collections: []collectionDoc{},
	}
	d.Links = append(d.Links, datasetLinks(b, fs)...)
	for _, c := range snap.Collections() {
		d.Collections = append(d.Collections, buildCollection(b, c, fs))
	}
	return d
}

// geometryNames are the names under which filters may refer to the
// geometry of a feature.
var geometryNames = []string{"geometry", "geom"}

// buildQueryables returns the JSON Schema of the queryables qs of c.
func buildQueryables(b baseURL, c *geo.Collection, qs []geo.Field) map[string]any {
	props := map[string]any{
		"geometry": map[string]any{
			"title":  "Geometry (also \"geom\" in filters)",
			"format": "geometry-any",
		},
	}
	for _, q := range qs {
		p := map[string]any{"title": q.Name, "type": q.Type}
		if q.Format != "" {
			p["format"] = q.Format
		}
		props[q.Name] = p
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  b.at(collectionPath(c.ID)+"/queryables", nil),
		"type":                 "object",
		"title":                c.Title,
		"properties":           props,
		"additionalProperties": false,
	}
}
