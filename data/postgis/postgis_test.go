package postgis_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/data/postgis"
	"beibeimap/data/postgis/pgtest"
	"beibeimap/geo"
)

// syncBuffer is a log sink that the watcher writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// pushDefault starts a cluster and pushes the embedded layers into it.
func pushDefault(t *testing.T) (*pgtest.Cluster, *geo.Snapshot) {
	t.Helper()
	pg := pgtest.Start(t)
	cols, err := data.Load(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn := pg.Connect(ctx)
	defer conn.Close(ctx)
	if err := postgis.Push(ctx, conn, cols); err != nil {
		t.Fatal(err)
	}
	want, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	return pg, want
}

// TestPushLoadRoundTrip: the embedded layers pushed into PostGIS and read
// back are the same data — the same snapshot version, which hashes every
// id, property and coordinate bit — and a second push replaces, not adds.
func TestPushLoadRoundTrip(t *testing.T) {
	pg, want := pushDefault(t)
	ctx := context.Background()
	conn := pg.Connect(ctx)
	defer conn.Close(ctx)
	got, err := postgis.LoadSnapshot(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version() != want.Version() {
		t.Errorf("version from PostGIS %s, from the files %s", got.Version(), want.Version())
	}
	var ids []string
	for _, c := range got.Collections() {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, " ") != strings.Join(geo.CollectionIDs, " ") {
		t.Errorf("collections %v, want %v in that order", ids, geo.CollectionIDs)
	}
	for _, c := range want.Collections() {
		gc, err := got.Collection(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gc.Title != c.Title || gc.Description != c.Description || gc.Attribution != c.Attribution || gc.License != c.License {
			t.Errorf("%s: metadata differ", c.ID)
		}
		for i, f := range c.Features {
			if gc.Features[i].ID != f.ID || gc.Features[i].Valid != f.Valid {
				t.Errorf("%s feature %d: %s %v, want %s %v", c.ID, i, gc.Features[i].ID, gc.Features[i].Valid, f.ID, f.Valid)
			}
		}
	}
	// GiST index, trigger and geometry type are in place.
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'beibeimap' AND indexdef LIKE '%USING gist (geom)%'`).Scan(&n); err != nil || n != len(want.Collections()) {
		t.Errorf("%d GiST indexes (%v), want %d", n, err, len(want.Collections()))
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgname = 'beibeimap_notify'`).Scan(&n); err != nil || n != len(want.Collections())+1 {
		t.Errorf("%d notify triggers (%v), want one a table and the catalogue's", n, err)
	}
	var typ string
	if err := conn.QueryRow(ctx, `SELECT type FROM geometry_columns WHERE f_table_schema = 'beibeimap' AND f_table_name = 'townships'`).Scan(&typ); err != nil || typ != "MULTIPOLYGON" {
		t.Errorf("townships geometry type %q (%v), want MULTIPOLYGON", typ, err)
	}
	cols, _ := data.Load(data.Default())
	if err := postgis.Push(ctx, conn, cols); err != nil {
		t.Fatalf("second push: %v", err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM beibeimap.townships`).Scan(&n); err != nil || n != len(cols[1].Features) {
		t.Errorf("after a second push %d townships (%v), want %d", n, err, len(cols[1].Features))
	}
}

// TestLoadRefusesBadData: what PostGIS accepts but the service must not
// serve fails the load with geo.ErrInvalid naming the feature.
func TestLoadRefusesBadData(t *testing.T) {
	pg, _ := pushDefault(t)
	ctx := context.Background()
	cases := []struct {
		name, sql, want string
	}{
		{"self-intersecting ring",
			`UPDATE beibeimap.townships SET geom = ST_GeomFromText('MULTIPOLYGON(((106.4 29.8,106.5 29.9,106.5 29.8,106.4 29.9,106.4 29.8)))', 4326) WHERE id = '500109002'`,
			"Self-intersection"},
		{"properties not an object",
			`ALTER TABLE beibeimap.seats DROP CONSTRAINT seats_properties_check; UPDATE beibeimap.seats SET properties = '[1]' WHERE position = 1`,
			"JSON object"},
		{"bad date",
			`UPDATE beibeimap.projects SET properties = properties || '{"valid_from":"2026-02-30"}' WHERE position = 1`,
			"valid_from"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn := pg.Connect(ctx)
			defer conn.Close(ctx)
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, tc.sql); err != nil {
				t.Fatalf("PostGIS refused the edit itself: %v", err)
			}
			_, err = postgis.LoadSnapshot(ctx, tx)
			if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

// TestWatch: an UPDATE committed in PostGIS is published within 2 s; an
// invalid one is logged and not published; the database restarting keeps
// the data and a later edit is still seen.
func TestWatch(t *testing.T) {
	pg, want := pushDefault(t)
	var logs syncBuffer
	src, err := postgis.NewSource(pg.URL(), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	snap, err := src.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store := geo.NewStore(snap)
	done := make(chan error, 1)
	go func() { done <- src.Watch(ctx, store, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch returned %v", err)
		}
	}()
	waitVersion := func(what string, changed func(*geo.Snapshot) bool) *geo.Snapshot {
		t.Helper()
		start := time.Now()
		for time.Since(start) < 2*time.Second {
			if s := store.Snapshot(); changed(s) {
				t.Logf("%s published after %v", what, time.Since(start).Round(time.Millisecond))
				return s
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("%s not published within 2 s; log:\n%s", what, logs.String())
		return nil
	}
	waitLog := func(what string) {
		t.Helper()
		start := time.Now()
		for time.Since(start) < 2*time.Second {
			if strings.Contains(logs.String(), what) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("%q not logged within 2 s; log:\n%s", what, logs.String())
	}

	pg.Exec(`UPDATE beibeimap.townships SET geom = ST_Translate(geom, 0.001, 0) WHERE id = '500109002'`)
	moved := waitVersion("a moved township", func(s *geo.Snapshot) bool { return s.Version() != want.Version() })
	f, err := moved.Feature("townships", "500109002")
	if err != nil {
		t.Fatal(err)
	}
	old, _ := want.Feature("townships", "500109002")
	if got, was := f.Geometry.Bound().Min[0], old.Geometry.Bound().Min[0]; got-was < 0.0009 || got-was > 0.0011 {
		t.Errorf("west edge %v, was %v: want moved by 0.001°", got, was)
	}

	pg.Exec(`UPDATE beibeimap.townships SET geom = ST_GeomFromText('MULTIPOLYGON(((106.4 29.8,106.5 29.9,106.5 29.8,106.4 29.9,106.4 29.8)))', 4326) WHERE id = '500109002'`)
	waitLog("Self-intersection")
	if store.Snapshot() != moved {
		t.Fatal("an invalid geometry replaced the good data")
	}

	pg.Restart()
	if store.Snapshot() != moved {
		t.Fatal("a database restart replaced the data")
	}
	pg.Exec(`UPDATE beibeimap.townships SET geom = (SELECT geom FROM beibeimap.districts WHERE id = '500109') WHERE id = '500109002'`)
	waitVersion("an edit after the restart", func(s *geo.Snapshot) bool { return s != moved })
	if !strings.Contains(logs.String(), "reconnecting") {
		t.Errorf("the lost connection was not reported; log:\n%s", logs.String())
	}
}

// TestWatchBacksOff: while the database is down the listener retries with
// growing waits (100 ms doubling: about 5 attempts in 2 s, not hundreds),
// keeps the data, and follows edits again once the database is back.
func TestWatchBacksOff(t *testing.T) {
	pg, want := pushDefault(t)
	var logs syncBuffer
	src, err := postgis.NewSource(pg.URL(), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := geo.NewStore(want)
	go src.Watch(ctx, store, nil)
	pg.Stop()
	before := strings.Count(logs.String(), "reconnecting")
	time.Sleep(2 * time.Second) // the window the attempts are counted in
	attempts := strings.Count(logs.String(), "reconnecting") - before
	t.Logf("%d reconnection attempts in 2 s with the database down", attempts)
	if attempts < 2 || attempts > 8 {
		t.Errorf("%d reconnection attempts in 2 s, want 2 to 8 (back-off from 100 ms)\n%s", attempts, logs.String())
	}
	if store.Snapshot() != want {
		t.Fatal("the data changed while the database was down")
	}
	pg.Begin()
	pg.Exec(`UPDATE beibeimap.seats SET properties = properties || '{"population": 1}' WHERE position = 1`)
	for start := time.Now(); store.Snapshot() == want; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 7*time.Second { // the longest wait is 5 s
			t.Fatalf("no reload after the database came back\n%s", logs.String())
		}
	}
}

// TestLoadFromView: a collection may be read from a view over an office's
// own table, as data/README.md says; beibeimap.watch makes that table
// notify.
func TestLoadFromView(t *testing.T) {
	pg, want := pushDefault(t)
	pg.Exec(`CREATE TABLE public.towns AS SELECT id AS code, properties AS attrs, geom AS shape, position AS ord FROM beibeimap.townships;
CREATE VIEW public.towns_v AS SELECT code AS id, attrs AS properties, shape AS geom, ord AS position FROM public.towns;
UPDATE beibeimap.collections SET relation = 'public.towns_v' WHERE id = 'townships';
DROP TABLE beibeimap.townships;
SELECT beibeimap.watch('public.towns')`)
	ctx := context.Background()
	conn := pg.Connect(ctx)
	defer conn.Close(ctx)
	got, err := postgis.LoadSnapshot(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version() != want.Version() {
		t.Errorf("version read through the view %s, from the files %s", got.Version(), want.Version())
	}
	if _, err := conn.Exec(ctx, "LISTEN beibeimap"); err != nil {
		t.Fatal(err)
	}
	pg.Exec(`UPDATE public.towns SET shape = ST_Translate(shape, 0.001, 0) WHERE code = '500109002'`)
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	n, err := conn.WaitForNotification(wctx)
	if err != nil || n.Channel != postgis.Channel || n.Payload != "public.towns" {
		t.Fatalf("notification %+v, %v: want one on %q from public.towns", n, err, postgis.Channel)
	}
}
