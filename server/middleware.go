package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// DefaultExpensiveWait is how long an expensive request waits for a slot
// before it is turned away, when Config.ExpensiveWait is 0.
const DefaultExpensiveWait = time.Second

// htmlCSP is the Content-Security-Policy of the HTML pages other than the
// map page (which sets its own): the OGC pages load no script and nothing
// from another host, keep their styles inline, and may be framed only by
// this service.
const htmlCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// maxLoggedPath bounds the path a request log line repeats.
const maxLoggedPath = 256

// observe is the outermost middleware: it sets X-Content-Type-Options:
// nosniff on every answer, so that no browser reads a JSON, CSV or tile
// answer as a page (HTML answers get their policies from htmlPolicies or,
// the map page, its own); counts the request in flight; lets the error
// handler render a returned error (so the status it logs and counts is the
// one sent); then records route, status, duration and size in the metrics
// and, with Config.RequestLog, in one log line. It never logs a body or a
// query.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		c.Response().Header()["X-Content-Type-Options"] = nosniff
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		if !s.routeNames[route] {
			route = "unmatched" // keep the label set bounded
		}
		res, r := c.Response(), c.Request()
		took := time.Since(start)
		s.metrics.observe(route, r.Method, res.Status, took, res.Size)
		if s.cfg.RequestLog != nil {
			p := r.URL.Path
			if len(p) > maxLoggedPath {
				p = p[:maxLoggedPath] + "…"
			}
			s.cfg.RequestLog.write(requestLine{at: start.Add(took), method: r.Method, route: route, path: p,
				status: res.Status, took: took, bytes: res.Size, remote: r.RemoteAddr})
		}
		return nil
	}
}

// nosniff is the value of X-Content-Type-Options on every answer, one
// slice shared by all (header values are only ever replaced, not changed).
var nosniff = []string{"nosniff"}

// htmlPolicies sets htmlCSP and X-Frame-Options (for browsers that predate
// frame-ancestors) on an HTML answer: renderHTML calls it for every OGC
// page.
func htmlPolicies(h http.Header) {
	h.Set("Content-Security-Policy", htmlCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
}

// expensive returns the middleware of the routes whose answers cost much
// memory or CPU (batch lookups, large items pages, exports): at most
// Config.MaxExpensive of them run at once, across all such routes. A
// request beyond that waits up to Config.ExpensiveWait for a slot, then is
// answered 503 with Retry-After. When when is not nil, only requests for
// which it returns true are counted (a small items page is not expensive).
// Any route opts in by naming s.expensive(…) in the route table.
func (s *Server) expensive(when func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if when != nil && !when(c) {
				return next(c)
			}
			select {
			case s.slots <- struct{}{}:
			default:
				if !s.waitSlot(c) {
					s.metrics.rejected.WithLabelValues(c.Path()).Inc()
					c.Response().Header().Set("Retry-After", "1")
					return &geo.InputError{Detail: "too many expensive requests at once; retry in a second", Kind: geo.ErrUnavailable}
				}
			}
			defer func() { <-s.slots }()
			return next(c)
		}
	}
}

// waitSlot waits for a slot of s.slots up to the configured wait or the end
// of the request, and reports whether it got one.
func (s *Server) waitSlot(c echo.Context) bool {
	if s.cfg.ExpensiveWait < 0 {
		return false
	}
	t := time.NewTimer(s.cfg.ExpensiveWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-c.Request().Context().Done():
		return false
	}
}

// expensiveItems reports whether an items request is expensive: a large
// page, or a download (f=gpkg, shp, …: the whole collection by default).
func expensiveItems(c echo.Context) bool {
	raw := c.Request().URL.RawQuery
	if f, ok := queryFirst(raw, "f"); ok && downloadFormat(f) != nil {
		return true
	}
	return largeItemsPage(raw)
}

// largeItemsPage reports whether the raw query of an items request asks for
// more than the default page of features.
func largeItemsPage(raw string) bool {
	v, _ := queryFirst(raw, "limit")
	v = strings.TrimSpace(v)
	if v == "" {
		return false // the default page; Atoi would allocate its error
	}
	n, err := strconv.Atoi(v)
	return err == nil && n > defaultLimit
}

// loadState is what /readyz reports of the loads of the data: the last
// attempt and its error. Safe for concurrent use.
type loadState struct {
	mu      sync.Mutex
	at      time.Time
	took    time.Duration
	err     string
	failed  int
	loadsOK int
}

// Loaded records the outcome of one load of the data (at start-up, on
// SIGHUP or when --watch sees a change) that took took: err nil means snap
// is now served; otherwise the previous snapshot stays and err is what
// /readyz shows and the reload-failure metric counts. It is safe for
// concurrent use.
func (s *Server) Loaded(snap *geo.Snapshot, took time.Duration, err error) {
	st := &s.loads
	st.mu.Lock()
	st.at, st.took = s.cfg.Now().UTC(), took
	if err != nil {
		st.err = err.Error()
		st.failed++
	} else {
		st.err = ""
		st.loadsOK++
	}
	st.mu.Unlock()
	if err != nil {
		s.metrics.reloads.WithLabelValues("failed").Inc()
		return
	}
	s.metrics.reloads.WithLabelValues("ok").Inc()
	if snap != nil {
		s.metrics.published(snap, took)
	}
}

// readiness is the body of /readyz.
type readiness struct {
	Status      string         `json:"status"`
	Version     string         `json:"version,omitempty"`
	Loaded      string         `json:"loaded,omitempty"`
	Collections map[string]int `json:"collections,omitempty"`
	LastLoad    *lastLoad      `json:"lastLoad,omitempty"`
}

type lastLoad struct {
	At       string  `json:"at"`
	Seconds  float64 `json:"seconds"`
	Error    string  `json:"error,omitempty"`
	Failures int     `json:"failures"`
}

// handleReady answers /readyz: 200 with the served snapshot's version and
// the feature count of each collection, and the last load's time and
// error (a failed reload leaves the previous data served, so the service
// stays ready); 503 before any data is loaded.
func (s *Server) handleReady(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	body := readiness{Status: "ready", Version: snap.Version(), Loaded: snap.Created().Format(time.RFC3339), Collections: map[string]int{}}
	for _, col := range snap.Collections() {
		body.Collections[col.ID] = len(col.Features)
	}
	st := &s.loads
	st.mu.Lock()
	if !st.at.IsZero() {
		body.LastLoad = &lastLoad{At: st.at.Format(time.RFC3339), Seconds: st.took.Seconds(), Error: st.err, Failures: st.failed}
	}
	st.mu.Unlock()
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, body)
}

// skipGzip is the Skipper of the gzip middleware: it leaves an answer
// uncompressed when the client does not accept gzip (see acceptsGzip) or
// when the answer is a download (isDownload). Downloads go out as the file
// itself because the gzip middleware drops Content-Length and would
// compress a 206 partial answer, breaking both the length their enclosure
// links announce and byte ranges (resumed downloads, and GDAL's /vsicurl/,
// which reads a remote GeoPackage by ranges and fails on a gzipped one).
// What compression would save varies: nothing on the ZIPs (the Shapefile,
// the QGIS archive), about half of a GeoPackage, two thirds of KML and CSV
// (districts of the default data: 538 kB of KML and 489 kB of CSV to about
// 167 kB each). KML and CSV are exempt all the same, for the same length
// and ranges, and because compressing a whole-collection file anew on
// every request would cost the CPU the JSON answers share.
func skipGzip(c echo.Context) bool {
	return !acceptsGzip(c.Request().Header.Get("Accept-Encoding")) || isDownload(c)
}

// acceptsGzip reports whether an Accept-Encoding value names gzip with a
// q-value above 0 (RFC 9110 §12.5.3): echo's gzip middleware only looks
// for the word, so "gzip;q=0", a refusal, would get gzip. A malformed
// q-value counts as a refusal: an uncompressed answer is always safe.
func acceptsGzip(v string) bool {
	for part := range strings.SplitSeq(v, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || x < 0 || x > 1 {
				return false
			}
			q = x
		}
		return q > 0
	}
	return false
}
