package server

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"beibeimap/geo"
)

// metrics are the Prometheus series of one Server, in a registry of its
// own (no global state: two servers in one test binary do not collide).
// All fields are safe for concurrent use.
type metrics struct {
	reg        *prometheus.Registry
	handler    http.Handler
	requests   *prometheus.CounterVec   // route, method, status
	duration   *prometheus.HistogramVec // route
	responseSz *prometheus.HistogramVec // route
	inFlight   prometheus.Gauge
	rejected   *prometheus.CounterVec // route: turned away by the expensive-request cap
	tileCache  *prometheus.CounterVec // result: hit or miss
	// answerHit and answerMiss count GeoJSON items requests answered from
	// the answer cache or built (beibeimap_items_answer_cache_requests_total).
	answerHit, answerMiss prometheus.Counter
	batchSize             prometheus.Histogram
	snapInfo              *prometheus.GaugeVec // version
	snapLoaded            prometheus.Gauge
	loadTime              prometheus.Gauge
	features              *prometheus.GaugeVec // collection
	reloads               *prometheus.CounterVec
	// routes and statusText are filled by forRoutes and read-only after.
	routes     map[string]*routeSeries
	statusText [600]string
	// mu guards the last published version, to reset snapInfo.
	mu          sync.Mutex
	lastVersion string
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = counterVec(m.reg, "beibeimap_http_requests_total", "HTTP requests answered, by route pattern, method and status.", "route", "method", "status")
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "beibeimap_http_request_duration_seconds",
		Help:    "Time from the request's arrival to the end of its answer, by route pattern.",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.responseSz = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "beibeimap_http_response_bytes",
		Help:    "Size of answer bodies as handlers write them (before compression), by route pattern.",
		Buckets: prometheus.ExponentialBuckets(64, 4, 10),
	}, []string{"route"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "beibeimap_http_requests_in_flight", Help: "Requests being answered now."})
	m.rejected = counterVec(m.reg, "beibeimap_http_rejected_total", "Expensive requests turned away with 503 because too many were running.", "route")
	m.tileCache = counterVec(m.reg, "beibeimap_tile_cache_requests_total", "Tile requests answered from the rendered-tile cache (hit) or rendered (miss).", "result")
	answers := counterVec(m.reg, "beibeimap_items_answer_cache_requests_total", "GeoJSON items requests answered from the answer cache (hit) or built (miss).", "result")
	m.answerHit, m.answerMiss = answers.WithLabelValues("hit"), answers.WithLabelValues("miss")
	m.batchSize = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "beibeimap_lookup_batch_points",
		Help:    "Points in each POST /lookup batch that was answered.",
		Buckets: []float64{1, 10, 100, 1000, 5000, 10000},
	})
	m.snapInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "beibeimap_snapshot_info", Help: "1 for the version of the data snapshot being served."}, []string{"version"})
	m.snapLoaded = prometheus.NewGauge(prometheus.GaugeOpts{Name: "beibeimap_snapshot_loaded_timestamp_seconds", Help: "When the served snapshot was built (Unix time)."})
	m.loadTime = prometheus.NewGauge(prometheus.GaugeOpts{Name: "beibeimap_snapshot_load_seconds", Help: "How long the last successful load (read, validate, index) took."})
	m.features = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "beibeimap_snapshot_features", Help: "Features of each collection of the served snapshot."}, []string{"collection"})
	m.reloads = counterVec(m.reg, "beibeimap_reloads_total", "Data reloads by result (ok, or failed: the previous data stays served).", "result")
	m.reg.MustRegister(m.duration, m.responseSz, m.inFlight, m.batchSize, m.snapInfo, m.snapLoaded, m.loadTime, m.features,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Both results exist from the start, so that a rate of failures is 0
	// rather than absent before the first one.
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("failed")
	m.tileCache.WithLabelValues("hit")
	m.tileCache.WithLabelValues("miss")
	// The gzip middleware compresses; promhttp must not compress again.
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{DisableCompression: true})
	return m
}

// counterVec returns a counter vector registered in reg.
func counterVec(reg prometheus.Registerer, name, help string, labels ...string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	reg.MustRegister(v)
	return v
}

// routeSeries are the per-route series of one route, looked up once.
type routeSeries struct {
	duration, size prometheus.Observer
	// ok is the request counter of GET … 200 on the route, the commonest
	// answer by far, looked up on its first such answer (so that the
	// series appears only once it counts something, like the others).
	ok atomic.Pointer[prometheus.Counter]
}

// forRoutes prepares the series of every route name, so that observing a
// request looks up only its status.
func (m *metrics) forRoutes(names map[string]bool) {
	m.routes = make(map[string]*routeSeries, len(names))
	for n := range names {
		m.routes[n] = &routeSeries{duration: m.duration.WithLabelValues(n), size: m.responseSz.WithLabelValues(n)}
	}
	for i := range m.statusText {
		m.statusText[i] = strconv.Itoa(i)
	}
}

// observe records one answered request on route, one of the names given
// to forRoutes.
func (m *metrics) observe(route, method string, status int, took time.Duration, size int64) {
	code := "other"
	if status >= 0 && status < len(m.statusText) {
		code = m.statusText[status]
	}
	rs := m.routes[route]
	if status == http.StatusOK && method == http.MethodGet {
		ok := rs.ok.Load()
		if ok == nil {
			c := m.requests.WithLabelValues(route, method, code)
			ok = &c
			rs.ok.Store(ok)
		}
		(*ok).Inc()
	} else {
		m.requests.WithLabelValues(route, method, code).Inc()
	}
	rs.duration.Observe(took.Seconds())
	rs.size.Observe(float64(size))
}

// published records the snapshot now served and how long it took to load.
func (m *metrics) published(snap *geo.Snapshot, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lastVersion != "" {
		m.snapInfo.DeleteLabelValues(m.lastVersion)
	}
	m.lastVersion = snap.Version()
	m.snapInfo.WithLabelValues(snap.Version()).Set(1)
	m.snapLoaded.Set(float64(snap.Created().UnixNano()) / 1e9)
	if took > 0 {
		m.loadTime.Set(took.Seconds())
	}
	m.features.Reset()
	for _, c := range snap.Collections() {
		m.features.WithLabelValues(c.ID).Set(float64(len(c.Features)))
	}
}

// handleMetrics serves the Prometheus text exposition of the server's
// registry.
func (s *Server) handleMetrics(c echo.Context) error {
	s.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}

// tileCacheResult counts one tile request as a hit (served from the
// rendered-tile cache, or merged into a render already under way) or a
// miss (rendered for this request): the hook the tile handler calls.
func (s *Server) tileCacheResult(hit bool) {
	if hit {
		s.metrics.tileCache.WithLabelValues("hit").Inc()
	} else {
		s.metrics.tileCache.WithLabelValues("miss").Inc()
	}
}
