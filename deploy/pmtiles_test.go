package deploy

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/tiles"
)

// archiveZoom is the deepest zoom of the test archive: enough for the
// district to need many tiles, few enough to export in a moment.
const archiveZoom = 10

// archiveDate is the date the archive is drawn for: the first day of the
// new district.
const archiveDate = "2026-01-25"

// exportArchive writes the PMTiles archive with the real command,
// `beibeimap tiles export --format pmtiles`.
func exportArchive(t *testing.T, bin, path string) {
	t.Helper()
	cmd := exec.Command(bin, "tiles", "export", "--format", "pmtiles", "-o", path,
		"--maxzoom", strconv.Itoa(archiveZoom), "--datetime", archiveDate)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tiles export: %v\n%s", err, out)
	}
}

// TestPMTilesFromNginx: the tile archive is read through nginx alone —
// no replica is running — with HTTP range requests, decoded with
// go-pmtiles: header, root directory, and tiles equal to what was
// rendered.
func TestPMTilesFromNginx(t *testing.T) {
	need(t, "nginx", "/usr/sbin/nginx")
	bin := buildBinary(t)
	// Upstreams that nothing listens on: beibeimap is not running.
	ng := startNginx(t, freeAddr(t), freeAddr(t))
	exportArchive(t, bin, filepath.Join(ng.pmtiles, "beibei.pmtiles"))
	url := "http://" + ng.addr + "/pmtiles/beibei.pmtiles"
	var etag string
	fetch := func(offset, length uint64) []byte {
		t.Helper()
		r := get(t, url, "Range", fmt.Sprintf("bytes=%d-%d", offset, offset+length-1))
		if r.status != http.StatusPartialContent {
			t.Fatalf("range %d+%d: status %d, want 206", offset, length, r.status)
		}
		if cr := r.header.Get("Content-Range"); !strings.HasPrefix(cr, fmt.Sprintf("bytes %d-%d/", offset, offset+length-1)) {
			t.Errorf("Content-Range %q for %d+%d", cr, offset, length)
		}
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("no CORS header: a map page on another host cannot read the archive")
		}
		if etag == "" {
			etag = r.header.Get("ETag")
		} else if r.header.Get("ETag") != etag {
			t.Errorf("ETag changed between ranges: %q, %q", etag, r.header.Get("ETag"))
		}
		return r.body
	}
	h, err := pmtiles.DeserializeHeader(fetch(0, pmtiles.HeaderV3LenBytes))
	if err != nil {
		t.Fatal(err)
	}
	if h.MaxZoom != archiveZoom || h.TileType != pmtiles.Mvt {
		t.Fatalf("header %+v does not describe the archive exported", h)
	}
	if etag == "" {
		t.Error("no ETag on the archive")
	}
	// find walks the directories as a PMTiles reader does: the root, then
	// leaf directories (entries with RunLength 0), all by range requests.
	find := func(id uint64) (pmtiles.EntryV3, bool) {
		dir := pmtiles.DeserializeEntries(bytes.NewBuffer(fetch(h.RootOffset, h.RootLength)), h.InternalCompression)
		for depth := 0; depth < 4; depth++ {
			e, ok := pmtiles.FindTile(dir, id)
			if !ok || e.RunLength > 0 {
				return e, ok
			}
			dir = pmtiles.DeserializeEntries(bytes.NewBuffer(fetch(h.LeafDirectoryOffset+e.Offset, uint64(e.Length))), h.InternalCompression)
		}
		return pmtiles.EntryV3{}, false
	}
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	date, err := geo.ParseDate("date", archiveDate)
	if err != nil {
		t.Fatal(err)
	}
	seat := orb.Point{106.4378, 29.8256} // in the old and new Beibei
	for _, z := range []maptile.Zoom{0, 4, 7, 9, archiveZoom} {
		tile := maptile.At(seat, z)
		want, err := tiles.Render(snap, tile, date)
		if err != nil {
			t.Fatal(err)
		}
		e, ok := find(pmtiles.ZxyToID(uint8(z), tile.X, tile.Y))
		if !ok {
			t.Errorf("tile %d/%d/%d over Beibei is not in the archive", z, tile.X, tile.Y)
			continue
		}
		got := fetch(h.TileDataOffset+e.Offset, uint64(e.Length))
		if h.TileCompression == pmtiles.Gzip {
			zr, err := gzip.NewReader(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("tile %d/%d/%d: %v", z, tile.X, tile.Y, err)
			}
			if got, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, want) {
			t.Errorf("tile %d/%d/%d: %d bytes through nginx, tiles.Render gives %d", z, tile.X, tile.Y, len(got), len(want))
		}
	}
	// A whole-file GET works too, with its length.
	whole := get(t, url)
	if whole.status != http.StatusOK || strconv.Itoa(len(whole.body)) != whole.header.Get("Content-Length") || whole.header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("GET of the whole archive: %d, %d bytes, Accept-Ranges %q", whole.status, len(whole.body), whole.header.Get("Accept-Ranges"))
	}
	t.Logf("archive: %d bytes, %d tiles, z0-%d", len(whole.body), h.AddressedTilesCount, h.MaxZoom)
}
