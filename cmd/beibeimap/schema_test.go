package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// editFirst returns the layer b with its first feature changed by edit.
func editFirst(t *testing.T, b []byte, edit func(f map[string]any)) []byte {
	t.Helper()
	var fc map[string]any
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	edit(fc["features"].([]any)[0].(map[string]any))
	out, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReloadRefusesSchemaViolations: a reload whose default layer breaks
// its schema (a township without district_before, a district drawn as a
// point, a project without category) is refused like invalid geometry —
// the reason logged, in /readyz and counted in /metrics — and the data
// served before stays served; the layer made good again is published.
func TestReloadRefusesSchemaViolations(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../data/layers")); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--data", dir, "--log-requests=false")
	var before ready
	getJSON(t, s.base+"/readyz", &before)

	bad := []struct {
		name, layer, want string
		edit              func(f map[string]any)
	}{
		{"township without district_before", "townships", "required properties missing or empty: district_before",
			func(f map[string]any) { delete(f["properties"].(map[string]any), "district_before") }},
		{"district as a point", "districts", "geometry is Point, want polygon",
			func(f map[string]any) {
				f["geometry"] = map[string]any{"type": "Point", "coordinates": []any{106.4, 29.8}}
			}},
		{"project without category", "projects", "required properties missing or empty: category",
			func(f map[string]any) { delete(f["properties"].(map[string]any), "category") }},
	}
	for i, b := range bad {
		file := filepath.Join(dir, b.layer+".geojson")
		orig, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, editFirst(t, orig, b.edit), 0o644); err != nil {
			t.Fatal(err)
		}
		syscall.Kill(os.Getpid(), syscall.SIGHUP)
		line := s.waitLog(t, "reload")
		if !strings.Contains(line, "reload failed") || !strings.Contains(line, b.layer+"/") || !strings.Contains(line, b.want) {
			t.Errorf("%s: log line %q, want a refused reload naming %s/… and %q", b.name, line, b.layer, b.want)
		}
		var r ready
		getJSON(t, s.base+"/readyz", &r)
		if r.Version != before.Version || r.LastLoad.Failures != i+1 || !strings.Contains(r.LastLoad.Error, b.want) {
			t.Errorf("%s: /readyz %+v, want version %s still served and failure %d named", b.name, r, before.Version, i+1)
		}
		if err := os.WriteFile(file, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := fmt.Sprintf(`beibeimap_reloads_total{result="failed"} %d`, len(bad)); !bytes.Contains(m, []byte(want)) {
		t.Errorf("/metrics lacks %s", want)
	}

	// The townships made good again, with one name changed, are published.
	file := filepath.Join(dir, "townships.geojson")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	good := editFirst(t, orig, func(f map[string]any) {
		id = fmt.Sprint(f["id"])
		f["properties"].(map[string]any)["name"] = "改名镇"
	})
	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	if line := s.waitLog(t, "reload"); !strings.Contains(line, "reloaded") {
		t.Fatalf("good file: log line %q", line)
	}
	var f struct{ Properties map[string]any }
	getJSON(t, s.base+"/collections/townships/items/"+id, &f)
	if f.Properties["name"] != "改名镇" {
		t.Errorf("after the good file townships/%s is %v", id, f.Properties)
	}
}
