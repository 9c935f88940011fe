package deploy

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"beibeimap/data"
	"beibeimap/geo"
	"beibeimap/tiles"
)

// archiveZoom is the deepest zoom of the test archive: enough for the
// district to need many tiles, few enough to render in a moment.
const archiveZoom = 11

// writeArchive writes a PMTiles v3 archive of the embedded data's tiles
// (tiles.Render, as of the 2026 redrawing) over the new Beibei district,
// zooms 0 to archiveZoom, with go-pmtiles' directory and header encoders.
// It returns the tiles by PMTiles tile id. (`beibeimap tiles export
// --format pmtiles`, issue 9, is not on this branch.)
func writeArchive(t *testing.T, path string) map[uint64][]byte {
	t.Helper()
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	beibei, err := snap.Feature("districts", "500109-2026")
	if err != nil {
		t.Fatal(err)
	}
	bound := beibei.Geometry.Bound()
	rendered := map[uint64][]byte{}
	for z := maptile.Zoom(0); z <= archiveZoom; z++ {
		lo, hi := maptile.At(bound.LeftTop(), z), maptile.At(bound.RightBottom(), z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				b, err := tiles.Render(snap, maptile.New(x, y, z), geo.Redrawing2026.Date)
				if err != nil {
					t.Fatal(err)
				}
				if len(b) > 0 {
					rendered[pmtiles.ZxyToID(uint8(z), x, y)] = b
				}
			}
		}
	}
	ids := make([]uint64, 0, len(rendered))
	for id := range rendered {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var tileData bytes.Buffer
	entries := make([]pmtiles.EntryV3, 0, len(ids))
	for _, id := range ids {
		entries = append(entries, pmtiles.EntryV3{TileID: id, Offset: uint64(tileData.Len()), Length: uint32(len(rendered[id])), RunLength: 1})
		tileData.Write(rendered[id])
	}
	root, leaves, _ := pmtiles.BuildDirectories(entries, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(map[string]any{"name": "beibeimap", "attribution": "GeoNames (geonames.org), CC BY 4.0"}, pmtiles.Gzip)
	if err != nil {
		t.Fatal(err)
	}
	h := pmtiles.HeaderV3{
		SpecVersion: 3, Clustered: true,
		InternalCompression: pmtiles.Gzip, TileCompression: pmtiles.NoCompression, TileType: pmtiles.Mvt,
		MinZoom: 0, MaxZoom: archiveZoom, CenterZoom: 9,
		MinLonE7: int32(bound.Min[0] * 1e7), MinLatE7: int32(bound.Min[1] * 1e7),
		MaxLonE7: int32(bound.Max[0] * 1e7), MaxLatE7: int32(bound.Max[1] * 1e7),
		CenterLonE7: int32(bound.Center()[0] * 1e7), CenterLatE7: int32(bound.Center()[1] * 1e7),
		AddressedTilesCount: uint64(len(entries)), TileEntriesCount: uint64(len(entries)), TileContentsCount: uint64(len(entries)),
	}
	h.RootOffset, h.RootLength = pmtiles.HeaderV3LenBytes, uint64(len(root))
	h.MetadataOffset, h.MetadataLength = h.RootOffset+h.RootLength, uint64(len(meta))
	h.LeafDirectoryOffset, h.LeafDirectoryLength = h.MetadataOffset+h.MetadataLength, uint64(len(leaves))
	h.TileDataOffset, h.TileDataLength = h.LeafDirectoryOffset+h.LeafDirectoryLength, uint64(tileData.Len())
	var out bytes.Buffer
	for _, part := range [][]byte{pmtiles.SerializeHeader(h), root, meta, leaves, tileData.Bytes()} {
		out.Write(part)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return rendered
}

// TestPMTilesFromNginx: the tile archive is read through nginx alone —
// no replica is running — with HTTP range requests, decoded with
// go-pmtiles: header, root directory, and tiles equal to what was
// rendered.
func TestPMTilesFromNginx(t *testing.T) {
	need(t, "nginx", "/usr/sbin/nginx")
	// Upstreams that nothing listens on: beibeimap is not running.
	ng := startNginx(t, freeAddr(t), freeAddr(t))
	rendered := writeArchive(t, filepath.Join(ng.pmtiles, "beibei.pmtiles"))
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
	if h.MaxZoom != archiveZoom || h.TileType != pmtiles.Mvt || h.AddressedTilesCount != uint64(len(rendered)) {
		t.Fatalf("header %+v does not describe the archive written", h)
	}
	if etag == "" {
		t.Error("no ETag on the archive")
	}
	root := pmtiles.DeserializeEntries(bytes.NewBuffer(fetch(h.RootOffset, h.RootLength)), h.InternalCompression)
	if h.LeafDirectoryLength != 0 {
		t.Fatalf("the test archive has leaf directories; read them too")
	}
	checked := 0
	for z := uint8(0); z <= archiveZoom; z += 3 {
		for id, want := range rendered {
			if tz, _, _ := pmtiles.IDToZxy(id); tz != z {
				continue
			}
			e, ok := pmtiles.FindTile(root, id)
			if !ok {
				t.Fatalf("tile %d not in the root directory", id)
			}
			if got := fetch(h.TileDataOffset+e.Offset, uint64(e.Length)); !bytes.Equal(got, want) {
				tz, x, y := pmtiles.IDToZxy(id)
				t.Errorf("tile %d/%d/%d: %d bytes through nginx, %d rendered", tz, x, y, len(got), len(want))
			}
			checked++
			break
		}
	}
	t.Logf("archive: %d tiles, %d checked through nginx range requests", len(rendered), checked)
	if checked < 3 {
		t.Errorf("only %d tiles checked", checked)
	}
	// A whole-file GET works too, with its length.
	whole := get(t, url)
	if whole.status != http.StatusOK || strconv.Itoa(len(whole.body)) != whole.header.Get("Content-Length") || whole.header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("GET of the whole archive: %d, %d bytes, Accept-Ranges %q", whole.status, len(whole.body), whole.header.Get("Accept-Ranges"))
	}
}
