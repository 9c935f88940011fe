package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
	"github.com/schollz/progressbar/v3"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/tiles"
)

// tilesExportConfig is the configuration of `beibeimap tiles export`.
type tilesExportConfig struct {
	Format           string // "pmtiles" or "mbtiles"
	Out              string
	Data             string
	MinZoom, MaxZoom int
	Date             time.Time // zero: every version of every feature
}

// runTiles dispatches `beibeimap tiles SUB`.
func runTiles(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(stderr, usage)
		return errSilent
	}
	cfg, err := parseTilesExport(args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	return exportTiles(ctx, cfg, stdout, stderr)
}

func parseTilesExport(args []string, getenv func(string) string, stderr io.Writer) (tilesExportConfig, error) {
	cfg := tilesExportConfig{MinZoom: 0, MaxZoom: 14}
	var date string
	fs := newFlagSet("tiles export", stderr)
	fs.StringVar(&cfg.Format, "format", "", "pmtiles or mbtiles (default: from the extension of -o)")
	fs.StringVar(&cfg.Out, "o", "", "the archive to write (required)")
	fs.StringVar(&cfg.Data, "data", "", "folder of COLLECTION.geojson layers (default: the embedded layers)")
	fs.IntVar(&cfg.MinZoom, "minzoom", cfg.MinZoom, "first zoom level written")
	fs.IntVar(&cfg.MaxZoom, "maxzoom", cfg.MaxZoom, fmt.Sprintf("last zoom level written (at most %d)", tiles.MaxZoom))
	fs.StringVar(&date, "datetime", "", "draw the features valid on this date, YYYY-MM-DD (default: today, UTC; \"..\": every version)")
	if err := fs.Parse(args); err != nil {
		return cfg, errSilent
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("tiles export: unexpected argument %q", fs.Arg(0))
	}
	if err := envDefaults(fs, getenv); err != nil {
		return cfg, fmt.Errorf("tiles export: %w", err)
	}
	if cfg.Out == "" {
		return cfg, fmt.Errorf("tiles export: -o FILE is required")
	}
	if cfg.Format == "" {
		cfg.Format = strings.TrimPrefix(filepath.Ext(cfg.Out), ".")
	}
	if cfg.Format != "pmtiles" && cfg.Format != "mbtiles" {
		return cfg, fmt.Errorf("tiles export: --format must be pmtiles or mbtiles, not %q", cfg.Format)
	}
	if cfg.MinZoom < 0 || cfg.MaxZoom > tiles.MaxZoom || cfg.MinZoom > cfg.MaxZoom {
		return cfg, fmt.Errorf("tiles export: zoom levels must satisfy 0 <= --minzoom <= --maxzoom <= %d", tiles.MaxZoom)
	}
	switch date {
	case "..":
	case "":
		cfg.Date = time.Now().UTC().Truncate(24 * time.Hour)
	default:
		d, err := geo.ParseDate("datetime", date)
		if err != nil {
			return cfg, fmt.Errorf("tiles export: %w", err)
		}
		cfg.Date = d
	}
	return cfg, nil
}

// archive receives the tiles of an export in the order of their PMTiles
// tile id, gzip-compressed, then the metadata.
type archive interface {
	put(t maptile.Tile, gz []byte) error
	finish(tj tiles.TileJSON) error
	abort()
}

// exportTiles writes every non-empty tile of the configured zoom levels
// into the archive cfg.Out (written aside and renamed into place, so a
// failed export leaves no half file) and prints a summary on stdout; a
// progress bar goes to stderr when it is a terminal.
func exportTiles(ctx context.Context, cfg tilesExportConfig, stdout, stderr io.Writer) error {
	start := time.Now()
	snap, err := data.LoadSnapshot(layers(cfg.Data))
	if err != nil {
		return fmt.Errorf("tiles export: %w", err)
	}
	cands := tiles.Candidates(snap, cfg.Date, maptile.Zoom(cfg.MinZoom), maptile.Zoom(cfg.MaxZoom))
	slices.SortFunc(cands, func(a, b maptile.Tile) int {
		x, y := pmtiles.ZxyToID(uint8(a.Z), a.X, a.Y), pmtiles.ZxyToID(uint8(b.Z), b.X, b.Y)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})

	tmp := cfg.Out + ".part"
	var a archive
	switch cfg.Format {
	case "pmtiles":
		a, err = newPMTiles(tmp)
	default:
		a, err = newMBTiles(tmp)
	}
	if err != nil {
		return fmt.Errorf("tiles export: %w", err)
	}
	var bar *progressbar.ProgressBar
	if isTerminal(stderr) {
		bar = progressbar.NewOptions(len(cands), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("tiles"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	written, bytesOut := 0, 0
	err = renderAll(ctx, snap, cands, cfg.Date, func(t maptile.Tile, gz []byte) error {
		if bar != nil {
			bar.Add(1)
		}
		if gz == nil {
			return nil
		}
		written++
		bytesOut += len(gz)
		return a.put(t, gz)
	})
	if err == nil {
		err = a.finish(tiles.Describe(snap, []string{}, cfg.MinZoom, cfg.MaxZoom))
	}
	if err != nil {
		a.abort()
		os.Remove(tmp)
		return fmt.Errorf("tiles export: %w", err)
	}
	if err := os.Rename(tmp, cfg.Out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("tiles export: %w", err)
	}
	st, _ := os.Stat(cfg.Out)
	var size int64
	if st != nil {
		size = st.Size()
	}
	fmt.Fprintf(stdout, "tiles export: %d tiles (z%d–z%d, %d candidates, %d bytes of gzipped tiles) in %s: %d bytes in %.1f s\n",
		written, cfg.MinZoom, cfg.MaxZoom, len(cands), bytesOut, cfg.Out, size, time.Since(start).Seconds())
	return nil
}

// renderAll renders the tiles on every CPU and hands them to put in the
// given order, gzip-compressed (nil for an empty tile). It stops at the
// first error or when ctx is done.
func renderAll(ctx context.Context, snap *geo.Snapshot, ts []maptile.Tile, date time.Time, put func(maptile.Tile, []byte) error) error {
	const batch = 256
	workers := runtime.GOMAXPROCS(0)
	out := make([][]byte, batch)
	errs := make([]error, batch)
	for lo := 0; lo < len(ts); lo += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := ts[lo:min(lo+batch, len(ts))]
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < len(part); i += workers {
					out[i], errs[i] = renderGzip(snap, part[i], date)
				}
			}(w)
		}
		wg.Wait()
		for i, t := range part {
			if errs[i] != nil {
				return errs[i]
			}
			if err := put(t, out[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func renderGzip(snap *geo.Snapshot, t maptile.Tile, date time.Time) ([]byte, error) {
	b, err := tiles.Render(snap, t, date)
	if err != nil || len(b) == 0 {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
