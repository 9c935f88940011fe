package tiles_test

import (
	"beibeimap/data/clienttest"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"beibeimap/data"
	"beibeimap/tiles"
)

// sampleTile is one tile of the outside checks and the date it is drawn for.
type sampleTile struct {
	t    maptile.Tile
	date time.Time
}

// specSample is the tile sample the issue asks for: every tile over the new
// Beibei at z8, z10, z12 and z14 (today's data), plus 50 tiles drawn with a
// fixed seed over Chongqing at z5–z16, half of them with every version of
// every feature (the zero date).
func specSample() []sampleTile {
	today := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	var s []sampleTile
	for _, z := range []maptile.Zoom{8, 10, 12, 14} {
		for _, t := range beibeiTiles(z) {
			s = append(s, sampleTile{t, today})
		}
	}
	r := rand.New(rand.NewPCG(sampleSeed, 2026))
	for i := 0; i < sampleRandom; i++ {
		p := orb.Point{105.28 + r.Float64()*(110.2-105.28), 28.16 + r.Float64()*(32.21-28.16)}
		d := today
		if i%2 == 1 {
			d = time.Time{}
		}
		s = append(s, sampleTile{maptile.At(p, maptile.Zoom(5+r.IntN(12))), d})
	}
	return s
}

// writeSample renders the sample from the embedded data into dir/z/x/y.mvt
// (the layout GDAL reads the tile address from; a tile drawn for two dates
// keeps the first) and returns the paths of the non-empty tiles.
func writeSample(t *testing.T, dir string) []string {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, st := range specSample() {
		b, err := tiles.Render(snap, st.t, st.date)
		if err != nil {
			t.Fatalf("render %v: %v", st.t, err)
		}
		if len(b) == 0 {
			continue
		}
		p := filepath.Join(dir, fmt.Sprint(st.t.Z), fmt.Sprint(st.t.X), fmt.Sprintf("%d.mvt", st.t.Y))
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if len(paths) < 100 {
		t.Fatalf("only %d non-empty tiles in the sample", len(paths))
	}
	return paths
}

// reportProblems fails the test with the first few problems of a list and
// their count.
func reportProblems(t *testing.T, who string, problems []string) {
	t.Helper()
	if len(problems) == 0 {
		return
	}
	show := problems
	if len(show) > 15 {
		show = show[:15]
	}
	t.Errorf("%s: %d problems, first ones:\n  %s", who, len(problems), strings.Join(show, "\n  "))
}

// TestTilesReferenceDecoder decodes the sample with the reference decoder
// of the spec's authors (@mapbox/vector-tile + pbf, through
// web/e2e/tiles-mvt-check.mjs) and fails on any breach of MVT 2.1 it finds.
func TestTilesReferenceDecoder(t *testing.T) {
	node := clienttest.Require(t, "node")
	if _, err := os.Stat(filepath.Join("..", "web", "node_modules", "@mapbox", "vector-tile")); err != nil {
		t.Fatalf("the reference decoder is not installed: run `make web` first (%v)", err)
	}
	dir := t.TempDir()
	paths := writeSample(t, dir)
	out, err := exec.Command(node, filepath.Join("..", "web", "e2e", "tiles-mvt-check.mjs"), dir).Output()
	if err != nil {
		t.Fatalf("tiles-mvt-check.mjs: %v\n%s", err, stderrOf(err))
	}
	var res struct {
		Tiles, Layers, Features, Polygons int
		Problems                          []string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("tiles-mvt-check.mjs printed %q: %v", out, err)
	}
	if res.Tiles != len(paths) || res.Polygons == 0 {
		t.Errorf("decoder read %d tiles (%d polygons), want %d tiles with polygons", res.Tiles, res.Polygons, len(paths))
	}
	t.Logf("decoded %d tiles, %d layers, %d features, %d polygons", res.Tiles, res.Layers, res.Features, res.Polygons)
	reportProblems(t, "@mapbox/vector-tile", res.Problems)
}

// TestTilesGDAL reads the sample with GDAL's MVT driver: ogrinfo must print
// nothing on stderr for any tile (GDAL's warnings, such as "Nested shells",
// are failures), and every polygon GDAL decodes must be valid by GEOS. The
// ~1,000 z14 tiles go only through gdal_check.py, which reads them with the
// same driver in one process and collects the same messages: one ogrinfo
// process per tile would take two minutes on this machine.
func TestTilesGDAL(t *testing.T) {
	ogrinfo := clienttest.Require(t, "ogrinfo")
	python := clienttest.Require(t, "/usr/bin/python3")
	dir := t.TempDir()
	paths := writeSample(t, dir)

	var warned []string
	for _, p := range paths {
		if strings.HasPrefix(p, filepath.Join(dir, "14")+string(filepath.Separator)) {
			continue
		}
		cmd := exec.Command(ogrinfo, "-ro", "-al", "-q", p)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", p, err, stderr.String())
		}
		if s := strings.TrimSpace(stderr.String()); s != "" {
			rel, _ := filepath.Rel(dir, p)
			warned = append(warned, rel+": "+s)
		}
	}
	reportProblems(t, "ogrinfo stderr", warned)

	out, err := exec.Command(python, "-u", filepath.Join("testdata", "gdal_check.py"), dir).Output()
	if err != nil {
		t.Fatalf("gdal_check.py: %v\n%s", err, stderrOf(err))
	}
	var res struct {
		Tiles, Features, Polygons int
		Messages, Invalid         []string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("gdal_check.py printed %q: %v", out, err)
	}
	if res.Tiles != len(paths) || res.Polygons == 0 {
		t.Errorf("GDAL read %d tiles (%d polygons), want %d tiles with polygons", res.Tiles, res.Polygons, len(paths))
	}
	t.Logf("GDAL read %d tiles, %d features, %d polygons", res.Tiles, res.Features, res.Polygons)
	reportProblems(t, "GDAL messages", res.Messages)
	reportProblems(t, "GEOS IsValid", res.Invalid)
}

// stderrOf returns what a failed command wrote on stderr.
func stderrOf(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}

// The random part of the sample: its size and seed (fixed; change them
// locally to try more tiles).
const (
	sampleRandom = 50
	sampleSeed   = 9
)
