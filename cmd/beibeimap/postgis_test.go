package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/data/postgis/pgtest"
	"beibeimap/geo"
)

// serverLog collects what a serve command writes to stderr and hands over
// the address of its "listening on" line.
type serverLog struct {
	mu   sync.Mutex
	b    bytes.Buffer
	addr chan string
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if _, rest, ok := strings.Cut(string(p), "listening on "); ok && l.addr != nil {
		l.addr <- strings.Fields(rest)[0]
		l.addr = nil
	}
	return len(p), nil
}

func (l *serverLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServeEnv runs `beibeimap serve` with args on port 0 until the test
// ends and returns its base URL and log.
func startServeEnv(t *testing.T, env map[string]string, args ...string) (string, *serverLog) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &serverLog{addr: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, io.Discard, log)
	}()
	t.Cleanup(func() {
		// Connections the client dialled but never used count for the
		// server as new, not idle, and hold up its shutdown for 5 s.
		http.DefaultClient.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve %v: %v", args, err)
		}
	})
	select {
	case base := <-log.addr:
		return base, log
	case err := <-done:
		done <- err
		t.Fatalf("serve %v did not start: %v\n%s", args, err, log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve %v did not start in 30 s\n%s", args, log.String())
	}
	return "", nil
}

// response is what the comparisons look at.
type response struct {
	status int
	etag   string
	body   []byte
}

// get fetches path with a fixed Host header, so that two servers on two
// ports write the same links, as two replicas behind one proxy do.
func get(t *testing.T, base, path string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "map.example.org"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header.Get("ETag"), b}
}

// timeStamp is the one member of an answer that depends on when it was
// made (OGC API – Features: the time the response was generated).
var timeStamp = regexp.MustCompile(`"timeStamp":"[^"]*"`)

// untimed is b without its timeStamp.
func untimed(b []byte) []byte { return timeStamp.ReplaceAll(b, nil) }

// seatOf returns the seat point of township code in the embedded data.
func seatOf(t *testing.T, code string) [2]float64 {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := snap.Collection("seats")
	for _, f := range c.Features {
		if f.Properties["township"] == code {
			b := f.Geometry.Bound()
			return [2]float64{b.Min[0], b.Min[1]}
		}
	}
	t.Fatalf("no seat of township %s", code)
	return [2]float64{}
}

func lookupTownship(t *testing.T, r response) string {
	t.Helper()
	var a struct {
		Township *struct{ Name string }
	}
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("lookup answer: %v: %s", err, r.body)
	}
	if a.Township == nil {
		return ""
	}
	return a.Township.Name
}

// TestPostGISSource is the PostGIS source end to end with a real cluster:
// data push, serve --source answering byte for byte like the embedded
// files, an UPDATE visible within 2 s, an invalid UPDATE reported and not
// served, and a database restart under load failing no request.
func TestPostGISSource(t *testing.T) {
	pg := pgtest.Start(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"data", "push"}, func(k string) string {
		return map[string]string{"BEIBEIMAP_TO": pg.URL()}[k]
	}, &out, io.Discard); err != nil {
		t.Fatalf("data push: %v", err)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("pushed %d collections", len(geo.CollectionIDs))) {
		t.Errorf("data push said %q", out.String())
	}

	files, _ := startServeEnv(t, nil)
	db, log := startServeEnv(t, map[string]string{"BEIBEIMAP_SOURCE": pg.URL()})
	seat := seatOf(t, "500109002") // 朝阳街道
	lookup := fmt.Sprintf("/lookup?lon=%v&lat=%v", seat[0], seat[1])
	paths := []string{
		"/collections",
		"/collections/townships/items?limit=100",
		"/collections/districts/items?limit=100&f=json",
		"/collections/seats/items?limit=100&bbox=106.3,29.7,106.7,30.0",
		"/collections/planning-zones/items",
		"/collections/projects/items",
		"/collections/corridors/items",
		"/collections/townships/items/500109002",
		"/collections/townships/queryables",
		lookup,
		"/lookup?lon=106.44&lat=29.83&date=2025-06-01",
		"/lookup?address=" + "统景镇",
		"/tiles/10/814/423.mvt",
		"/tiles/8/203/105.mvt",
	}
	for _, p := range paths {
		want, got := get(t, files, p), get(t, db, p)
		if want.status != http.StatusOK {
			t.Errorf("%s from files: status %d", p, want.status)
		}
		if got.status != want.status || !bytes.Equal(untimed(got.body), untimed(want.body)) {
			t.Errorf("%s: PostGIS answered %d (%d bytes), files %d (%d bytes)", p, got.status, len(got.body), want.status, len(want.body))
		}
		if got.etag != want.etag || (got.etag == "" && !strings.HasPrefix(p, "/lookup")) {
			t.Errorf("%s: ETag %q from PostGIS, %q from files", p, got.etag, want.etag)
		}
	}
	if name := lookupTownship(t, get(t, db, lookup)); name != "朝阳街道" {
		t.Fatalf("the seat of 朝阳街道 is in %q before any edit", name)
	}

	// An edit as GIS staff make it: move the township away from its seat.
	before := get(t, db, "/collections/townships/items/500109002")
	start := time.Now()
	pg.Exec(`UPDATE beibeimap.townships SET geom = ST_Translate(geom, 0.5, 0) WHERE id = '500109002'`)
	var moved response
	for {
		moved = get(t, db, lookup)
		if lookupTownship(t, moved) != "朝阳街道" {
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the moved township still answers /lookup after 2 s\n%s", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("reload delay after UPDATE: %v (visible in /lookup)", time.Since(start).Round(time.Millisecond))
	item := get(t, db, "/collections/townships/items/500109002")
	if bytes.Equal(item.body, before.body) || item.etag == before.etag {
		t.Error("/lookup saw the edit but the item did not change (body or ETag)")
	}

	// An invalid edit is reported and not served.
	pg.Exec(`CREATE TABLE public.saved AS SELECT geom FROM beibeimap.townships WHERE id = '500109002'`)
	pg.Exec(`UPDATE beibeimap.townships SET geom = ST_GeomFromText('MULTIPOLYGON(((106.4 29.8,106.5 29.9,106.5 29.8,106.4 29.9,106.4 29.8)))', 4326) WHERE id = '500109002'`)
	for start = time.Now(); !strings.Contains(log.String(), "Self-intersection"); time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the invalid geometry was not reported within 2 s\n%s", log.String())
		}
	}
	if got := get(t, db, "/collections/townships/items/500109002"); !bytes.Equal(got.body, item.body) || got.etag != item.etag {
		t.Error("the invalid geometry is served")
	}
	var ready struct {
		Status   string
		LastLoad struct{ Error string }
	}
	r := get(t, db, "/readyz")
	if err := json.Unmarshal(r.body, &ready); err != nil || r.status != http.StatusOK || ready.Status != "ready" || !strings.Contains(ready.LastLoad.Error, "Self-intersection") {
		t.Errorf("/readyz after the invalid edit: %d %s: want ready (the last good data is served) with the failed load's error", r.status, r.body)
	}

	// Restarting the database under load fails no request: the data is
	// in memory, and the listener reconnects on its own.
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := paths[i%len(paths)]; ; {
				select {
				case <-stop:
					return
				default:
				}
				res, err := http.Get(db + p)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprint(p, err, res))
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	pg.Restart()
	pg.Exec(`UPDATE beibeimap.townships SET geom = ST_Translate((SELECT geom FROM public.saved), -0.5, 0) WHERE id = '500109002'`)
	for start = time.Now(); lookupTownship(t, get(t, db, lookup)) != "朝阳街道"; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("an edit after the restart was not seen in 10 s\n%s", log.String())
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("during the restart: %d requests answered, %d failed", ok.Load(), failed.Load())
	if failed.Load() > 0 || ok.Load() == 0 {
		t.Errorf("%d requests failed (first: %v), %d answered", failed.Load(), firstErr.Load(), ok.Load())
	}
	if !strings.Contains(log.String(), "reconnecting") {
		t.Errorf("the lost connection was not logged\n%s", log.String())
	}
}

func TestParseServeSource(t *testing.T) {
	env := map[string]string{"BEIBEIMAP_SOURCE": "postgres://gis@db/map"}
	cfg, err := parseServe(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil || cfg.Source != "postgres://gis@db/map" {
		t.Errorf("BEIBEIMAP_SOURCE: cfg %+v, %v", cfg, err)
	}
	for _, args := range [][]string{{"--source", "/srv/layers"}, {"--source", "postgres://db/map", "--data", "/srv"}} {
		if _, err := parseServe(args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
