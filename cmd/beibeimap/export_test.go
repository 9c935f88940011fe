package main

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/data/gpkg"
)

func TestExport(t *testing.T) {
	dir := t.TempDir()
	cols := defaultCollections(t)
	noenv := func(string) string { return "" }
	exp := func(args ...string) (string, error) {
		var stderr strings.Builder
		err := run(context.Background(), append([]string{"export"}, args...), noenv, &strings.Builder{}, &stderr)
		return stderr.String(), err
	}

	t.Run("gpkg of everything", func(t *testing.T) {
		out := filepath.Join(dir, "all.gpkg")
		stderr, err := exp("-o", out)
		if err != nil || stderr != "" {
			t.Fatalf("export: %v, stderr %q (piped: no progress bar)", err, stderr)
		}
		got, err := gpkg.Read(context.Background(), out)
		if err != nil || len(got) != len(cols) {
			t.Fatalf("read back: %v, %d tables", err, len(got))
		}
		n := map[string]int{}
		for _, c := range got {
			n[c.ID] = len(c.Features)
		}
		for _, c := range cols {
			if n[c.ID] != len(c.Features) {
				t.Errorf("%s: %d features, want %d", c.ID, n[c.ID], len(c.Features))
			}
		}
		if _, err := os.Stat(out + ".part"); !os.IsNotExist(err) {
			t.Errorf("temporary file left behind: %v", err)
		}
	})
	t.Run("geojson of one date", func(t *testing.T) {
		out := filepath.Join(dir, "districts-2025.geojson")
		if _, err := exp("--format", "geojson", "--collection", "districts", "--datetime", "2025-06-01", "-o", out); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		c, err := data.Decode(b, "districts")
		if err != nil {
			t.Fatal(err)
		}
		day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		want := 0
		for _, f := range cols[0].Features {
			if f.Valid.Contains(day) {
				want++
			}
		}
		if cols[0].ID != "districts" || len(c.Features) != want || c.Attribution != cols[0].Attribution {
			t.Errorf("%d features, want %d; attribution %q", len(c.Features), want, c.Attribution)
		}
		for _, f := range c.Features {
			if !f.Valid.Contains(day) {
				t.Errorf("%s is not in force on 2025-06-01", f.ID)
			}
		}
	})
	t.Run("qgis", func(t *testing.T) {
		out := filepath.Join(dir, "project.qgz")
		if _, err := exp("--format", "qgis", "-o", out); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		if strings.Join(names, ",") != "beibeimap.qgs,beibeimap-layers.gpkg" {
			t.Errorf("the .qgz holds %v", names)
		}
	})
	for _, f := range []string{"shp", "kml", "csv"} {
		t.Run(f, func(t *testing.T) {
			out := filepath.Join(dir, "seats."+f)
			if _, err := exp("--format", f, "--collection", "seats", "-o", out); err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(out); err != nil || st.Size() == 0 {
				t.Errorf("no file: %v", err)
			}
		})
	}
	for _, bad := range [][]string{
		{"--format", "dwg", "-o", filepath.Join(dir, "x")},
		{"--format", "shp", "-o", filepath.Join(dir, "x")},
		{"--format", "gpkg"},
		{"--collection", "nope", "-o", filepath.Join(dir, "x.gpkg")},
		{"--datetime", "yesterday", "-o", filepath.Join(dir, "x.gpkg")},
	} {
		if _, err := exp(bad...); err == nil {
			t.Errorf("export %v succeeded", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.gpkg")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file: %v", err)
	}
}
