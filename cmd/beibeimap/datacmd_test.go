package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataHonoursEnvironment checks that `beibeimap data check` reads
// BEIBEIMAP_DATA as README promises for every flag, and that the flag wins.
func TestDataHonoursEnvironment(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "districts.geojson"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BEIBEIMAP_DATA": broken}
	getenv := func(k string) string { return env[k] }
	var out strings.Builder
	if err := run(context.Background(), []string{"data", "check"}, getenv, &out, io.Discard); err == nil {
		t.Fatalf("data check with BEIBEIMAP_DATA=%s (a broken layer) passed; the variable was ignored:\n%s", broken, out.String())
	}
	env["BEIBEIMAP_DATA"] = filepath.Join(dir, "missing")
	if err := run(context.Background(), []string{"data", "check", "--data", broken}, getenv, io.Discard, io.Discard); err == nil {
		t.Error("data check --data of a broken folder passed")
	}
}
