package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"beibeimap/data"
	"beibeimap/data/postgis"
)

// runDataPush runs `beibeimap data push --to postgres://… [--data DIR]`:
// it validates the layers as the server would (data.LoadSnapshot) and
// writes them to the database in one transaction (postgis.Push), so a
// fresh database is seeded and servers following it reload once.
func runDataPush(ctx context.Context, fset *flag.FlagSet, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	to := fset.String("to", "", "postgres:// URL of the database to write (required)")
	dir := fset.String("data", "", "folder of COLLECTION.geojson layers (default: the embedded layers)")
	if done, err := parseNoArgs(fset, args, getenv, stderr); done {
		return err
	}
	if !isPostgresURL(*to) {
		return fmt.Errorf("data push: --to (or BEIBEIMAP_TO) must be a postgres:// URL")
	}
	snap, err := data.LoadSnapshot(layers(*dir))
	if err != nil {
		return fmt.Errorf("data push: %w", err)
	}
	conn, err := pgx.Connect(ctx, *to)
	if err != nil {
		return fmt.Errorf("data push: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := postgis.Push(ctx, conn, snap.Collections()); err != nil {
		return fmt.Errorf("data push: %w", err)
	}
	n := 0
	for _, c := range snap.Collections() {
		n += len(c.Features)
	}
	fmt.Fprintf(stdout, "pushed %d collections, %d features (data %s)\n", len(snap.Collections()), n, snap.Version())
	return nil
}
