package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"testing"
	"time"

	"beibeimap/data/postgis/pgtest"
)

// TestQGISEditReachesServer: a geometry edit saved by QGIS (its postgres
// provider, on the table data push created) is served within 2 s.
func TestQGISEditReachesServer(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import qgis.core").Run(); err != nil {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("PyQGIS is required (BEIBEIMAP_REQUIRE_CLIENTS=1) but cannot be imported: %v", err)
		}
		t.Skip("PyQGIS not installed")
	}
	pg := pgtest.Start(t)
	if err := run(context.Background(), []string{"data", "push", "--to", pg.URL()}, func(string) string { return "" }, io.Discard, io.Discard); err != nil {
		t.Fatalf("data push: %v", err)
	}
	db, log := startServeEnv(t, nil, "--source", pg.URL())
	seat := seatOf(t, "500109002") // 朝阳街道
	lookup := fmt.Sprintf("/lookup?lon=%v&lat=%v", seat[0], seat[1])
	if name := lookupTownship(t, get(t, db, lookup)); name != "朝阳街道" {
		t.Fatalf("before the edit the seat is in %q", name)
	}
	u, _ := url.Parse(pg.URL())
	cmd := exec.Command("/usr/bin/python3", "-u", "testdata/qgis_edit_postgis.py", u.Port(), "500109002", "0.5")
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("QGIS: %v\n%s", err, out)
	}
	var res struct {
		Valid       bool
		Features    int
		Committed   bool
		CommittedAt float64
		Errors      []string
	}
	if err := json.Unmarshal(out, &res); err != nil || !res.Valid || !res.Committed || res.Features < 40 {
		t.Fatalf("QGIS edit: %+v (%v)\n%s", res, err, out)
	}
	saved := time.UnixMicro(int64(res.CommittedAt * 1e6))
	for lookupTownship(t, get(t, db, lookup)) == "朝阳街道" {
		if time.Since(saved) > 2*time.Second {
			t.Fatalf("the edit QGIS saved is not served after 2 s\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("QGIS edit served %v after QGIS committed it", time.Since(saved).Round(time.Millisecond))
}
