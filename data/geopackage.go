package data

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/geojson"

	"beibeimap/data/gpkg"
	"beibeimap/geo"
)

// IsGeoPackage reports whether path names a GeoPackage file (by its
// extension, .gpkg), which GeoPackageFS reads, rather than a folder.
func IsGeoPackage(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".gpkg")
}

// GeoPackageFS returns the GeoPackage file path as a file system of
// COLLECTION.geojson layers, one per features table (see gpkg.Read), so
// that Load, LoadSnapshot and data check treat it exactly as a folder: the
// same collection ids (table names), schema rules and errors. Each table's
// title and description come from gpkg_contents, its attribution and
// licence from the metadata record gpkg.Write leaves.
//
// The file is read again when ReadDir(".") finds its size or modification
// time changed; the files opened afterwards come from that one reading, so
// a load (ReadDir, then Open) sees one consistent version. Entries report
// the GeoPackage's own size and modification time, so a watcher comparing
// them notices a new file. A GeoPackage that cannot be read makes ReadDir
// and Open fail with an error wrapping geo.ErrInvalid. It is safe for
// concurrent use.
func GeoPackageFS(path string) fs.FS { return &gpkgFS{path: path} }

type gpkgFS struct {
	path string
	mu   sync.Mutex
	key  string // size and modification time of the version in zr
	info fs.FileInfo
	zr   *zip.Reader
}

var (
	_ fs.FS        = (*gpkgFS)(nil)
	_ fs.ReadDirFS = (*gpkgFS)(nil)
)

// current returns the layers of the file as it is now, converting it
// again when it changed (refresh) or was never read.
func (g *gpkgFS) current(refresh bool) (*zip.Reader, fs.FileInfo, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.zr != nil && !refresh {
		return g.zr, g.info, nil
	}
	st, err := os.Stat(g.path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	key := fmt.Sprintf("%d:%d", st.Size(), st.ModTime().UnixNano())
	if g.zr != nil && key == g.key {
		return g.zr, g.info, nil
	}
	zr, err := geoPackageLayers(g.path, st.ModTime())
	if err != nil {
		return nil, nil, err
	}
	g.zr, g.info, g.key = zr, st, key
	return zr, st, nil
}

// geoPackageLayers converts the tables of a GeoPackage into GeoJSON layer
// files held in an in-memory ZIP archive (whose reader is an fs.FS).
func geoPackageLayers(path string, mod time.Time) (*zip.Reader, error) {
	cols, err := gpkg.Read(context.Background(), path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, c := range cols {
		if !collectionID.MatchString(c.ID) {
			return nil, fmt.Errorf("data: %s: table %q: collection id must match %s: %w", path, c.ID, collectionID, geo.ErrInvalid)
		}
		fc := geojson.NewFeatureCollection()
		fc.ExtraMembers = geojson.Properties{"title": c.Title, "description": c.Description, "attribution": c.Attribution, "license": c.License}
		for _, f := range c.Features {
			gf := geojson.NewFeature(f.Geometry)
			gf.ID = f.ID
			gf.Properties = f.Properties
			fc.Append(gf)
		}
		b, err := fc.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("data: %s: table %s: %v: %w", path, c.ID, err, geo.ErrInvalid)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: c.ID + ".geojson", Method: zip.Store, Modified: mod})
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		if _, err := w.Write(b); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
}

// Open opens a layer file of the version last read.
func (g *gpkgFS) Open(name string) (fs.File, error) {
	zr, _, err := g.current(false)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return zr.Open(name)
}

// ReadDir lists the layer files; for "." it first reads the GeoPackage
// again if it changed.
func (g *gpkgFS) ReadDir(name string) ([]fs.DirEntry, error) {
	zr, info, err := g.current(name == ".")
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	entries, err := fs.ReadDir(zr, name)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		entries[i] = gpkgEntry{e, info}
	}
	return entries, nil
}

// gpkgEntry is a layer file whose Info reports the size and modification
// time of the GeoPackage it comes from.
type gpkgEntry struct {
	fs.DirEntry
	gpkg fs.FileInfo
}

func (e gpkgEntry) Info() (fs.FileInfo, error) {
	fi, err := e.DirEntry.Info()
	if err != nil {
		return nil, err
	}
	return gpkgInfo{fi, e.gpkg}, nil
}

type gpkgInfo struct {
	fs.FileInfo
	gpkg fs.FileInfo
}

func (i gpkgInfo) Size() int64        { return i.gpkg.Size() }
func (i gpkgInfo) ModTime() time.Time { return i.gpkg.ModTime() }
