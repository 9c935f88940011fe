package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"beibeimap/data/postgis"
	"beibeimap/geo"
)

// isPostgresURL reports whether s names a PostgreSQL database, the one
// kind of --source there is besides a folder (--data).
func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// openPostGIS loads the first snapshot of the PostGIS database at url. The
// server does not start without data, so a database that is down or holds
// bad data at start is an error; later failures only keep the data.
func openPostGIS(ctx context.Context, url string, log *slog.Logger) (*postgis.Source, *geo.Snapshot, error) {
	src, err := postgis.NewSource(url, log)
	if err != nil {
		return nil, nil, err
	}
	snap, err := src.Snapshot(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", src, err)
	}
	return src, snap, nil
}

// followPostGIS republishes src's data in store on every change until ctx
// ends (postgis.Source.Watch), telling loaded (the server's /readyz and
// metrics) of each reload; it only returns early on a fatal listener
// error, which it logs: the data then stays as last loaded.
func followPostGIS(ctx context.Context, src *postgis.Source, store *geo.Store, loaded func(*geo.Snapshot, time.Duration, error), log *slog.Logger) {
	if err := src.Watch(ctx, store, loaded); err != nil {
		log.Error("no longer following the database; serving the last data loaded", "source", src.String(), "err", err)
	}
}
