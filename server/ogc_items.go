package server

// Selecting, paging and encoding features: the part of the items endpoint
// between parsed parameters and bytes.

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"beibeimap/geo"
	"beibeimap/geo/cql2"
)

// itemsQuery is a validated items request.
type itemsQuery struct {
	limit, offset int
	bbox          *orb.Bound
	when          geo.Interval
	props         []propertyFilter
	filter        *cql2.Expr
	crs           geo.CRS
	properties    []string // nil: all
	skipGeometry  bool
}

// parseItemsQuery validates the query parameters q of an items request on
// collection c; qs are the queryables of c. Without datetime there is no
// temporal condition (OGC API – Features Part 1): every version matches.
// A parameter given more than once counts by its first value (checkParams
// refuses it before).
func parseItemsQuery(q queryList, c *geo.Collection, qs []geo.Field) (*itemsQuery, error) {
	return parseItemsQueryCached(q, c, qs, nil)
}

// parseItemsQueryCached is parseItemsQuery taking the filter from filters
// (when not nil), the cache of the snapshot qs belong to.
func parseItemsQueryCached(q queryList, c *geo.Collection, qs []geo.Field, filters *filterCache) (*itemsQuery, error) {
	iq := &itemsQuery{}
	var err error
	if iq.limit, err = parseLimit(q.get("limit")); err != nil {
		return nil, err
	}
	if iq.offset, err = parseCursor(q.get("cursor")); err != nil {
		return nil, err
	}
	if iq.crs, err = parseCRS("crs", q.get("crs")); err != nil {
		return nil, err
	}
	if q.has("bbox-crs") && !q.has("bbox") {
		return nil, geo.Invalidf("bbox-crs", "bbox-crs needs bbox")
	}
	if q.has("bbox") {
		bc, err := parseCRS("bbox-crs", q.get("bbox-crs"))
		if err != nil {
			return nil, err
		}
		b, err := parseBBox(q.get("bbox"), bc)
		if err != nil {
			return nil, err
		}
		iq.bbox = &b
	}
	if q.has("datetime") {
		if iq.when, err = parseDatetime(q.get("datetime")); err != nil {
			return nil, err
		}
	}
	for i, p := range q {
		if slices.Contains(itemsParams, p.key) || !q.first(i) {
			continue
		}
		for _, qa := range qs {
			if qa.Name == p.key {
				pf, err := parsePropertyFilter(qa, p.value)
				if err != nil {
					return nil, err
				}
				iq.props = append(iq.props, pf)
			}
		}
	}
	if (q.has("filter-lang") || q.has("filter-crs")) && !q.has("filter") {
		return nil, geo.Invalidf("filter-lang", "filter-lang and filter-crs need filter")
	}
	if q.has("filter") {
		text, lang, crs := q.get("filter"), q.get("filter-lang"), q.get("filter-crs")
		if filters != nil {
			iq.filter, err = filters.parse(c.ID, text, lang, crs, qs)
		} else {
			iq.filter, err = parseFilter(text, lang, crs, qs)
		}
		if err != nil {
			return nil, err
		}
	}
	if q.has("properties") {
		if iq.properties, err = selectProperties(q.get("properties"), c); err != nil {
			return nil, err
		}
	}
	if iq.skipGeometry, err = parseSkipGeometry(q); err != nil {
		return nil, err
	}
	return iq, nil
}

// isQueryableParam reports whether a parameter name is one of qs, for
// checkParams.
func isQueryableParam(qs []geo.Field) func(string) bool {
	return func(name string) bool { return hasQueryable(qs, name) }
}

// selectFeatures returns every feature of c that matches iq, in collection
// order. Spatial conditions first narrow the candidates through the
// snapshot's R-tree; a filter that is only S_INTERSECTS with a point is
// answered whole from the prepared polygons (geo.Snapshot.Covering), the
// query of a click on the map.
func selectFeatures(snap *geo.Snapshot, c *geo.Collection, iq *itemsQuery) []*geo.Feature {
	var sets [2]featureSet // narrow's, at most two: bbox, then filter
	narrowed := 0
	var cand *featureSet // nil: every feature of c
	keep := func(f *geo.Feature) bool {
		return cand == nil || cand.has(f)
	}
	narrow := func(search func(fn func(*geo.Feature) bool)) {
		next := &sets[narrowed]
		narrowed++
		search(func(f *geo.Feature) bool {
			if keep(f) {
				next.add(f)
			}
			return true
		})
		cand = next
	}
	if iq.bbox != nil {
		narrow(func(fn func(*geo.Feature) bool) { snap.Intersecting(*iq.bbox, fn, c.ID) })
	}
	filter := iq.filter
	if filter != nil {
		if pt, ok := filter.IntersectsPoint(); ok {
			narrow(func(fn func(*geo.Feature) bool) { snap.Covering(pt, fn, c.ID) })
			filter = nil // the candidates are the answer
		} else if b, ok := filter.Bound(); ok {
			if b.IsEmpty() {
				return nil
			}
			narrow(func(fn func(*geo.Feature) bool) { snap.Intersecting(b, fn, c.ID) })
		}
	}
	n := len(c.Features)
	if cand != nil {
		n = cand.len()
	}
	var box orb.Geometry // iq.bbox as a geometry, converted once
	if iq.bbox != nil {
		box = *iq.bbox
	}
	out := make([]*geo.Feature, 0, min(n, 1024)) // at most n match
	seen := 0                                    // candidates met so far
	for _, f := range c.Features {
		if cand != nil && seen == n {
			break // every candidate met: the rest cannot match
		}
		if !keep(f) {
			continue
		}
		seen++
		if !f.Valid.Overlaps(iq.when) {
			continue
		}
		if box != nil && !geo.Intersects(f.Geometry, box) {
			continue
		}
		ok := true
		for _, pf := range iq.props {
			if !pf.match(f) {
				ok = false
				break
			}
		}
		if ok && filter != nil {
			ok = filter.Match(f)
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

// featureSet is a set of distinct features: an array while it is small (a
// point's candidates), a map beyond smallFeatureSet. It holds no pointer
// into itself, so that one declared in a function stays on its stack.
type featureSet struct {
	n     int // features in small, while m is nil
	small [smallFeatureSet]*geo.Feature
	m     map[*geo.Feature]bool
}

const smallFeatureSet = 16

// add adds f to the set.
func (s *featureSet) add(f *geo.Feature) {
	if s.m != nil {
		s.m[f] = true
		return
	}
	if slices.Contains(s.small[:s.n], f) {
		return
	}
	if s.n < len(s.small) {
		s.small[s.n] = f
		s.n++
		return
	}
	s.m = make(map[*geo.Feature]bool, 2*len(s.small))
	for _, g := range s.small {
		s.m[g] = true
	}
	s.m[f] = true
}

func (s *featureSet) has(f *geo.Feature) bool {
	if s.m != nil {
		return s.m[f]
	}
	return slices.Contains(s.small[:s.n], f)
}

func (s *featureSet) len() int {
	if s.m != nil {
		return len(s.m)
	}
	return s.n
}

// appendFeature appends f as a GeoJSON Feature, its geometry converted
// to crs, its properties limited to props (nil: all). extra, when set, is
// appended as further members (a links array).
func appendFeature(b []byte, f *geo.Feature, crs geo.CRS, props []string, skipGeometry bool, extra []byte) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = geo.AppendJSONString(b, f.ID)
	b = append(b, `,"geometry":`...)
	if skipGeometry {
		b = append(b, "null"...)
	} else {
		b = appendGeometry(b, f.Geometry, fromWGS84(crs))
	}
	b = append(b, `,"properties":`...)
	b = appendProperties(b, f.Properties, props)
	if extra != nil {
		b = append(append(b, ','), extra...)
	}
	return append(b, '}')
}

// appendProperties writes the properties (only those named in props, when
// not nil) as a JSON object with sorted keys, scalars written directly and
// anything nested through encoding/json.
func appendProperties(b []byte, p map[string]any, props []string) []byte {
	keys := make([]string, 0, len(p))
	for k := range p {
		if props == nil || slices.Contains(props, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = geo.AppendJSONString(b, k)
		b = append(b, ':')
		switch v := p[k].(type) {
		case nil:
			b = append(b, "null"...)
		case string:
			b = geo.AppendJSONString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		case float64:
			b = geo.AppendJSONFloat(b, v)
		default:
			b = appendJSON(b, v)
		}
	}
	return append(b, '}')
}

// appendJSON appends v as compact JSON without HTML escaping (links keep
// their & readable).
func appendJSON(b []byte, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(b, "null"...)
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// appendGeometry writes g as a GeoJSON geometry with every point converted
// by conv.
func appendGeometry(b []byte, g orb.Geometry, conv func(orb.Point) orb.Point) []byte {
	switch g := g.(type) {
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = appendPoint(b, conv(g))
	case orb.MultiPoint:
		b = append(b, `{"type":"MultiPoint","coordinates":`...)
		b = appendPoints(b, g, conv)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = appendPoints(b, g, conv)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":[`...)
		for i, l := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPoints(b, l, conv)
		}
		b = append(b, ']')
	case orb.Ring:
		return appendGeometry(b, orb.Polygon{g}, conv)
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g, conv)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPolygon(b, p, conv)
		}
		b = append(b, ']')
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, sub := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendGeometry(b, sub, conv)
		}
		b = append(b, ']')
	case orb.Bound:
		return appendGeometry(b, g.ToPolygon(), conv)
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = geo.AppendJSONFloat(b, p[0])
	b = append(b, ',')
	b = geo.AppendJSONFloat(b, p[1])
	return append(b, ']')
}

func appendPoints(b []byte, ps []orb.Point, conv func(orb.Point) orb.Point) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoint(b, conv(p))
	}
	return append(b, ']')
}

func appendPolygon(b []byte, p orb.Polygon, conv func(orb.Point) orb.Point) []byte {
	b = append(b, '[')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoints(b, r, conv)
	}
	return append(b, ']')
}

// itemsLinks returns the links of an items page: self, alternate,
// collection and, where there are more features, next and prev; and their
// Link header values, as writeLinkHeaders would make them. Their queries
// are q without f, with the changes each link makes, encoded as
// url.Values.Encode encodes (sorted keys, every value). The header values
// are built in one buffer and cut from one string, and each href is cut
// from its value: two allocations for them all, the string and the
// arrays of links and values.
func itemsLinks(b baseURL, c *geo.Collection, q queryList, iq *itemsQuery, matched int) (links []link, header []string) {
	// The parameters of q but f, cursor and limit, which links change,
	// escaped once for all links into enc, in key order, each key's values
	// in the request's.
	var pairBuf [8]queryPair
	pairs := pairBuf[:0]
	for _, p := range q {
		if p.key != "f" && p.key != "cursor" && p.key != "limit" {
			pairs = append(pairs, p)
		}
	}
	slices.SortStableFunc(pairs, func(x, y queryPair) int { return strings.Compare(x.key, y.key) })
	var encBuf [512]byte
	var keptBuf [8]keptParam
	enc, kept := encBuf[:0], keptBuf[:0]
	for i, p := range pairs {
		if i > 0 && pairs[i-1].key == p.key {
			enc = append(enc, '&')
		} else {
			kept = append(kept, keptParam{key: p.key, start: len(enc)})
		}
		enc = appendQueryEscape(append(appendQueryEscape(enc, p.key), '='), p.value)
		kept[len(kept)-1].end = len(enc)
	}
	// out holds the header values one after the other, the collection's
	// first: out[1:coll] is the collection's href, which starts the others.
	var outBuf [2048]byte
	out := appendCollectionPath(append(append(outBuf[:0], '<'), b...), c.ID)
	coll := len(out)
	collection := link{Rel: "collection", Type: mtJSON, Title: "The collection"}
	out = appendLinkParams(out, collection)
	collEnd := len(out)
	arrays := new(struct { // links and header in one allocation
		links  [5]link
		header [5]string
	})
	links = arrays.links[:0]
	var spans [5][4]int // of each link: its header value, then its href, in out
	add := func(l link, changes ...queryParam) {
		v := len(out)
		out = append(append(out, '<'), out[1:coll]...)
		out = appendQuery(append(out, "/items"...), enc, kept, changes)
		hrefEnd := len(out)
		out = appendLinkParams(out, l)
		spans[len(links)] = [4]int{v, len(out), v + 1, hrefEnd}
		links = append(links, l)
	}
	cursor, limit := queryParam{"cursor", q.values("cursor")}, queryParam{"limit", q.values("limit")}
	add(link{Rel: "self", Type: mtGeoJSON, Title: "This page"}, cursor, limit)
	add(link{Rel: "alternate", Type: mtHTML, Title: "This page as HTML"}, cursor, limit, queryParam{"f", htmlValue})
	spans[len(links)] = [4]int{0, collEnd, 1, coll}
	links = append(links, collection)
	pageLimit := func() queryParam { return queryParam{"limit", []string{strconv.Itoa(iq.limit)}} }
	if next := iq.offset + iq.limit; next < matched {
		add(link{Rel: "next", Type: mtGeoJSON, Title: "Next page"}, queryParam{"cursor", []string{strconv.Itoa(next)}}, pageLimit())
	}
	if iq.offset > 0 {
		prev := queryParam{"cursor", nil}
		if p := max(0, iq.offset-iq.limit); p > 0 {
			prev.values = []string{strconv.Itoa(p)}
		}
		add(link{Rel: "prev", Type: mtGeoJSON, Title: "Previous page"}, prev, pageLimit())
	}
	all := string(out)
	header = arrays.header[:len(links)]
	for i, sp := range spans[:len(links)] {
		header[i] = all[sp[0]:sp[1]]
		links[i].Href = all[sp[2]:sp[3]]
	}
	return links, header
}

// htmlValue is the value of f in alternate links, shared (never changed).
var htmlValue = []string{"html"}

// queryParam is one query parameter with its values; no values means
// absent.
type queryParam struct {
	key    string
	values []string
}

// keptParam is a query parameter that links keep as the request has it:
// enc[start:end] of itemsLinks holds key=value for every value, joined by
// &, both escaped as url.Values.Encode escapes them.
type keptParam struct {
	key        string
	start, end int
}

// appendQuery appends the query of the url.Values v holding kept (sorted
// by key, spans of enc) and changes (whose keys are not in kept; those
// without values are left out) as "?" and v.Encode(), or nothing when v
// would be empty, without building v.
func appendQuery(out, enc []byte, kept []keptParam, changes []queryParam) []byte {
	var chBuf [4]queryParam
	ch := chBuf[:0]
	for _, c := range changes {
		if c.values != nil {
			ch = append(ch, c)
		}
	}
	if len(kept)+len(ch) == 0 {
		return out
	}
	slices.SortFunc(ch, func(x, y queryParam) int { return strings.Compare(x.key, y.key) })
	out = append(out, '?')
	first := true
	sep := func() {
		if !first {
			out = append(out, '&')
		}
		first = false
	}
	i, j := 0, 0
	for i < len(kept) || j < len(ch) {
		if j == len(ch) || (i < len(kept) && kept[i].key < ch[j].key) {
			if k := kept[i]; k.end > k.start {
				sep()
				out = append(out, enc[k.start:k.end]...)
			}
			i++
			continue
		}
		for _, v := range ch[j].values {
			sep()
			out = appendQueryEscape(append(appendQueryEscape(out, ch[j].key), '='), v)
		}
		j++
	}
	return out
}

// appendQueryEscape appends s escaped as url.QueryEscape escapes it: ASCII
// letters, digits and -_.~ as they are, space as +, every other byte as
// %XX.
func appendQueryEscape(dst []byte, s string) []byte {
	const upperHex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&0xf])
		}
	}
	return dst
}

// appendLinks appends links as encoding/json with SetEscapeHTML(false)
// would, written directly.
func appendLinks(b []byte, links []link) []byte {
	if links == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, l := range links {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"href":`...)
		b = geo.AppendJSONString(b, l.Href)
		b = append(b, `,"rel":`...)
		b = geo.AppendJSONString(b, l.Rel)
		b = append(b, `,"type":`...)
		b = geo.AppendJSONString(b, l.Type)
		if l.Title != "" {
			b = append(b, `,"title":`...)
			b = geo.AppendJSONString(b, l.Title)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// page returns the features of the page iq asks for.
func (iq *itemsQuery) page(all []*geo.Feature) []*geo.Feature {
	if iq.offset >= len(all) {
		return nil
	}
	return all[iq.offset:min(len(all), iq.offset+iq.limit)]
}

// appendCollectionMeta appends the members of c's items pages that come
// from the collection: attribution and license, each when set, each with
// its leading comma.
func appendCollectionMeta(b []byte, c *geo.Collection) []byte {
	if c.Attribution != "" {
		b = append(b, `,"attribution":`...)
		b = geo.AppendJSONString(b, c.Attribution)
	}
	if c.License != "" {
		b = append(b, `,"license":`...)
		b = geo.AppendJSONString(b, c.License)
	}
	return b
}

// appendItemsHead appends the start of the FeatureCollection of one page
// to b: every member but the features, then the opening of "features", to
// be followed by appendPageFeatures (or a pageCache body).
func appendItemsHead(b []byte, c *geo.Collection, page []*geo.Feature, matched int, links []link, now time.Time, cache *derived) []byte {
	b = appendItemsHeadStart(b, matched, len(page))
	b = appendRFC3339(b, now.UTC(), false) // nothing in it to escape
	return appendItemsHeadEnd(b, c, links, cache)
}

// appendItemsHeadStart appends the head of an items page up to its time
// stamp: the counts, and `"timeStamp":"`.
func appendItemsHeadStart(b []byte, matched, returned int) []byte {
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, int64(matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(returned), 10)
	return append(b, `,"timeStamp":"`...)
}

// appendItemsHeadEnd appends the rest of the head of an items page after
// its time stamp: the closing quote, the collection's attribution and
// licence, the links and `,"features":[`.
func appendItemsHeadEnd(b []byte, c *geo.Collection, links []link, cache *derived) []byte {
	b = append(b, '"')
	b = cache.collectionMeta(b, c)
	b = append(b, `,"links":`...)
	b = appendLinks(b, links)
	return append(b, `,"features":[`...)
}

// appendPageFeatures appends the features of page, as iq asks for them, and
// the end of the FeatureCollection to b. encoded, when not nil, holds the
// default-view encodings (iq is then not used for the features it holds).
func appendPageFeatures(b []byte, page []*geo.Feature, iq *itemsQuery, encoded map[*geo.Feature][]byte) []byte {
	for i, f := range page {
		if i > 0 {
			b = append(b, ',')
		}
		if e, ok := encoded[f]; ok {
			b = append(b, e...)
		} else {
			b = appendFeature(b, f, iq.crs, iq.properties, iq.skipGeometry, nil)
		}
	}
	return append(b, "]}\n"...)
}

// defaultView reports whether iq asks for features as derived encodes them:
// in CRS84, with every property and the geometry.
func (iq *itemsQuery) defaultView() bool {
	return iq.crs == geo.WGS84 && iq.properties == nil && !iq.skipGeometry
}
