package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver "sqlite": the binary stays cgo-free

	"beibeimap/geo"
	"beibeimap/tiles"
)

// pmtilesArchive writes a PMTiles v3 archive: tiles arrive in tile-id
// order and go to a side file, identical tiles stored once (whole runs of
// them as one entry); finish writes the header, directories and metadata
// with go-pmtiles' encoders, then the tile data.
type pmtilesArchive struct {
	path    string
	data    *os.File
	size    uint64
	entries []pmtiles.EntryV3
	stored  map[[32]byte]pmtiles.EntryV3 // content hash → where it is
	tilesN  uint64
	minZ    uint8
	maxZ    uint8
	first   bool
}

var _ archive = (*pmtilesArchive)(nil)

func newPMTiles(path string) (*pmtilesArchive, error) {
	f, err := os.CreateTemp("", "beibeimap-pmtiles-*")
	if err != nil {
		return nil, err
	}
	return &pmtilesArchive{path: path, data: f, stored: map[[32]byte]pmtiles.EntryV3{}, first: true}, nil
}

func (a *pmtilesArchive) put(t maptile.Tile, gz []byte) error {
	id := pmtiles.ZxyToID(uint8(t.Z), t.X, t.Y)
	a.tilesN++
	if a.first || uint8(t.Z) < a.minZ {
		a.minZ = uint8(t.Z)
	}
	if a.first || uint8(t.Z) > a.maxZ {
		a.maxZ = uint8(t.Z)
	}
	a.first = false
	h := sha256.Sum256(gz)
	if at, ok := a.stored[h]; ok {
		if n := len(a.entries); n > 0 {
			last := &a.entries[n-1]
			if last.Offset == at.Offset && last.TileID+uint64(last.RunLength) == id {
				last.RunLength++
				return nil
			}
		}
		a.entries = append(a.entries, pmtiles.EntryV3{TileID: id, Offset: at.Offset, Length: at.Length, RunLength: 1})
		return nil
	}
	if _, err := a.data.Write(gz); err != nil {
		return err
	}
	e := pmtiles.EntryV3{TileID: id, Offset: a.size, Length: uint32(len(gz)), RunLength: 1}
	a.size += uint64(len(gz))
	a.stored[h] = e
	a.entries = append(a.entries, e)
	return nil
}

func (a *pmtilesArchive) finish(tj tiles.TileJSON) error {
	defer a.abort()
	meta, err := metadataOf(tj)
	if err != nil {
		return err
	}
	metaBytes, err := pmtiles.SerializeMetadata(meta, pmtiles.Gzip)
	if err != nil {
		return fmt.Errorf("pmtiles metadata: %w", err)
	}
	root, leaves, _ := pmtiles.BuildDirectories(a.entries, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	e7 := func(v float64) int32 { return int32(math.Round(v * 1e7)) }
	h := pmtiles.HeaderV3{
		SpecVersion: 3,
		RootOffset:  pmtiles.HeaderV3LenBytes, RootLength: uint64(len(root)),
		AddressedTilesCount: a.tilesN, TileEntriesCount: uint64(len(a.entries)), TileContentsCount: uint64(len(a.stored)),
		Clustered: true, InternalCompression: pmtiles.Gzip, TileCompression: pmtiles.Gzip, TileType: pmtiles.Mvt,
		MinZoom: a.minZ, MaxZoom: a.maxZ,
		MinLonE7: e7(tj.Bounds[0]), MinLatE7: e7(tj.Bounds[1]), MaxLonE7: e7(tj.Bounds[2]), MaxLatE7: e7(tj.Bounds[3]),
		CenterZoom: uint8(tj.Center[2]), CenterLonE7: e7(tj.Center[0]), CenterLatE7: e7(tj.Center[1]),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(metaBytes))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = a.size
	f, err := os.Create(a.path)
	if err != nil {
		return err
	}
	for _, b := range [][]byte{pmtiles.SerializeHeader(h), root, metaBytes, leaves} {
		if _, err := f.Write(b); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := a.data.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return err
	}
	if _, err := io.Copy(f, a.data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (a *pmtilesArchive) abort() {
	if a.data != nil {
		a.data.Close()
		os.Remove(a.data.Name())
		a.data = nil
	}
}

// metadataOf is the TileJSON as the JSON object both archives keep, with
// the region's facts for the map page (geo.Redrawing.Facts, the shape of
// /map/config.json's region).
func metadataOf(tj tiles.TileJSON) (map[string]any, error) {
	b, err := json.Marshal(tj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "tiles") // an archive has no URL of its own
	m["format"] = "pbf"
	m["type"] = "overlay"
	m["region"] = geo.Redrawing2026.Facts() // for the map page's tiles mode
	return m, nil
}

// mbtilesArchive writes an MBTiles 1.3 file (SQLite, TMS rows, gzipped
// pbf tiles) in one transaction. Identical tiles (whole tiles inside one
// polygon repeat by the thousand at z14) are stored once: the spec allows
// tiles to be a view, here over map (address → tile id) and images
// (tile id → data), the layout MBTiles tools have long used.
type mbtilesArchive struct {
	db       *sql.DB
	tx       *sql.Tx
	insMap   *sql.Stmt
	insImage *sql.Stmt
	stored   map[[32]byte]int64 // content hash → tile id
	minZ     int
	maxZ     int
	n        int
}

var _ archive = (*mbtilesArchive)(nil)

func newMBTiles(path string) (*mbtilesArchive, error) {
	os.Remove(path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	a := &mbtilesArchive{db: db, stored: map[[32]byte]int64{}, minZ: math.MaxInt, maxZ: -1}
	for _, q := range []string{
		"CREATE TABLE metadata (name TEXT, value TEXT)",
		"CREATE UNIQUE INDEX metadata_name ON metadata (name)",
		"CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id INTEGER)",
		"CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row)",
		"CREATE TABLE images (tile_id INTEGER PRIMARY KEY, tile_data BLOB)",
		"CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, map.tile_row AS tile_row, " +
			"images.tile_data AS tile_data FROM map JOIN images ON images.tile_id = map.tile_id",
	} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("mbtiles: %w", err)
		}
	}
	if a.tx, err = db.Begin(); err == nil {
		a.insMap, err = a.tx.Prepare("INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)")
	}
	if err == nil {
		a.insImage, err = a.tx.Prepare("INSERT INTO images (tile_id, tile_data) VALUES (?, ?)")
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("mbtiles: %w", err)
	}
	return a, nil
}

func (a *mbtilesArchive) put(t maptile.Tile, gz []byte) error {
	h := sha256.Sum256(gz)
	id, ok := a.stored[h]
	if !ok {
		id = int64(len(a.stored))
		if _, err := a.insImage.Exec(id, gz); err != nil {
			return fmt.Errorf("mbtiles: %w", err)
		}
		a.stored[h] = id
	}
	row := (1 << t.Z) - 1 - int(t.Y) // MBTiles rows count from the south (TMS)
	if _, err := a.insMap.Exec(int(t.Z), int(t.X), row, id); err != nil {
		return fmt.Errorf("mbtiles: %w", err)
	}
	a.minZ, a.maxZ, a.n = min(a.minZ, int(t.Z)), max(a.maxZ, int(t.Z)), a.n+1
	return nil
}

func (a *mbtilesArchive) finish(tj tiles.TileJSON) error {
	if a.n == 0 {
		a.minZ, a.maxZ = tj.MinZoom, tj.MaxZoom
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	layers, _ := json.Marshal(map[string]any{"vector_layers": tj.VectorLayers})
	rows := [][2]string{
		{"name", tj.Name}, {"format", "pbf"}, {"type", "overlay"}, {"version", tj.Version},
		{"description", tj.Description}, {"attribution", tj.Attribution},
		{"minzoom", strconv.Itoa(a.minZ)}, {"maxzoom", strconv.Itoa(a.maxZ)},
		{"bounds", num(tj.Bounds[0]) + "," + num(tj.Bounds[1]) + "," + num(tj.Bounds[2]) + "," + num(tj.Bounds[3])},
		{"center", num(tj.Center[0]) + "," + num(tj.Center[1]) + "," + num(tj.Center[2])},
		{"json", string(layers)},
	}
	for _, r := range rows {
		if _, err := a.tx.Exec("INSERT INTO metadata (name, value) VALUES (?, ?)", r[0], r[1]); err != nil {
			return fmt.Errorf("mbtiles: %w", err)
		}
	}
	a.insMap.Close()
	a.insImage.Close()
	if err := a.tx.Commit(); err != nil {
		return fmt.Errorf("mbtiles: %w", err)
	}
	a.tx = nil
	return a.db.Close()
}

func (a *mbtilesArchive) abort() {
	if a.tx != nil {
		a.tx.Rollback()
		a.tx = nil
	}
	a.db.Close()
}
