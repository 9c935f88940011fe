package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"beibeimap/data"
	"beibeimap/data/postgis"
	"beibeimap/geo"
	"beibeimap/server"
)

// serveConfig is the configuration of `beibeimap serve`.
type serveConfig struct {
	Addr    string
	Data    string
	Source  string
	CORS    string
	Basemap string
	Watch   time.Duration
	// BaseURL replaces the request's scheme, host and forwarded headers
	// in every link; TrustedProxies are the CIDRs whose forwarded headers
	// are believed otherwise.
	BaseURL        string
	TrustedProxies []netip.Prefix
	LogFormat      string
	LogRequests    bool
	// ShutdownGrace is how long in-flight requests may finish after
	// SIGTERM before their connections are closed.
	ShutdownGrace time.Duration
	MaxConns      int
	MaxExpensive  int
}

// newFlagSet returns a flag set that reports errors to stderr and does not
// exit, with the usage text of the whole command.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	return fs
}

// envDefaults sets every flag of fs that was not given on the command line
// from the environment variable BEIBEIMAP_<NAME> (dashes become
// underscores), so that flags win over the environment.
func envDefaults(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		key := "BEIBEIMAP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(key); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", key, e)
			}
		}
	})
	return err
}

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	cfg := serveConfig{Addr: "127.0.0.1:8080", LogFormat: "text", LogRequests: true, ShutdownGrace: 10 * time.Second,
		MaxConns: 1024, MaxExpensive: server.DefaultMaxExpensive}
	var proxies string
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	fs.StringVar(&cfg.Data, "data", "", "folder of COLLECTION.geojson layers, or a .gpkg GeoPackage (default: the embedded layers)")
	fs.StringVar(&cfg.Source, "source", "", "postgres:// URL of a PostGIS database to serve and follow, instead of --data (see data/postgis)")
	fs.StringVar(&cfg.CORS, "cors", "", "comma-separated origins allowed by CORS, or * for any (default: none)")
	fs.StringVar(&cfg.Basemap, "basemap", "", "optional raster basemap URL template with {z}/{x}/{y}")
	fs.DurationVar(&cfg.Watch, "watch", 0, "with --data: poll the folder or GeoPackage this often and reload on change (0: only on SIGHUP)")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "absolute URL of the service root for links (default: from the request)")
	fs.StringVar(&proxies, "trusted-proxies", "", "comma-separated CIDRs whose Forwarded/X-Forwarded-* headers are believed (default: none)")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: text or json")
	fs.BoolVar(&cfg.LogRequests, "log-requests", cfg.LogRequests, "log one line per request")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", cfg.ShutdownGrace, "on SIGTERM, how long in-flight requests may finish")
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "most open connections at once (further ones wait to be accepted)")
	fs.IntVar(&cfg.MaxExpensive, "max-expensive", cfg.MaxExpensive, "most expensive requests (batches, large pages) at once; beyond it 503")
	if err := fs.Parse(args); err != nil {
		return cfg, errSilent
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if err := envDefaults(fs, getenv); err != nil {
		return cfg, fmt.Errorf("serve: %w", err)
	}
	if cfg.Source != "" && (!isPostgresURL(cfg.Source) || cfg.Data != "") {
		return cfg, errors.New("serve: --source takes a postgres:// URL and excludes --data")
	}
	if cfg.Watch < 0 || cfg.ShutdownGrace < 0 {
		return cfg, errors.New("serve: --watch and --shutdown-grace must not be negative")
	}
	if cfg.MaxConns < 1 || cfg.MaxExpensive < 1 {
		return cfg, errors.New("serve: --max-conns and --max-expensive must be at least 1")
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, fmt.Errorf("serve: --log-format %q: want text or json", cfg.LogFormat)
	}
	if cfg.BaseURL != "" {
		b, err := server.ParseBaseURL(cfg.BaseURL)
		if err != nil {
			return cfg, fmt.Errorf("serve: --base-url: %w", err)
		}
		cfg.BaseURL = b
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") { // a single address
			if a, err := netip.ParseAddr(p); err == nil {
				p = netip.PrefixFrom(a, a.BitLen()).String()
			}
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			return cfg, fmt.Errorf("serve: --trusted-proxies: %w", err)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, pfx.Masked())
	}
	return cfg, nil
}

// layers returns the file system of the layers: dir, a GeoPackage file
// when dir ends in .gpkg (data.GeoPackageFS), or the embedded default
// layers when dir is empty.
func layers(dir string) fs.FS {
	if dir == "" {
		return data.Default()
	}
	if data.IsGeoPackage(dir) {
		return data.GeoPackageFS(dir)
	}
	return os.DirFS(dir)
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := func(w io.Writer) *slog.Logger {
		if cfg.LogFormat == "json" {
			return slog.New(slog.NewJSONHandler(w, nil))
		}
		return slog.New(slog.NewTextHandler(w, nil))
	}
	log := logger(stderr)
	// Request lines are batched (at most 100 ms late); everything else is
	// written at once.
	requests := server.NewLogBuffer(stderr, 100*time.Millisecond)
	defer requests.Close()
	fsys := layers(cfg.Data)
	// The stamp is taken before the load, so that a change made while
	// loading or before watch starts is still seen as a change.
	loadedStamp := stamp(fsys)
	start := time.Now()
	var (
		snap *geo.Snapshot
		pg   *postgis.Source
	)
	if cfg.Source != "" {
		pg, snap, err = openPostGIS(ctx, cfg.Source, log)
	} else {
		snap, err = data.LoadSnapshot(fsys)
	}
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	took := time.Since(start)
	store := geo.NewStore(snap)
	var origins []string
	for _, o := range strings.Split(cfg.CORS, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	var requestLog *server.RequestLog
	if cfg.LogRequests {
		requestLog = server.NewRequestLog(requests, cfg.LogFormat == "json")
	}
	h := server.New(server.Config{Store: store, Logger: log, RequestLog: requestLog, CORSOrigins: origins, Basemap: cfg.Basemap,
		BaseURL: cfg.BaseURL, TrustedProxies: cfg.TrustedProxies, MaxExpensive: cfg.MaxExpensive})
	h.Loaded(snap, took, nil)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Timeouts: a client gets 5 s to send its headers and 30 s for the
	// whole request (an 8 MiB batch over a slow link), an answer 60 s to
	// be written, an idle keep-alive connection 60 s before it is closed.
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.Data != "" {
		// Catch SIGHUP before saying we listen: from then on a SIGHUP
		// means reload, never the default of terminating.
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go watch(ctx, cfg, fsys, loadedStamp, store, h, log, hup)
	}
	fmt.Fprintf(stderr, "beibeimap: listening on http://%s (%d collections, %d indexed parts, data %s)\n",
		ln.Addr(), len(snap.Collections()), snap.Parts(), snap.Version())
	log.Info("loaded", "version", snap.Version(), "collections", len(snap.Collections()), "took", took)

	if pg != nil {
		go followPostGIS(ctx, pg, store, h.Loaded, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(netutil.LimitListener(ln, cfg.MaxConns)) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: no new connections; waiting for in-flight requests", "grace", cfg.ShutdownGrace)
	shut, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		// The grace is over: what is still open is a slow client or a
		// stuck connection, not a failure of the service.
		log.Warn("shutdown grace expired; closing the connections still open", "grace", cfg.ShutdownGrace, "err", err)
		srv.Close()
		return nil
	}
	log.Info("shut down: every in-flight request answered")
	return nil
}

// reload loads fsys and publishes it in store only when it loads and
// indexes without error: bad files never replace good data.
func reload(fsys fs.FS, store *geo.Store) (*geo.Snapshot, error) {
	snap, err := data.LoadSnapshot(fsys)
	if err != nil {
		return nil, err
	}
	store.Swap(snap)
	return snap, nil
}

// watch reloads the data folder on each signal from hup (SIGHUP) and, with cfg.Watch > 0, when the
// newest modification time or size of its layer files differs from last
// (the stamp of what was loaded), and tells h
// (for /readyz and /metrics) and the log how each reload went.
func watch(ctx context.Context, cfg serveConfig, fsys fs.FS, last string, store *geo.Store, h *server.Server, log *slog.Logger, hup <-chan os.Signal) {
	var tick <-chan time.Time
	if cfg.Watch > 0 {
		t := time.NewTicker(cfg.Watch)
		defer t.Stop()
		tick = t.C
	}
	do := func(why string) {
		start := time.Now()
		snap, err := reload(fsys, store)
		took := time.Since(start)
		h.Loaded(snap, took, err)
		if err != nil {
			log.Error("reload failed; still serving the previous data", "why", why, "err", err, "version", store.Snapshot().Version())
			return
		}
		log.Info("reloaded", "why", why, "version", snap.Version(), "collections", len(snap.Collections()), "took", took)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			last = stamp(fsys)
			do("SIGHUP")
		case <-tick:
			if s := stamp(fsys); s != last {
				last = s
				do("files changed")
			}
		}
	}
}

// stamp summarises the names, sizes and modification times of the layer
// files of fsys.
func stamp(fsys fs.FS) string {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, e := range entries {
		if path.Ext(e.Name()) != ".geojson" {
			continue
		}
		if info, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s:%d:%d;", e.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
	return b.String()
}
