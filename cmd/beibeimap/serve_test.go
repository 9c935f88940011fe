package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"beibeimap/geo"
)

const layerA = `{"type":"FeatureCollection","title":"A","features":[{"type":"Feature","id":"x","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}`

func TestParseServeEnvAndFlags(t *testing.T) {
	env := map[string]string{"BEIBEIMAP_ADDR": "127.0.0.1:9999", "BEIBEIMAP_DATA": "/srv/layers", "BEIBEIMAP_WATCH": "5s"}
	getenv := func(k string) string { return env[k] }
	cfg, err := parseServe([]string{"--addr", "127.0.0.1:1234"}, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:1234" || cfg.Data != "/srv/layers" || cfg.Watch.String() != "5s" {
		t.Errorf("cfg = %+v: the flag must win over BEIBEIMAP_ADDR, the environment fill the rest", cfg)
	}
	env["BEIBEIMAP_WATCH"] = "soon"
	if _, err := parseServe(nil, getenv, io.Discard); err == nil || !strings.Contains(err.Error(), "BEIBEIMAP_WATCH") {
		t.Errorf("bad BEIBEIMAP_WATCH: error %v should name the variable", err)
	}
	if _, err := parseServe([]string{"--nope"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("unknown flag accepted")
	}
}

// TestServeAndReload runs the real serve command on port 0 against a data
// folder, checks /healthz, then checks that a broken file in the folder is
// refused by reload while the good snapshot stays published.
func TestServeAndReload(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "zones.geojson"), []byte(layerA), 0o644); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, "--data", dir).base
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status      string
		Collections int
		Version     string
	}
	json.NewDecoder(res.Body).Decode(&health)
	res.Body.Close()
	if res.StatusCode != 200 || health.Status != "ok" || health.Collections != 1 {
		t.Fatalf("healthz = %d %+v", res.StatusCode, health)
	}

	// Reload: a good folder publishes, a broken one is refused.
	store := geo.NewStore(nil)
	snap, err := reload(os.DirFS(dir), store)
	if err != nil || store.Snapshot() != snap {
		t.Fatalf("reload of good data: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.geojson"), []byte(`{"type":"FeatureCollection","features":[{`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := reload(os.DirFS(dir), store); !errors.Is(err, geo.ErrInvalid) {
		t.Errorf("reload of broken data: error %v, want ErrInvalid", err)
	}
	if store.Snapshot() != snap {
		t.Error("a broken folder replaced the good snapshot")
	}
}

func TestServeRefusesBrokenDataAtStart(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "zones.geojson"), []byte("not json"), 0o644)
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "zones.geojson") {
		t.Errorf("error = %v, want one naming the broken file", err)
	}
}
