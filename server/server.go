package server

import (
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"beibeimap/geo"
	"beibeimap/tiles"
	"beibeimap/web"
)

// Config holds what a Server depends on. Store is required; every other
// field has a usable zero value.
type Config struct {
	// Store publishes the data snapshot the server answers from.
	Store *geo.Store
	// Logger receives request failures; nil discards them.
	Logger *slog.Logger
	// RequestLog, when not nil, receives one line per answered request
	// (method, route, path, status, duration, bytes, peer; never a body or
	// query). Give it a LogBuffer to write to, so that a busy server does
	// not make one write per request.
	RequestLog *RequestLog
	// CORSOrigins lists the origins allowed to call the API from a browser;
	// "*" allows any. Empty (the default) disables CORS headers.
	CORSOrigins []string
	// BaseURL, when set, is the absolute URL of the service root that every
	// link is built on (see ParseBaseURL); forwarded headers are then
	// ignored.
	BaseURL string
	// TrustedProxies are the peers whose Forwarded and X-Forwarded-*
	// headers are believed; empty believes nobody's.
	TrustedProxies []netip.Prefix
	// MaxExpensive bounds the expensive requests (batch lookups, large
	// items pages, exports) answered at once; 0 means DefaultMaxExpensive.
	MaxExpensive int
	// ExpensiveWait is how long an expensive request beyond MaxExpensive
	// waits for a slot before a 503; 0 means DefaultExpensiveWait, a
	// negative value not at all.
	ExpensiveWait time.Duration
	// Basemap is an optional raster tile URL template ({z}/{x}/{y}) offered
	// by the map page; empty means no basemap.
	Basemap string
	// Now returns the current time; nil means time.Now. "Today" is the
	// calendar date in China Standard Time (UTC+8) of Now.
	Now func() time.Time
	// MaxBody bounds request bodies in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// Web holds the built map page served under /map/; nil means the
	// embedded web.FS().
	Web fs.FS
}

// DefaultMaxBody is the default bound of a request body (8 MiB).
const DefaultMaxBody = 8 << 20

// DefaultMaxExpensive is the default bound of concurrent expensive
// requests: a 10,000-point batch holds about 10 MB while it runs.
const DefaultMaxExpensive = 4

// Server serves the HTTP API. It is safe for concurrent use; it implements
// http.Handler.
type Server struct {
	cfg   Config
	store *geo.Store
	log   *slog.Logger
	e     *echo.Echo
	tiles *tiles.Cache
	// derived caches what is derived from the current snapshot.
	derived atomic.Pointer[derived]
	// downloads holds the unfiltered downloads of the current snapshot
	// (derived.go, download.go).
	downloads atomic.Pointer[downloadFiles]
	// scratch recycles the state of single lookups (*lookupScratch).
	scratch sync.Pool
	// web is the map page's files; webTags caches their ETags (name → tag).
	web     fs.FS
	webTags sync.Map
	// bufs recycles response buffers of items pages (*[]byte).
	bufs sync.Pool
	// metrics are the Prometheus series served at /metrics; routeNames
	// the registered route patterns, the only values of its route label.
	metrics    *metrics
	routeNames map[string]bool
	// crsHeaders holds the Content-Crs value of each CRS with an OGC URI,
	// one slice shared by all answers (see contentCRS).
	crsHeaders map[geo.CRS][]string
	// slots holds one token per expensive request running.
	slots chan struct{}
	// loads is the outcome of the last load of the data, for /readyz.
	loads loadState
}

var _ http.Handler = (*Server)(nil)

// New returns a Server answering from cfg.Store.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Web == nil {
		cfg.Web = web.FS()
	}
	if cfg.MaxExpensive <= 0 {
		cfg.MaxExpensive = DefaultMaxExpensive
	}
	if cfg.ExpensiveWait == 0 {
		cfg.ExpensiveWait = DefaultExpensiveWait
	}
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Logger, e: echo.New(), web: cfg.Web, tiles: tiles.NewCache(tileCacheSize),
		metrics: newMetrics(), slots: make(chan struct{}, cfg.MaxExpensive), routeNames: map[string]bool{}}
	if snap := cfg.Store.Snapshot(); snap != nil {
		s.metrics.published(snap, 0)
	}
	s.bufs.New = newBuffer
	s.crsHeaders = map[geo.CRS][]string{}
	for _, uri := range geo.CRSURIs() {
		if crs, err := geo.ParseCRS("crs", uri); err == nil {
			s.crsHeaders[crs] = []string{"<" + uri + ">"}
		}
	}
	s.e.HideBanner = true
	s.e.HidePort = true
	s.e.HTTPErrorHandler = s.handleError
	global := []echo.MiddlewareFunc{s.observe, middleware.Recover()}
	if len(cfg.CORSOrigins) > 0 {
		global = append(global, middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  cfg.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions},
			ExposeHeaders: []string{"ETag", "Link", "Content-Crs", "OGC-NumberMatched"},
		}))
	}
	global = append(global, middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Skipper: skipGzip}))
	s.e.Use(composed(global))
	s.routes()
	for _, r := range s.e.Routes() {
		s.routeNames[r.Path] = true
	}
	s.routeNames["unmatched"] = true
	s.metrics.forRoutes(s.routeNames)
	return s
}

// contentCRS returns the value of the Content-Crs header of an answer in
// crs, to be assigned to the header map, not changed.
func (s *Server) contentCRS(crs geo.CRS) []string {
	if v, ok := s.crsHeaders[crs]; ok {
		return v
	}
	return []string{"<" + crs.URI() + ">"}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// snapshot returns the current data snapshot, or an error wrapping
// geo.ErrUnavailable before any data is loaded.
func (s *Server) snapshot() (*geo.Snapshot, error) {
	snap := s.store.Snapshot()
	if snap == nil {
		return nil, &geo.InputError{Detail: "no data loaded yet", Kind: geo.ErrUnavailable}
	}
	return snap, nil
}

// today is the current calendar date in China, at midnight UTC like every
// date of package geo.
func (s *Server) today() time.Time {
	return geo.ChinaDate(s.cfg.Now())
}

// get registers h for GET and HEAD on path: every GET route answers HEAD.
// The route's middleware m wraps h once, here (withMiddleware).
func (s *Server) get(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	h = withMiddleware(h, m)
	s.e.GET(path, h)
	s.e.HEAD(path, h)
}

// post registers h for POST on path, wrapped in m once (withMiddleware).
func (s *Server) post(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	s.e.POST(path, withMiddleware(h, m))
}

// composed returns one middleware for echo's Use doing what m would, in
// order, around every request, unmatched ones included. Echo wraps the
// routed handler in its global middleware on every request (a closure per
// middleware per request); the chain returned here is built once, around
// a handler that calls the routed one (Context.Handler, which the router
// has just set), and given back whatever echo passes it.
func composed(m []echo.MiddlewareFunc) echo.MiddlewareFunc {
	chain := withMiddleware(func(c echo.Context) error { return c.Handler()(c) }, m)
	return func(echo.HandlerFunc) echo.HandlerFunc { return chain }
}

// withMiddleware returns h wrapped in m, m[0] outermost, as echo would wrap
// it; echo v4 does so on every request of a route given its middleware
// (two closures per request), so routes get theirs wrapped here instead.
func withMiddleware(h echo.HandlerFunc, m []echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(m) - 1; i >= 0; i-- {
		h = m[i](h)
	}
	return h
}

// handleHealth answers 200 once a snapshot is published, 503 before.
func (s *Server) handleHealth(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"status":      "ok",
		"version":     snap.Version(),
		"collections": len(snap.Collections()),
		"loaded":      snap.Created().Format(time.RFC3339),
	})
}
