package deploy

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tilesPage is what web/e2e/tiles-page-check.mjs reports of the map page
// in tiles mode.
type tilesPage struct {
	Mode string
	// Counts are, per polygon layer, the pixels of each of its colours in
	// its pane (Own, by kind), all it painted and the pane's canvas size.
	Counts map[string]struct {
		Own            map[string]int
		Painted, Total int
	}
	Layers []string
	Credit string
	Status string
	Hidden map[string]bool
	Errors []string
	// Requests are every URL the page asked for.
	Requests []string
}

// TestMapPageFromNginxArchive: Chromium draws the map page (web/dist, on a
// plain static file server of its own, as a CDN would hold it) from the
// PMTiles archive that nginx serves from deploy/nginx.conf's /pmtiles/ with
// ranges and CORS, no beibeimap running (the upstreams are addresses
// nothing listens on). Each polygon layer paints its own colours, the
// GeoNames CC BY credit shows and nothing is asked of the API.
func TestMapPageFromNginxArchive(t *testing.T) {
	node := need(t, "node")
	need(t, "chromium", "/usr/bin/chromium")
	if _, err := os.Stat(filepath.Join("..", "web", "dist", "app.js")); err != nil {
		t.Fatalf("the map page is not built: run `make web` first (%v)", err)
	}
	if _, err := os.Stat(filepath.Join("..", "web", "node_modules", "playwright-core")); err != nil {
		t.Fatalf("playwright-core is not installed: run `make web` first (%v)", err)
	}
	bin := buildBinary(t)
	ng := startNginx(t, freeAddr(t), freeAddr(t))
	exportArchive(t, bin, filepath.Join(ng.pmtiles, "beibei.pmtiles"))
	site := httptest.NewServer(http.FileServer(http.Dir(filepath.Join("..", "web", "dist"))))
	defer site.Close()
	archive := "http://" + ng.addr + "/pmtiles/beibei.pmtiles"
	page := site.URL + "/index.html?tiles=" + url.QueryEscape(archive)

	cmd := exec.Command(node, filepath.Join("..", "web", "e2e", "tiles-page-check.mjs"), page)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tiles-page-check.mjs: %v\n%s\nnginx: %s", err, stderr.String(), ng.log.String())
	}
	var r tilesPage
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("tiles-page-check.mjs printed %q: %v", out, err)
	}
	if r.Mode != "tiles" {
		t.Fatalf("the page is not in tiles mode (status %q)", r.Status)
	}
	// The colours each polygon layer must show (tiles-page-check.mjs's
	// COLOURS: layers.js's colours of the kinds of district).
	want := map[string][]string{"districts": {"target", "created", "other"}, "townships": {"target", "created"}}
	for layer, kinds := range want {
		c, ok := r.Counts[layer]
		if !ok || c.Total == 0 {
			t.Errorf("%s: no canvas in its pane (status %q)", layer, r.Status)
			continue
		}
		sum := 0
		for _, k := range kinds {
			sum += c.Own[k]
			if c.Own[k]*200 < c.Total {
				t.Errorf("%s: %d of %d pixels of the %s colour, want > 0.5%%", layer, c.Own[k], c.Total, k)
			}
		}
		if sum*10 < c.Painted*6 {
			t.Errorf("%s: %d of the %d painted pixels of its colours, want > 60%%", layer, sum, c.Painted)
		}
	}
	for _, id := range []string{"districts", "townships", "planning-zones", "corridors", "projects", "seats"} {
		if !strings.Contains(strings.Join(r.Layers, " "), id+":drawn") {
			t.Errorf("layer %s not drawn: %v", id, r.Layers)
		}
	}
	if !regexp.MustCompile(`GeoNames.*CC BY`).MatchString(r.Credit) {
		t.Errorf("attribution %q has no GeoNames CC BY credit", r.Credit)
	}
	if len(r.Errors) > 0 {
		t.Errorf("console errors: %v", r.Errors)
	}
	read := false
	for _, u := range r.Requests {
		switch {
		case u == archive:
			read = true
		case strings.HasPrefix(u, site.URL+"/"), strings.HasPrefix(u, "data:"), strings.HasPrefix(u, "blob:"):
			if p, _ := url.Parse(u); p != nil && regexp.MustCompile(`config\.json|/lookup|/collections|/tiles/`).MatchString(p.Path) {
				t.Errorf("the page asked the API: %s", u)
			}
		default:
			t.Errorf("request to another host: %s", u)
		}
	}
	if !read {
		t.Errorf("the page never read %s: %v", archive, r.Requests)
	}
	t.Logf("pixels per layer through nginx: %+v", r.Counts)
}
