package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"beibeimap/data"
	"beibeimap/data/export"
	"beibeimap/data/gpkg"
	"beibeimap/data/qgis"
	"beibeimap/data/shapefile"
	"beibeimap/geo"
)

// exportConfig is the configuration of `beibeimap export`.
type exportConfig struct {
	Format     string
	Collection string
	Datetime   string
	Data       string
	Out        string
}

// exportFormats are the formats of export; gpkg and qgis (a QGIS project
// .qgz with its GeoPackage inside) hold several collections.
var exportFormats = []string{"gpkg", "qgis", "shp", "kml", "csv", "geojson"}

func parseExport(args []string, getenv func(string) string, stderr io.Writer) (exportConfig, error) {
	cfg := exportConfig{Format: "gpkg"}
	fs := newFlagSet("export", stderr)
	fs.StringVar(&cfg.Format, "format", cfg.Format, "gpkg, qgis (a QGIS project .qgz with its GeoPackage inside), shp (zipped), kml, csv or geojson")
	fs.StringVar(&cfg.Collection, "collection", "", "collection id (default: every collection; required but for gpkg)")
	fs.StringVar(&cfg.Datetime, "datetime", "", "only features in force on this date (YYYY-MM-DD) or interval (FROM/TO, .. for open); default every version")
	fs.StringVar(&cfg.Data, "data", "", "folder of COLLECTION.geojson layers or a .gpkg (default: the embedded layers)")
	fs.StringVar(&cfg.Out, "o", "", "output file (required)")
	if err := fs.Parse(args); err != nil {
		return cfg, errSilent
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("export: unexpected argument %q", fs.Arg(0))
	}
	if err := envDefaults(fs, getenv); err != nil {
		return cfg, fmt.Errorf("export: %w", err)
	}
	if !slices.Contains(exportFormats, cfg.Format) {
		return cfg, fmt.Errorf("export: --format %q is not one of %s", cfg.Format, strings.Join(exportFormats, ", "))
	}
	if cfg.Out == "" {
		return cfg, errors.New("export: -o FILE is required")
	}
	if cfg.Collection == "" && cfg.Format != "gpkg" && cfg.Format != "qgis" {
		return cfg, fmt.Errorf("export: --format %s holds one collection: give --collection", cfg.Format)
	}
	return cfg, nil
}

// parseInterval reads --datetime: a date, or FROM/TO with ".." or nothing
// for an open end.
func parseInterval(s string) (geo.Interval, error) {
	var iv geo.Interval
	if s == "" {
		return iv, nil
	}
	from, to, isInterval := strings.Cut(s, "/")
	date := func(p string) (time.Time, error) {
		if isInterval && (p == "" || p == "..") {
			return time.Time{}, nil
		}
		return geo.ParseDate("datetime", p)
	}
	var err error
	if iv.From, err = date(from); err != nil {
		return iv, err
	}
	iv.To = iv.From
	if isInterval {
		if iv.To, err = date(to); err != nil {
			return iv, err
		}
	}
	if !iv.Valid() {
		return iv, geo.Invalidf("datetime", "%q ends before it starts", s)
	}
	return iv, nil
}

// runExport writes collections of the data as a file: `beibeimap export
// --format F [--collection ID] [--datetime D] [--data DIR] -o FILE`. The
// file is written aside and renamed into place, so a failed export leaves
// no partial file. On a terminal stderr shows a progress bar; piped, it
// stays quiet.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseExport(args, getenv, stderr)
	if err != nil {
		return err
	}
	iv, err := parseInterval(cfg.Datetime)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cols, err := data.Load(layers(cfg.Data))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var ls []gpkg.Layer
	total := 0
	for _, c := range cols {
		if cfg.Collection != "" && c.ID != cfg.Collection {
			continue
		}
		var feats []*geo.Feature
		for _, f := range c.Features {
			if f.Valid.Overlaps(iv) {
				feats = append(feats, f)
			}
		}
		ls = append(ls, gpkg.Layer{Collection: c, Features: feats})
		total += len(feats)
	}
	if len(ls) == 0 {
		return fmt.Errorf("export: no collection %q", cfg.Collection)
	}
	bar := progress(stderr, total, "export "+filepath.Base(cfg.Out))
	tmp := cfg.Out + ".part"
	os.Remove(tmp)
	if err := writeExport(ctx, cfg.Format, tmp, ls, bar); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, cfg.Out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export: %w", err)
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(stderr)
	}
	return nil
}

// progress returns a progress bar on stderr when it is a terminal, else
// nil.
func progress(stderr io.Writer, total int, what string) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond))
}

// writeExport writes layers as format to the new file path; bar, when
// set, follows the features written.
func writeExport(ctx context.Context, format, path string, ls []gpkg.Layer, bar *progressbar.ProgressBar) error {
	if format == "gpkg" {
		opt := gpkg.Options{Sources: "Exported by beibeimap export."}
		if bar != nil {
			opt.Progress = func(n int) { bar.Set(n) }
		}
		return gpkg.Write(ctx, path, ls, opt)
	}
	if format == "qgis" {
		dir, err := os.MkdirTemp("", "beibeimap-export-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		data := filepath.Join(dir, qgis.DataName)
		if err := writeExport(ctx, "gpkg", data, ls, bar); err != nil {
			return err
		}
		cols := make([]*geo.Collection, len(ls))
		for i, l := range ls {
			cols[i] = l.Collection
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = qgis.WriteQGZ(f, cols, data, "Exported by beibeimap export.", time.Now())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	l := ls[0]
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	switch format {
	case "shp":
		err = shapefile.WriteZIP(w, l.Collection, l.Features, nil, time.Now())
	case "kml":
		err = export.WriteKML(w, l.Collection, l.Features, nil)
	case "csv":
		err = export.WriteCSV(w, l.Features, nil, false)
	case "geojson":
		err = writeLayer(w, l)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && bar != nil {
		bar.Set(len(l.Features))
	}
	return err
}

// writeLayer writes l as a layer file of data.Load: a GeoJSON
// FeatureCollection with title, description, attribution and license.
func writeLayer(w io.Writer, l gpkg.Layer) error {
	c := l.Collection
	fc := geojson.NewFeatureCollection()
	fc.ExtraMembers = geojson.Properties{"title": c.Title, "description": c.Description, "attribution": c.Attribution, "license": c.License}
	for _, f := range l.Features {
		gf := geojson.NewFeature(f.Geometry)
		gf.ID = f.ID
		gf.Properties = f.Properties
		fc.Append(gf)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
