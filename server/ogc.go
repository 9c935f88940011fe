package server

// Handlers of the OGC API – Features endpoints (Parts 1, 2 and 3). Each
// parses and validates, builds a document from ogc_vocab.go or selects
// features with ogc_items.go, and writes JSON or HTML.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

var onlyF = []string{"f"}

// handleLanding serves the landing page.
func (s *Server) handleLanding(c echo.Context) error {
	_, f, b, done, err := s.preamble(c, onlyF, nil)
	if err != nil || done {
		return err
	}
	doc := buildLanding(b)
	if f == fHTML {
		return s.renderHTML(c, "landing", pageData{Title: doc.Title, Base: b, Links: doc.Links, Doc: doc})
	}
	return writeJSON(c, mtJSON, doc)
}

// handleAPI serves the OpenAPI 3.0 definition, or its HTML rendering.
func (s *Server) handleAPI(c echo.Context) error {
	snap, f, b, done, err := s.preamble(c, onlyF, nil)
	if err != nil || done {
		return err
	}
	doc := buildOpenAPI(b, snap)
	if f == fHTML {
		return s.renderHTML(c, "api", pageData{Title: "API definition", Base: b, Doc: apiPage(doc)})
	}
	return writeJSON(c, mtOpenAPI, doc)
}

// handleConformance serves the conformance declaration.
func (s *Server) handleConformance(c echo.Context) error {
	_, f, b, done, err := s.preamble(c, onlyF, nil)
	if err != nil || done {
		return err
	}
	doc := conformanceDoc{ConformsTo: conformance}
	if f == fHTML {
		return s.renderHTML(c, "conformance", pageData{Title: "Conformance", Base: b, Doc: doc})
	}
	return writeJSON(c, mtJSON, doc)
}

// handleCollections lists the collections.
func (s *Server) handleCollections(c echo.Context) error {
	snap, f, b, done, err := s.preambleVariant(c, onlyF, nil, s.downloadsVariant)
	if err != nil || done {
		return err
	}
	doc := buildCollections(b, snap, s.downloadsFor(snap))
	if f == fHTML {
		return s.renderHTML(c, "collections", pageData{Title: "Collections", Base: b, Links: plainLinks(doc.Links), Doc: doc})
	}
	return writeJSON(c, mtJSON, doc)
}

// handleCollection describes one collection.
func (s *Server) handleCollection(c echo.Context) error {
	snap, f, b, done, err := s.preambleVariant(c, onlyF, nil, s.downloadsVariant)
	if err != nil || done {
		return err
	}
	col, err := collectionParam(c, snap)
	if err != nil {
		return err
	}
	doc := buildCollection(b, col, s.downloadsFor(snap))
	if f == fHTML {
		return s.renderHTML(c, "collection", pageData{Title: doc.Title, Base: b, Links: plainLinks(doc.Links), Doc: doc})
	}
	return writeJSON(c, mtJSON, doc)
}

// handleQueryables serves the JSON Schema of a collection's queryables.
func (s *Server) handleQueryables(c echo.Context) error {
	snap, f, b, done, err := s.preamble(c, onlyF, nil)
	if err != nil || done {
		return err
	}
	col, err := collectionParam(c, snap)
	if err != nil {
		return err
	}
	if f == fHTML {
		return s.renderHTML(c, "queryables", pageData{Title: "Queryables of " + col.Title, Base: b, Doc: queryablesPage{Collection: col, Queryables: snap.Fields(col.ID)}})
	}
	return writeJSON(c, mtSchema, buildQueryables(b, col, snap.Fields(col.ID)))
}

// handleItems serves a page of the features of a collection.
func (s *Server) handleItems(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	col, err := collectionParam(c, snap)
	if err != nil {
		return err
	}
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	cache := s.derivedFor(snap)
	b := baseURL(s.requestBase(c))
	// One clock read for the entity tag's day and the page's timeStamp.
	now := s.cfg.Now()
	day := geo.ChinaDate(now)
	u := c.Request().URL
	key := answerKey{path: u.EscapedPath(), base: string(b), query: u.RawQuery}
	if f == fJSON {
		if a := cache.answers.get(key, day); a != nil {
			s.metrics.answerHit.Inc()
			return s.sendAnswer(c, a, now)
		}
		s.metrics.answerMiss.Inc()
	}
	qs := snap.Fields(col.ID)
	var pairs [8]queryPair
	q := parseQueryList(u.RawQuery, pairs[:0])
	if err := q.check(itemsParams, isQueryableParam(qs)); err != nil {
		return err
	}
	iq, err := parseItemsQueryCached(q, col, qs, cache.filters)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	crs := s.contentCRS(iq.crs)
	h["Content-Crs"] = crs // canonical keys, set directly
	etag := etagOn(c, snap, f, b, day)
	if notModified(c, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	all := selectFeatures(snap, col, iq)
	page := iq.page(all)
	links, linkHeader := itemsLinks(b, col, q, iq, len(all))
	counts := []string{strconv.Itoa(len(all)), strconv.Itoa(len(page))}
	h["Ogc-Numbermatched"], h["Ogc-Numberreturned"] = counts[:1:1], counts[1:]
	addLinkHeaders(h, linkHeader)
	if f == fHTML {
		return s.renderHTML(c, "items", itemsPage(b, col, iq, page, len(all), links))
	}
	buf := s.bufs.Get().(*[]byte)
	*buf = appendItemsHead((*buf)[:0], col, page, len(all), links, now, cache)
	head := len(*buf)
	features, encoded := cache.pageFeatures(col, iq, page)
	if features == nil {
		*buf = appendPageFeatures(*buf, page, iq, encoded)
	}
	err = blobParts(c, mtGeoJSON, *buf, features)
	if err == nil && cache.answers.wanted(key) {
		cache.answers.keep(key, &answer{day: day, etag: etag, crs: crs, counts: counts, links: linkHeader, features: features,
			start: appendItemsHeadStart(nil, len(all), len(page)),
			end:   appendItemsHeadEnd(nil, col, links, cache)}, (*buf)[head:])
	}
	if cap(*buf) <= maxPooledBuffer {
		s.bufs.Put(buf)
	}
	return err
}

// sendAnswer answers an items request with a, kept by an answerCache, and
// the time stamp of now: the bytes and headers handleItems would build.
func (s *Server) sendAnswer(c echo.Context, a *answer, now time.Time) error {
	h := c.Response().Header()
	h["Content-Crs"] = a.crs
	if notModified(c, a.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	h["Ogc-Numbermatched"], h["Ogc-Numberreturned"] = a.counts[:1:1], a.counts[1:]
	addLinkHeaders(h, a.links)
	buf := s.bufs.Get().(*[]byte)
	head := append((*buf)[:0], a.start...)
	head = appendRFC3339(head, now.UTC(), false)
	*buf = append(head, a.end...)
	err := blobParts(c, mtGeoJSON, *buf, a.features)
	s.bufs.Put(buf) // a head: well under maxPooledBuffer
	return err
}

// handleFeature serves one feature, whatever its validity.
func (s *Server) handleFeature(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	col, err := collectionParam(c, snap)
	if err != nil {
		return err
	}
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	q := parseQueryList(c.Request().URL.RawQuery, nil)
	if err := q.check(featureParams, nil); err != nil {
		return err
	}
	iq := &itemsQuery{}
	if iq.crs, err = parseCRS("crs", q.get("crs")); err != nil {
		return err
	}
	if q.has("properties") {
		if iq.properties, err = selectProperties(q.get("properties"), col); err != nil {
			return err
		}
	}
	if iq.skipGeometry, err = parseSkipGeometry(q); err != nil {
		return err
	}
	id := c.Param("featureId")
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	feat, err := snap.Feature(col.ID, id)
	if err != nil {
		return &geo.InputError{Param: "featureId", Detail: fmt.Sprintf("no feature %q in collection %q", id, col.ID), Kind: geo.ErrNotFound}
	}
	b := baseURL(s.requestBase(c))
	c.Response().Header()["Content-Crs"] = s.contentCRS(iq.crs)
	if notModified(c, s.etag(c, snap, f, b)) {
		return c.NoContent(http.StatusNotModified)
	}
	p := featurePath(col.ID, feat.ID)
	links := []link{
		{b.at(p, nil), "self", mtGeoJSON, "This feature"},
		{b.at(p, url.Values{"f": {"html"}}), "alternate", mtHTML, "This feature as HTML"},
		{b.at(collectionPath(col.ID), nil), "collection", mtJSON, "The collection"},
	}
	writeLinkHeaders(c, links)
	if f == fHTML {
		return s.renderHTML(c, "feature", featurePage(b, col, feat, links))
	}
	extra := appendLinks([]byte(`"links":`), links)
	body := appendFeature(nil, feat, iq.crs, iq.properties, iq.skipGeometry, extra)
	return blob(c, mtGeoJSON, append(body, '\n'))
}
