package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQGISTemporalController: QGIS 3.22 through OAPIF (which sends no
// datetime) sees both versions of 北碚区, and with its temporal controller
// on valid_from/valid_to renders a different outline at 2025-06-01 and at
// 2026-06-01: the seats of the units that moved out are inside the red fill
// before the change only, those of the units that moved in after it only,
// and those of units that stayed at both dates.
func TestQGISTemporalController(t *testing.T) {
	requireQGIS(t)
	ts, _, _ := startDefault(t)
	beibei, _ := serverFeatures(t, ts.URL, "districts", "limit=1000&name="+"%E5%8C%97%E7%A2%9A%E5%8C%BA")
	if len(beibei) != 2 {
		t.Fatalf("the server has %d features named 北碚区, want 2", len(beibei))
	}
	old, now := "", ""
	var ext [4]float64
	first := true
	for id, f := range beibei {
		p := f["properties"].(map[string]any)
		if p["valid_to"] != nil {
			old = id
		} else {
			now = id
		}
		for _, pt := range flatten(f["geometry"]) {
			if first {
				ext, first = [4]float64{pt[0], pt[1], pt[0], pt[1]}, false
			}
			ext = [4]float64{min(ext[0], pt[0]), min(ext[1], pt[1]), max(ext[2], pt[0]), max(ext[3], pt[1])}
		}
	}
	seats, _ := serverFeatures(t, ts.URL, "seats", "limit=1000")
	points := map[string][2]float64{}
	kind := map[string]string{}
	for id, f := range seats {
		p := f["properties"].(map[string]any)
		xy := flatten(f["geometry"])[0]
		switch {
		case p["district_before"] == old && p["district_after"] != now:
			kind[id] = "out"
		case p["district_before"] != old && p["district_after"] == now:
			kind[id] = "in"
		case p["district_before"] == old && p["district_after"] == now:
			kind[id] = "stays"
		default:
			continue
		}
		points[id] = xy
	}
	count := map[string]int{}
	for _, k := range kind {
		count[k]++
	}
	if count["out"] == 0 || count["in"] == 0 || count["stays"] == 0 {
		t.Fatalf("seats moving out/in/staying: %v", count)
	}
	spec := map[string]any{"url": ts.URL, "extent": ext, "dates": []string{"2025-06-01", "2026-06-01"}, "points": points}
	file := filepath.Join(t.TempDir(), "spec.json")
	b, _ := json.Marshal(spec)
	os.WriteFile(file, b, 0o644)
	out := run(t, 2*time.Minute, []string{"QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR=" + t.TempDir()}, "/usr/bin/python3", "-u", "testdata/qgis_temporal.py", file)
	var res struct {
		Valid   bool     `json:"valid"`
		Subset  bool     `json:"subset"`
		Names   []string `json:"names"`
		Renders map[string]struct {
			Red     int             `json:"red"`
			Samples map[string]bool `json:"samples"`
		} `json:"renders"`
		Differing int `json:"differing"`
	}
	if err := json.Unmarshal([]byte(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]), &res); err != nil {
		t.Fatalf("qgis_temporal.py: %v\n%s", err, out)
	}
	if !res.Valid || !res.Subset || len(res.Names) != 2 {
		t.Fatalf("layer valid %v, subset %v, 北碚区 features %v: want both versions", res.Valid, res.Subset, res.Names)
	}
	before, after := res.Renders["2025-06-01"], res.Renders["2026-06-01"]
	if before.Red < 1000 || after.Red < 1000 || res.Differing < 1000 {
		t.Errorf("red pixels %d before, %d after, %d differing: want two different outlines", before.Red, after.Red, res.Differing)
	}
	for id, k := range kind {
		want := map[string][2]bool{"out": {true, false}, "in": {false, true}, "stays": {true, true}}[k]
		if got := [2]bool{before.Samples[id], after.Samples[id]}; got != want {
			t.Errorf("seat %s (%s, moves %s): red at 2025-06-01/2026-06-01 %v, want %v", id, seats[id]["properties"].(map[string]any)["name"], k, got, want)
		}
	}
	t.Logf("red pixels %d (2025-06-01), %d (2026-06-01), %d differ; seats out/in/stay %v", before.Red, after.Red, res.Differing, count)
}
