package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
)

// lookupConfig is the configuration of `beibeimap lookup`.
type lookupConfig struct {
	Lon, Lat float64
	CRS      geo.CRS
	Date     time.Time
	Address  string
	Data     string
}

// lookupValueFlags are the flags of `lookup`; each takes a value.
var lookupValueFlags = []string{"crs", "date", "data", "address"}

// splitLookupArgs separates flags (with their values) from the positional
// LON LAT, which may come before, between or after the flags and may be
// negative numbers.
func splitLookupArgs(args []string) (flags, pos []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(pos, args[i+1:]...)
		}
		if _, err := strconv.ParseFloat(a, 64); err == nil || !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		for _, f := range lookupValueFlags {
			if f == name && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return flags, pos
}

// parseLookup parses the arguments of `lookup`. Errors are for the user,
// with the flag or argument they concern.
func parseLookup(args []string, getenv func(string) string, now time.Time, stderr io.Writer) (lookupConfig, error) {
	var cfg lookupConfig
	var crs, date string
	fs := newFlagSet("lookup", stderr)
	fs.StringVar(&crs, "crs", "wgs84", "coordinate system of LON LAT: wgs84, gcj02 or bd09")
	fs.StringVar(&date, "date", "", "date of the layout, YYYY-MM-DD (default: today in China)")
	fs.StringVar(&cfg.Data, "data", "", "folder of COLLECTION.geojson layers (default: the embedded layers)")
	fs.StringVar(&cfg.Address, "address", "", "free text to look up instead of LON LAT (Chinese, pinyin or English)")
	flags, pos := splitLookupArgs(args)
	if err := fs.Parse(flags); err != nil {
		return cfg, errSilent
	}
	addressGiven := false
	fs.Visit(func(f *flag.Flag) { addressGiven = addressGiven || f.Name == "address" })
	if err := envDefaults(fs, getenv); err != nil {
		return cfg, fmt.Errorf("lookup: %w", err)
	}
	if len(pos) > 0 && !addressGiven {
		cfg.Address = "" // positional coordinates win over BEIBEIMAP_ADDRESS
	}
	var err error
	if cfg.CRS, err = geo.ParseCRS("crs", crs); err != nil {
		return cfg, fmt.Errorf("lookup: --crs: %w", err)
	}
	cfg.Date = geo.ChinaDate(now)
	if date != "" {
		if cfg.Date, err = geo.ParseDate("date", date); err != nil {
			return cfg, fmt.Errorf("lookup: --date: %w", err)
		}
	}
	switch {
	case cfg.Address != "" && len(pos) > 0:
		return cfg, errors.New("lookup: give either LON LAT or --address, not both")
	case cfg.Address != "":
		return cfg, nil
	case len(pos) != 2:
		return cfg, fmt.Errorf("lookup: want LON LAT or --address TEXT, got %d arguments\n%s", len(pos), usage)
	}
	for i, dst := range []*float64{&cfg.Lon, &cfg.Lat} {
		v, err := strconv.ParseFloat(pos[i], 64)
		if err != nil {
			return cfg, fmt.Errorf("lookup: %s %q is not a number", []string{"LON", "LAT"}[i], pos[i])
		}
		*dst = v
	}
	if err := (geo.Query{Lon: cfg.Lon, Lat: cfg.Lat, CRS: cfg.CRS}).Validate(); err != nil {
		return cfg, fmt.Errorf("lookup: %w", err)
	}
	return cfg, nil
}

// runLookup prints the JSON answer of GET /lookup for a point or an
// address. Bad arguments and unrecognised addresses are reported on stderr
// and return errSilent.
func runLookup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseLookup(args, getenv, time.Now(), stderr)
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(stderr, "beibeimap:", err)
		}
		return errSilent
	}
	snap, err := data.LoadSnapshot(layers(cfg.Data))
	if err != nil {
		return fmt.Errorf("lookup: %w", err)
	}
	loc := geo.NewLocator(snap)
	var a geo.Answer
	if cfg.Address != "" {
		err = loc.LocateAddress(cfg.Address, cfg.Date, &a)
	} else {
		err = loc.Locate(geo.Query{Lon: cfg.Lon, Lat: cfg.Lat, CRS: cfg.CRS, Date: cfg.Date}, &a)
	}
	if err != nil {
		fmt.Fprintln(stderr, "beibeimap: lookup:", err)
		return errSilent
	}
	var out bytes.Buffer
	if err := json.Indent(&out, a.AppendJSON(nil), "", "  "); err != nil {
		return fmt.Errorf("lookup: %w", err)
	}
	out.WriteByte('\n')
	_, err = stdout.Write(out.Bytes())
	return err
}
