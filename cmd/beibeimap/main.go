// Command beibeimap serves the map of the new Beibei district: the lookup
// API, OGC API – Features and the map page, from embedded default layers or
// a folder of the user's own.
//
// Usage:
//
//	beibeimap serve [--addr 127.0.0.1:8080] [--data DIR] [--cors ORIGINS] [--basemap URL] [--watch 0s]
//	                [--base-url URL] [--trusted-proxies CIDRS] [--log-format text|json] [--log-requests]
//	                [--shutdown-grace 10s] [--max-conns 1024] [--max-expensive 4]
//	beibeimap serve --source postgres://USER@HOST/DB
//	beibeimap lookup LON LAT [--crs C] [--date D] [--data DIR]
//	beibeimap lookup --address TEXT [--date D] [--data DIR]
//	beibeimap data build [--src DIR] [--out DIR]
//	beibeimap data check [--data DIR]
//	beibeimap tiles export [--format pmtiles|mbtiles] -o FILE [--minzoom 0] [--maxzoom 14] [--datetime D] [--data DIR]
//	beibeimap export --format gpkg|qgis|shp|kml|csv|geojson [--collection ID] [--datetime D] [--data DIR] -o FILE
//	beibeimap data push --to postgres://USER@HOST/DB [--data DIR]
//
// Every flag can also be given as an environment variable BEIBEIMAP_NAME
// (BEIBEIMAP_ADDR, BEIBEIMAP_DATA, …); a flag on the command line wins.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "beibeimap:", err)
		}
		os.Exit(1)
	}
}

// errSilent is returned by a command that has already told the user what
// went wrong; main exits 1 without printing more.
var errSilent = errors.New("failed")

const usage = `usage:
  beibeimap serve [--addr 127.0.0.1:8080] [--data DIR] [--cors ORIGINS] [--basemap URL] [--watch DURATION]
                  [--base-url URL] [--trusted-proxies CIDRS] [--log-format text|json] [--log-requests=false]
                  [--shutdown-grace DURATION] [--max-conns N] [--max-expensive N]
  beibeimap lookup LON LAT [--crs wgs84|gcj02|bd09] [--date YYYY-MM-DD] [--data DIR]
  beibeimap lookup --address TEXT [--date YYYY-MM-DD] [--data DIR]
  beibeimap data build [--src DIR] [--out DIR]
  beibeimap data check [--data DIR]
  beibeimap tiles export [--format pmtiles|mbtiles] -o FILE [--minzoom 0] [--maxzoom 14] [--datetime YYYY-MM-DD|..] [--data DIR]
  beibeimap export --format gpkg|qgis|shp|kml|csv|geojson [--collection ID] [--datetime D] [--data DIR] -o FILE
  beibeimap data push --to postgres://… [--data DIR]
  beibeimap serve --source postgres://… [--addr …] (follows edits made in PostGIS)
Flags may also be set as BEIBEIMAP_<FLAG> environment variables.`

// run dispatches the sub-command in args. getenv supplies the BEIBEIMAP_*
// environment; stdout and stderr receive output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errSilent
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "lookup":
		return runLookup(ctx, args[1:], getenv, stdout, stderr)
	case "data":
		return runData(args[1:], getenv, stdout, stderr)
	case "tiles":
		return runTiles(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s\n", args[0], usage)
	return errSilent
}
