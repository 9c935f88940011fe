package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beibeimap/geo"
)

// lookupLayers are two tiny layers for the lookup command: 统景镇 moving
// from 渝北区 to 北碚区 on 2026-01-25 (squares, not real boundaries).
var lookupLayers = map[string]string{
	"districts.geojson": `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"yubei-old","properties":{"code":"500112","name":"渝北区","name_en":"Yubei District","valid_to":"2026-01-24","source":"test fixture (made up)","accuracy":"schematic","valid_from":null},"geometry":{"type":"Polygon","coordinates":[[[106.5,29.5],[107,29.5],[107,30],[106.5,30],[106.5,29.5]]]}},
{"type":"Feature","id":"beibei-new","properties":{"code":"500109","name":"北碚区","name_en":"Beibei District","valid_from":"2026-01-25","source":"test fixture (made up)","accuracy":"schematic","valid_to":null},"geometry":{"type":"Polygon","coordinates":[[[106.5,29.8],[107,29.8],[107,30],[106.5,30],[106.5,29.8]]]}},
{"type":"Feature","id":"liangjiang","properties":{"code":null,"code_note":"no code published yet","name":"两江新区","name_en":"Liangjiang New Area","valid_from":"2026-01-25","source":"test fixture (made up)","accuracy":"schematic","valid_to":null},"geometry":{"type":"Polygon","coordinates":[[[106.5,29.5],[107,29.5],[107,29.8],[106.5,29.8],[106.5,29.5]]]}}]}`,
	"townships.geojson": `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"500112133","properties":{"code":"500112133","name":"统景镇","name_en":"Tongjing Town","district_before":"渝北区","district_after":"北碚区","accuracy":"approximate","source":"test fixture (made up)","method":"test fixture"},"geometry":{"type":"Polygon","coordinates":[[[106.5,29.8],[107,29.8],[107,30],[106.5,30],[106.5,29.8]]]}}]}`,
}

func lookupDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range lookupLayers {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestParseLookup(t *testing.T) {
	now := time.Date(2026, 1, 24, 17, 0, 0, 0, time.UTC) // 2026-01-25 01:00 in China
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    lookupConfig
		wantErr string
	}{
		{"point", []string{"106.8", "29.8"}, nil, lookupConfig{Lon: 106.8, Lat: 29.8, CRS: geo.WGS84, Date: day(t, "2026-01-25")}, ""},
		{"flags after the point", []string{"106.8", "29.8", "--crs", "gcj02", "--date=2025-01-01"}, nil, lookupConfig{Lon: 106.8, Lat: 29.8, CRS: geo.GCJ02, Date: day(t, "2025-01-01")}, ""},
		{"flags between", []string{"--crs", "bd09", "106.8", "-date", "2025-01-01", "29.8"}, nil, lookupConfig{Lon: 106.8, Lat: 29.8, CRS: geo.BD09, Date: day(t, "2025-01-01")}, ""},
		{"negative numbers", []string{"-70.5", "-33.4"}, nil, lookupConfig{Lon: -70.5, Lat: -33.4, CRS: geo.WGS84, Date: day(t, "2026-01-25")}, ""},
		{"environment", []string{"106.8", "29.8"}, map[string]string{"BEIBEIMAP_CRS": "gcj02", "BEIBEIMAP_DATE": "2020-02-02", "BEIBEIMAP_DATA": "/srv"}, lookupConfig{Lon: 106.8, Lat: 29.8, CRS: geo.GCJ02, Date: day(t, "2020-02-02"), Data: "/srv"}, ""},
		{"flag wins over environment", []string{"106.8", "29.8", "--crs", "wgs84"}, map[string]string{"BEIBEIMAP_CRS": "gcj02"}, lookupConfig{Lon: 106.8, Lat: 29.8, CRS: geo.WGS84, Date: day(t, "2026-01-25")}, ""},
		{"address", []string{"--address", "统景镇"}, nil, lookupConfig{Address: "统景镇", CRS: geo.WGS84, Date: day(t, "2026-01-25")}, ""},
		{"point wins over environment address", []string{"106.8", "29.8"}, map[string]string{"BEIBEIMAP_ADDRESS": "统景"}, lookupConfig{Lon: 106.8, Lat: 29.8, CRS: geo.WGS84, Date: day(t, "2026-01-25")}, ""},
		{"address and point", []string{"--address", "统景镇", "106.8", "29.8"}, nil, lookupConfig{}, "not both"},
		{"one number", []string{"106.8"}, nil, lookupConfig{}, "LON LAT"},
		{"not a number", []string{"east", "29.8"}, nil, lookupConfig{}, `LON "east" is not a number`},
		{"out of range", []string{"106.8", "99"}, nil, lookupConfig{}, "lat"},
		{"NaN", []string{"NaN", "29"}, nil, lookupConfig{}, "lon"},
		{"bad crs", []string{"106.8", "29.8", "--crs", "utm"}, nil, lookupConfig{}, "--crs"},
		{"bad date", []string{"106.8", "29.8", "--date", "2026-02-30"}, nil, lookupConfig{}, "--date"},
		{"bad environment date", []string{"106.8", "29.8"}, map[string]string{"BEIBEIMAP_DATE": "soon"}, lookupConfig{}, "--date"},
		{"unknown flag", []string{"--nope", "106.8", "29.8"}, nil, lookupConfig{}, errSilent.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLookup(tt.args, func(k string) string { return tt.env[k] }, now, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseLookup(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseLookup(%q): %v", tt.args, err)
			}
			if got != tt.want {
				t.Errorf("parseLookup(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := geo.ParseDate("date", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// runLookupJSON runs `beibeimap lookup args…` and decodes its stdout.
func runLookupJSON(t *testing.T, args ...string) (map[string]any, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"lookup"}, args...), func(string) string { return "" }, &stdout, &stderr)
	if err != nil {
		if stdout.Len() > 0 {
			t.Errorf("failed lookup wrote to stdout: %s", stdout.String())
		}
		return nil, stderr.String(), err
	}
	var m map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
	}
	return m, stderr.String(), nil
}

func name(m map[string]any, key string) string {
	v, _ := m[key].(map[string]any)
	s, _ := v["name"].(string)
	return s
}

func TestRunLookup(t *testing.T) {
	dir := lookupDir(t)
	tests := []struct {
		name               string
		args               []string
		district, township string
		notice             string
	}{
		{"point after", []string{"106.8448", "29.85653", "--date", "2026-11-29", "--data", dir}, "北碚区", "统景镇", ""},
		{"point before", []string{"106.8448", "29.85653", "--date", "2026-01-24", "--data", dir}, "渝北区", "统景镇", ""},
		{"south part", []string{"106.8", "29.6", "--date", "2026-11-29", "--data", dir}, "两江新区", "", ""},
		{"address", []string{"--address", "重庆市渝北区统景镇印盒村", "--date", "2026-11-29", "--data", dir}, "北碚区", "统景镇", "joined 北碚区"},
		{"pinyin address", []string{"--address", "Tongjing", "--data", dir}, "北碚区", "统景镇", "joined 北碚区"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, stderr, err := runLookupJSON(t, tt.args...)
			if err != nil {
				t.Fatalf("%v: %s", err, stderr)
			}
			if got := name(m, "district"); got != tt.district {
				t.Errorf("district %q, want %q", got, tt.district)
			}
			if got := name(m, "township"); got != tt.township {
				t.Errorf("township %q, want %q", got, tt.township)
			}
			notices, _ := json.Marshal(m["notices"])
			if tt.notice != "" && !strings.Contains(string(notices), tt.notice) {
				t.Errorf("notices %s, want %q", notices, tt.notice)
			}
		})
	}
	t.Run("embedded data", func(t *testing.T) {
		m, stderr, err := runLookupJSON(t, "106.8448", "29.85653")
		if err != nil {
			t.Fatalf("%v: %s", err, stderr)
		}
		if name(m, "district") == "" {
			t.Errorf("the embedded districts do not place the seat of 统景镇: %v", m)
		}
	})
	for _, tc := range []struct {
		name    string
		args    []string
		message string
	}{
		{"nothing matched", []string{"--address", "Atlantis", "--data", dir}, "no district or township"},
		{"bad latitude", []string{"106.8", "95", "--data", dir}, "lat"},
		{"missing data folder", []string{"106.8", "29.8", "--data", filepath.Join(dir, "nope")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runLookupJSON(t, tc.args...)
			if err == nil {
				t.Fatal("lookup succeeded")
			}
			if errors.Is(err, errSilent) && !strings.Contains(stderr, tc.message) {
				t.Errorf("stderr %q, want a message containing %q", stderr, tc.message)
			}
			if !errors.Is(err, errSilent) && err.Error() == "" {
				t.Error("error without a message")
			}
		})
	}
}
