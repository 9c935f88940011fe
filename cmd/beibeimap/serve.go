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
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"
	"time"

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
	cfg := serveConfig{Addr: "127.0.0.1:8080"}
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	fs.StringVar(&cfg.Data, "data", "", "folder of COLLECTION.geojson layers (default: the embedded layers)")
	fs.StringVar(&cfg.Source, "source", "", "postgres:// URL of a PostGIS database to serve and follow, instead of --data (see data/postgis)")
	fs.StringVar(&cfg.CORS, "cors", "*", "comma-separated origins allowed by CORS (empty: none)")
	fs.StringVar(&cfg.Basemap, "basemap", "", "optional raster basemap URL template with {z}/{x}/{y}")
	fs.DurationVar(&cfg.Watch, "watch", 0, "with --data: poll the folder this often and reload on change (0: only on SIGHUP)")
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
	if cfg.Watch < 0 {
		return cfg, errors.New("serve: --watch must not be negative")
	}
	return cfg, nil
}

// layers returns the file system of the layers: dir, or the embedded
// default layers when dir is empty.
func layers(dir string) fs.FS {
	if dir == "" {
		return data.Default()
	}
	return os.DirFS(dir)
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	fsys := layers(cfg.Data)
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
	store := geo.NewStore(snap)
	var origins []string
	for _, o := range strings.Split(cfg.CORS, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	h := server.New(server.Config{Store: store, Logger: log, CORSOrigins: origins, Basemap: cfg.Basemap})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	fmt.Fprintf(stderr, "beibeimap: listening on http://%s (%d collections, %d indexed parts, data %s)\n",
		ln.Addr(), len(snap.Collections()), snap.Parts(), snap.Version())

	if cfg.Data != "" {
		go watch(ctx, cfg, fsys, store, log)
	}
	if pg != nil {
		go followPostGIS(ctx, pg, store, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
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

// watch reloads the data folder on SIGHUP and, with cfg.Watch > 0, when the
// newest modification time or size of its layer files changes.
func watch(ctx context.Context, cfg serveConfig, fsys fs.FS, store *geo.Store, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	if cfg.Watch > 0 {
		t := time.NewTicker(cfg.Watch)
		defer t.Stop()
		tick = t.C
	}
	last := stamp(fsys)
	do := func(why string) {
		snap, err := reload(fsys, store)
		if err != nil {
			log.Error("reload failed; still serving the previous data", "why", why, "err", err)
			return
		}
		log.Info("reloaded", "why", why, "version", snap.Version(), "collections", len(snap.Collections()))
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
