package main

import (
	"beibeimap/data/clienttest"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/server"
	"beibeimap/tiles"
)

func TestParseTilesExport(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := parseTilesExport([]string{"-o", "x.pmtiles", "--maxzoom", "10", "--datetime", "2026-11-29"}, none, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Format != "pmtiles" || cfg.MinZoom != 0 || cfg.MaxZoom != 10 || cfg.Date.Format(geo.DateLayout) != "2026-11-29" {
		t.Errorf("cfg = %+v", cfg)
	}
	if cfg, err := parseTilesExport([]string{"-o", "x", "--format", "mbtiles", "--datetime", ".."}, none, io.Discard); err != nil || cfg.Format != "mbtiles" || !cfg.Date.IsZero() {
		t.Errorf("--format mbtiles --datetime ..: %+v, %v", cfg, err)
	}
	for name, args := range map[string][]string{
		"no -o":        {"--format", "pmtiles"},
		"bad format":   {"-o", "x.zip"},
		"zoom too far": {"-o", "x.pmtiles", "--maxzoom", "19"},
		"zoom order":   {"-o", "x.pmtiles", "--minzoom", "5", "--maxzoom", "4"},
		"bad date":     {"-o", "x.pmtiles", "--datetime", "tomorrow"},
		"extra":        {"-o", "x.pmtiles", "more"},
	} {
		if _, err := parseTilesExport(args, none, io.Discard); err == nil {
			t.Errorf("%s: accepted %v", name, args)
		}
	}
}

// exportFor runs `beibeimap tiles export` into dir and returns the file.
func exportFor(t *testing.T, dir, format string, maxZoom int) string {
	t.Helper()
	out := filepath.Join(dir, "beibei."+format)
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"tiles", "export", "-o", out, "--maxzoom", strconv.Itoa(maxZoom), "--datetime", "2026-11-29"},
		func(string) string { return "" }, &stdout, &stderr)
	if err != nil {
		t.Fatalf("tiles export: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("tiles export wrote on stderr (a progress bar when not on a terminal?): %q", stderr.String())
	}
	t.Log(strings.TrimSpace(stdout.String()))
	return out
}

// tileServer serves the embedded data on a fixed clock.
func tileServer(t *testing.T) (*httptest.Server, *geo.Snapshot) {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Config{Store: geo.NewStore(snap),
		Now: func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }}))
	t.Cleanup(ts.Close)
	return ts, snap
}

// TestTilesExportPMTiles reads the PMTiles export back tile by tile with
// go-pmtiles' header and directory decoders and compares every tile with
// what /tiles serves for the same date; every tile /tiles fills is in the
// archive, and go-pmtiles' own verifier accepts it.
func TestTilesExportPMTiles(t *testing.T) {
	file := exportFor(t, t.TempDir(), "pmtiles", 10)
	if err := pmtiles.Verify(log.New(io.Discard, "", 0), file); err != nil {
		t.Errorf("pmtiles.Verify: %v", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pmtiles.DeserializeHeader(b[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	if h.SpecVersion != 3 || h.TileType != pmtiles.Mvt || h.TileCompression != pmtiles.Gzip || h.MinZoom != 0 || h.MaxZoom != 10 {
		t.Errorf("header %+v", h)
	}
	meta, err := pmtiles.DeserializeMetadata(bytes.NewReader(b[h.MetadataOffset:h.MetadataOffset+h.MetadataLength]), h.InternalCompression)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := meta["attribution"].(string); !strings.Contains(a, "GeoNames") || meta["vector_layers"] == nil {
		t.Errorf("metadata lacks the attribution or vector_layers: %v", meta)
	}
	// The region's facts, as /map/config.json gives them, for the map
	// page's tiles mode (web/src/tilesmode.js).
	if r, _ := meta["region"].(map[string]any); r == nil || r["change_date"] != "2026-01-25" ||
		r["target"].(map[string]any)["name"] != geo.Redrawing2026.Target.Name || len(r["moves"].([]any)) != len(geo.Redrawing2026.Moves) {
		t.Errorf("metadata region %v, want the facts of geo.Redrawing2026", meta["region"])
	}
	archived := map[maptile.Tile][]byte{}
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		for i := uint64(0); i < uint64(e.RunLength); i++ {
			z, x, y := pmtiles.IDToZxy(e.TileID + i)
			archived[maptile.New(x, y, maptile.Zoom(z))] = b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if uint64(len(archived)) != h.AddressedTilesCount {
		t.Errorf("%d tiles in the directories, header says %d", len(archived), h.AddressedTilesCount)
	}
	sameAsServer(t, archived)
}

// sameAsServer checks that the archived tiles (gzipped, by address) are
// exactly those /tiles fills for 2026-11-29, with the same bytes.
func sameAsServer(t *testing.T, archived map[maptile.Tile][]byte) {
	t.Helper()
	ts, snap := tileServer(t)
	served := 0
	for _, tl := range tiles.Candidates(snap, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), 0, 10) {
		resp, err := http.Get(fmt.Sprintf("%s/tiles/%d/%d/%d.mvt?date=2026-11-29", ts.URL, tl.Z, tl.X, tl.Y))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		gz, in := archived[tl]
		switch {
		case resp.StatusCode == http.StatusNoContent && in:
			t.Errorf("%v: archived, but /tiles has nothing", tl)
		case resp.StatusCode == http.StatusOK && !in:
			t.Errorf("%v: /tiles serves %d bytes the archive lacks", tl, len(want))
		case resp.StatusCode == http.StatusOK:
			served++
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatalf("%v: %v", tl, err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%v: archived tile (%d bytes, %v) differs from /tiles (%d bytes)", tl, len(got), err, len(want))
			}
		case resp.StatusCode != http.StatusNoContent:
			t.Fatalf("%v: status %d", tl, resp.StatusCode)
		}
	}
	if served == 0 || served != len(archived) {
		t.Errorf("/tiles served %d tiles, the archive holds %d", served, len(archived))
	}
}

// TestTilesExportMBTilesClients reads the MBTiles export back with SQL and
// compares it with /tiles, opens it with GDAL, which
// must list every collection as a layer with features and print nothing on
// stderr, and with QGIS as a vector tile layer styled by /tiles/style.json,
// which must fill each polygon layer's pixels over Beibei.
func TestTilesExportMBTilesClients(t *testing.T) {
	ogrinfo := clienttest.Require(t, "ogrinfo")
	file := exportFor(t, t.TempDir(), "mbtiles", 10)
	ts, snap := tileServer(t)

	// The tiles read back through SQL (the tiles view, TMS rows) are
	// those /tiles serves.
	db, err := sql.Open("sqlite", file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
	if err != nil {
		t.Fatal(err)
	}
	archived := map[maptile.Tile][]byte{}
	for rows.Next() {
		var z, x, y int
		var b []byte
		if err := rows.Scan(&z, &x, &y, &b); err != nil {
			t.Fatal(err)
		}
		archived[maptile.New(uint32(x), uint32(1<<z-1-y), maptile.Zoom(z))] = b
	}
	rows.Close()
	db.Close()
	sameAsServer(t, archived)

	cmd := exec.Command(ogrinfo, "-ro", "-al", "-so", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, stderr.String())
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Errorf("ogrinfo warned: %s", s)
	}
	counts := map[string]int{}
	re := regexp.MustCompile(`(?m)^Layer name: (\S+)$[\s\S]*?^Feature Count: (\d+)$`)
	for _, m := range re.FindAllStringSubmatch(stdout.String(), -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	for _, c := range snap.Collections() {
		if counts[c.ID] == 0 {
			t.Errorf("GDAL lists layer %s with %d features (all: %v)", c.ID, counts[c.ID], counts)
		}
	}

	python := clienttest.Require(t, "/usr/bin/python3")
	a, b := geo.WebMercator.FromWGS84(orb.Point{106.3, 29.7}), geo.WebMercator.FromWGS84(orb.Point{106.9, 30.1})
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	q := exec.Command(python, "-u", filepath.Join("..", "..", "server", "testdata", "qgis_tiles.py"), ts.URL, f(a[0]), f(a[1]), f(b[0]), f(b[1]), file)
	q.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
	out, err := q.Output()
	if err != nil {
		t.Fatalf("qgis_tiles.py: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var o struct {
		Valid       bool           `json:"valid"`
		StyleLoaded bool           `json:"styleLoaded"`
		FillPixels  map[string]int `json:"fillPixels"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &o); err != nil {
		t.Fatalf("qgis_tiles.py printed %q: %v", out, err)
	}
	if !o.Valid || !o.StyleLoaded {
		t.Fatalf("QGIS: MBTiles layer valid %v, style loaded %v", o.Valid, o.StyleLoaded)
	}
	for _, layer := range []string{"districts", "townships", "planning-zones"} {
		if n := o.FillPixels[layer]; n < 655 {
			t.Errorf("QGIS filled %d pixels of %s from the MBTiles, want ≥ 655 (1%% of the image)", n, layer)
		}
	}
	t.Logf("QGIS fill pixels from the MBTiles: %v", o.FillPixels)
}
