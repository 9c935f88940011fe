package server

// Downloads: the items of a collection, with the filters of the items
// endpoint, as a file GIS software opens (f=gpkg, shp, kml, csv), and the
// whole dataset as one GeoPackage or as a QGIS project beside that
// GeoPackage (datasetFiles). Files are written to a temporary directory and
// streamed from there, so memory stays flat whatever their size, and the
// length is known (Content-Length, ranges). The unfiltered ones, which the
// collection documents link to, are written once per snapshot in the
// background (writeDownloads, into its downloadFiles) and sent from there,
// and their links give their lengths.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/data/export"
	"beibeimap/data/gpkg"
	"beibeimap/data/qgis"
	"beibeimap/data/shapefile"
	"beibeimap/geo"
)

// download is a file format of the downloads.
type download struct {
	// f is the value of the f parameter; ext the file name extension.
	f, ext string
	// mediaType is the Content-Type of the file.
	mediaType string
	// title describes the format in links.
	title string
	// write writes the layers to a new file path; formats other than
	// GeoPackage take one layer.
	write func(ctx context.Context, path string, layers []gpkg.Layer, o downloadOptions) error
}

// downloadOptions are the choices a download request makes besides the
// features.
type downloadOptions struct {
	created time.Time // the time stamps inside the file
	bom     bool      // CSV: start with a UTF-8 byte order mark
}

// downloads lists the download formats, in the order of the links.
var downloads = []download{
	{f: "gpkg", ext: ".gpkg", mediaType: mtGeoPackage, title: "GeoPackage", write: writeGeoPackage},
	{f: "shp", ext: ".zip", mediaType: "application/zip", title: "Shapefile (ZIP of .shp .shx .dbf .prj .cpg, UTF-8)", write: writeFile(writeShapefile)},
	{f: "kml", ext: ".kml", mediaType: "application/vnd.google-earth.kml+xml", title: "KML", write: writeFile(writeKML)},
	{f: "csv", ext: ".csv", mediaType: "text/csv; charset=utf-8", title: "CSV with WKT geometry (bom=true for spreadsheets)", write: writeFile(writeCSV)},
}

// mtGeoPackage is the media type of GeoPackage files (OGC 12-128r18, IANA).
const mtGeoPackage = "application/geopackage+sqlite3"

// writeFile adapts an encoder of one layer to a stream into a download's
// write function.
func writeFile(enc func(w io.Writer, l gpkg.Layer, o downloadOptions) error) func(context.Context, string, []gpkg.Layer, downloadOptions) error {
	return func(_ context.Context, path string, layers []gpkg.Layer, o downloadOptions) error {
		if len(layers) != 1 {
			return fmt.Errorf("server: download of %d layers in a one-layer format", len(layers))
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		err = enc(bw, layers[0], o)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
}

func writeShapefile(w io.Writer, l gpkg.Layer, o downloadOptions) error {
	return shapefile.WriteZIP(w, l.Collection, l.Features, l.Properties, o.created)
}

func writeKML(w io.Writer, l gpkg.Layer, _ downloadOptions) error {
	return export.WriteKML(w, l.Collection, l.Features, l.Properties)
}

func writeCSV(w io.Writer, l gpkg.Layer, o downloadOptions) error {
	return export.WriteCSV(w, l.Features, l.Properties, o.bom)
}

// downloadSources is the GeoPackage-wide note on sources and licences,
// besides each table's attribution and licence.
const downloadSources = "Exported by beibeimap. Each feature's source, method and accuracy properties say where it comes from; data/sources/README.md of beibeimap gives the origin, version and licence of every source. GeoNames data (geonames.org) are licensed CC BY 4.0: credit GeoNames wherever the data are shown or passed on."

func writeGeoPackage(ctx context.Context, path string, layers []gpkg.Layer, o downloadOptions) error {
	return gpkg.Write(ctx, path, layers, gpkg.Options{Created: o.created, Sources: downloadSources})
}

// downloadFormat returns the download format named by f, or nil.
func downloadFormat(f string) *download {
	for i := range downloads {
		if strings.EqualFold(downloads[i].f, f) {
			return &downloads[i]
		}
	}
	return nil
}

// downloadParams are the query parameters of an items download: those of
// the items endpoint and bom (CSV).
var downloadParams = append(slices.Clone(itemsParams), "bom")

// handleItemsOrDownload serves the items endpoint: a download when f names
// a download format, else the items page.
func (s *Server) handleItemsOrDownload(c echo.Context) error {
	if f, ok := queryFirst(c.Request().URL.RawQuery, "f"); ok {
		if d := downloadFormat(f); d != nil {
			return s.handleItemsDownload(c, d)
		}
	}
	return s.handleItems(c)
}

// handleItemsDownload serves the features of a collection matching the
// filters of the items endpoint (bbox, datetime, filter, property
// filters, properties) as a file of format d. Every matching feature is in
// it unless limit (and cursor) ask for one page. Coordinates stay in WGS84
// (crs may only name CRS84 or EPSG:4326, which a GeoPackage stores the
// same way), and the geometry cannot be skipped. The unfiltered download
// (f alone), which the collection links, comes from the snapshot's
// downloadFiles once written there.
func (s *Server) handleItemsDownload(c echo.Context, d *download) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	col, err := collectionParam(c, snap)
	if err != nil {
		return err
	}
	q := parseQueryList(c.Request().URL.RawQuery, nil)
	if err := q.check(downloadParams, isQueryableParam(snap.Fields(col.ID))); err != nil {
		return err
	}
	name, layers, o, err := itemsDownload(snap, col, d, q)
	if err != nil {
		return err
	}
	var key *downloadKey
	if len(q) == 1 && q[0].key == "f" {
		key = &downloadKey{coll: col.ID, f: d.f}
	}
	return s.serveDownload(c, snap, d, name, layers, o, key)
}

// itemsDownload returns the file name, the layer and the options of a
// download of collection col as format d asked for by the query q, whose
// parameter names checkParams has accepted; the error is an InputError.
func itemsDownload(snap *geo.Snapshot, col *geo.Collection, d *download, q queryList) (string, []gpkg.Layer, downloadOptions, error) {
	var o downloadOptions
	iq, err := parseItemsQuery(q, col, snap.Fields(col.ID))
	if err != nil {
		return "", nil, o, err
	}
	if iq.crs != geo.WGS84 && iq.crs != geo.EPSG4326 {
		return "", nil, o, geo.Invalidf("crs", "downloads are in WGS84 longitude/latitude (CRS84); %s is only served as GeoJSON", iq.crs.URI())
	}
	if iq.skipGeometry {
		return "", nil, o, geo.Invalidf("skipGeometry", "a %s download always has geometry", d.title)
	}
	o.created = snap.Created()
	if q.has("bom") {
		if d.f != "csv" {
			return "", nil, o, geo.Invalidf("bom", "bom applies to f=csv only")
		}
		if o.bom, err = strconv.ParseBool(q.get("bom")); err != nil {
			return "", nil, o, geo.Invalidf("bom", "%q is not true or false", q.get("bom"))
		}
	}
	all := selectFeatures(snap, col, iq)
	if q.has("limit") || q.has("cursor") {
		all = iq.page(all)
	}
	name := col.ID
	if q.has("datetime") {
		name += "-" + q.get("datetime")
	}
	return fileName(name) + d.ext, []gpkg.Layer{{Collection: col, Features: all, Properties: iq.properties}}, o, nil
}

// handleDatasetDownload serves every collection, every version, as one
// file of datasetFiles: /download/beibeimap.gpkg, the GeoPackage, and
// /download/beibeimap.qgz, a QGIS project with that GeoPackage inside;
// from the snapshot's downloadFiles once written there.
func (s *Server) handleDatasetDownload(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if err := checkParams(c, nil, nil); err != nil {
		return err
	}
	d := datasetFile(c.Param("file"))
	if d == nil {
		return &geo.InputError{Param: "file", Detail: fmt.Sprintf("no download %q (try %s.gpkg or %s.qgz)", c.Param("file"), datasetName, datasetName), Kind: geo.ErrNotFound}
	}
	return s.serveDownload(c, snap, d, d.f, datasetLayers(snap), downloadOptions{created: snap.Created()}, &downloadKey{f: d.f})
}

// datasetFile returns the file of datasetFiles called name, or nil.
func datasetFile(name string) *download {
	for i := range datasetFiles {
		if datasetFiles[i].f == name {
			return &datasetFiles[i]
		}
	}
	return nil
}

// datasetLayers returns every collection of snap, every version, as the
// layers of a whole-dataset download.
func datasetLayers(snap *geo.Snapshot) []gpkg.Layer {
	var layers []gpkg.Layer
	for _, col := range snap.Collections() {
		layers = append(layers, gpkg.Layer{Collection: col, Features: col.Features})
	}
	return layers
}

// datasetName is the file name (without extension) of the whole dataset.
const datasetName = "beibeimap"

// datasetFiles are the whole-dataset downloads, f being the file name.
var datasetFiles = []download{
	{f: datasetName + ".gpkg", ext: ".gpkg", mediaType: mtGeoPackage, title: "GeoPackage", write: writeGeoPackage},
	{f: datasetName + ".qgz", ext: ".qgz", mediaType: mtQGZ, title: "QGIS project with its GeoPackage inside, styled as the map page, temporal controller on valid_from/valid_to", write: writeQGIS},
}

// mtQGZ is the media type of a QGIS project archive: a ZIP (QGIS
// registers none of its own).
const mtQGZ = "application/zip"

// writeQGIS writes the GeoPackage of layers aside, then the QGIS project
// archive holding it.
func writeQGIS(ctx context.Context, path string, layers []gpkg.Layer, o downloadOptions) error {
	data := filepath.Join(filepath.Dir(path), qgis.DataName)
	if err := writeGeoPackage(ctx, data, layers, o); err != nil {
		return err
	}
	cols := make([]*geo.Collection, len(layers))
	for i, l := range layers {
		cols[i] = l.Collection
	}
	return writeFile(func(w io.Writer, _ gpkg.Layer, o downloadOptions) error {
		return qgis.WriteQGZ(w, cols, data, downloadSources, o.created)
	})(ctx, path, layers[:1], o)
}

// serveDownload sends layers as format d, an attachment called name, with
// Content-Length, ranges and an ETag of the data and the request. When key
// names an unfiltered download that the snapshot's downloadFiles holds, it
// sends that file; otherwise it writes layers to a temporary file and
// streams it from there. Either way the bytes are the same: a file's time
// stamps are those of the snapshot (o.created), so the same snapshot gives
// the same bytes.
func (s *Server) serveDownload(c echo.Context, snap *geo.Snapshot, d *download, name string, layers []gpkg.Layer, o downloadOptions, key *downloadKey) error {
	h := c.Response().Header()
	if notModified(c, entityTag(snap.Version(), "download", d.f, c.Request().URL.RequestURI())) {
		return c.NoContent(http.StatusNotModified)
	}
	var body io.ReadSeeker
	if rf := s.readyDownload(snap, key); rf != nil {
		defer rf.release()
		body = io.NewSectionReader(rf.f, 0, rf.size)
	} else {
		f, err := writeDownload(c.Request().Context(), d, name, layers, o)
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	}
	h.Set(echo.HeaderContentType, d.mediaType)
	h.Set(echo.HeaderContentDisposition, contentDisposition(name))
	http.ServeContent(c.Response(), c.Request(), name, snap.Created(), body)
	return nil
}

// writeDownload writes layers as format d into a file called name in a new
// temporary directory and returns that file open for reading, already
// unlinked: its disk space is freed when it is closed, and nothing is left
// behind if the process dies.
func writeDownload(ctx context.Context, d *download, name string, layers []gpkg.Layer, o downloadOptions) (*os.File, error) {
	dir, err := os.MkdirTemp("", "beibeimap-download-")
	if err != nil {
		return nil, fmt.Errorf("server: download: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := d.write(ctx, path, layers, o); err != nil {
		return nil, fmt.Errorf("server: download %s: %w", name, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("server: download: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil { // a system that cannot unlink an open file
		f.Close()
		return nil, fmt.Errorf("server: download: %w", err)
	}
	return f, nil
}

// writeDownloads writes, one after the other, every unfiltered download of
// fs.snap that the collection documents link to: each format of downloads
// for each collection (in the order of the links), then the datasetFiles.
// It stops when fs is retired. A download that cannot be written (a
// Shapefile of mixed geometry types is one) stays unwritten: its link has
// no length, and a request for it is answered as if there were no
// downloadFiles (here, the same 400).
func (s *Server) writeDownloads(fs *downloadFiles) {
	snap := fs.snap
	write := func(key downloadKey, d *download, name string, layers []gpkg.Layer, o downloadOptions) bool {
		f, err := writeDownload(fs.ctx, d, name, layers, o)
		if err == nil {
			var st os.FileInfo
			if st, err = f.Stat(); err == nil {
				return fs.add(key, f, st.Size())
			}
			f.Close()
		}
		if fs.ctx.Err() != nil {
			return false
		}
		if !errors.Is(err, geo.ErrInvalid) {
			s.log.Warn("writing a download", slog.String("collection", key.coll), slog.String("f", key.f), slog.Any("error", err))
		}
		return true
	}
	for _, col := range snap.Collections() {
		for i := range downloads {
			d := &downloads[i]
			name, layers, o, err := itemsDownload(snap, col, d, queryList{{"f", d.f}})
			if err != nil || !write(downloadKey{coll: col.ID, f: d.f}, d, name, layers, o) {
				return
			}
		}
	}
	for i := range datasetFiles {
		d := &datasetFiles[i]
		if !write(downloadKey{f: d.f}, d, d.f, datasetLayers(snap), downloadOptions{created: snap.Created()}) {
			return
		}
	}
}

// unsafeName matches the characters a download's file name does not keep.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName turns s (a collection id and a datetime) into a portable file
// name: letters, digits, '.', '_' and '-' only.
func fileName(s string) string {
	return strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_.")
}

// contentDisposition returns the header value of an attachment (RFC 6266,
// with the RFC 8187 form for any non-ASCII name).
func contentDisposition(name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, name, url.PathEscape(name))
}

// downloadLinks returns the enclosure links of collection c: one per
// download format, every feature and version, each with its length when
// fs (the downloadFiles of the snapshot, or nil) has it written.
func downloadLinks(b baseURL, c *geo.Collection, fs *downloadFiles) []docLink {
	var out []docLink
	for _, d := range downloads {
		out = append(out, docLink{link{Href: b.at(collectionPath(c.ID)+"/items", url.Values{"f": {d.f}}), Rel: "enclosure", Type: d.mediaType,
			Title: d.title + ": every feature and version of " + c.Title}, fs.length(downloadKey{coll: c.ID, f: d.f})})
	}
	return out
}

// datasetLinks returns the enclosure links of the whole dataset, with
// their lengths as downloadLinks.
func datasetLinks(b baseURL, fs *downloadFiles) []docLink {
	var out []docLink
	for _, d := range datasetFiles {
		out = append(out, docLink{link{Href: b.at("/download/"+d.f, nil), Rel: "enclosure", Type: d.mediaType,
			Title: d.title + ": every collection, every version"}, fs.length(downloadKey{f: d.f})})
	}
	return out
}

// isDownload reports whether a routed request asks for a file of downloads
// or datasetFiles (an items request with f=gpkg, shp, kml or csv, or
// /download/…): those are sent without content coding (see skipGzip). The
// route patterns are those of routes.
func isDownload(c echo.Context) bool {
	switch c.Path() {
	case "/download/:file":
		return true
	case "/collections/:collection/items":
		f, ok := queryFirst(c.Request().URL.RawQuery, "f")
		return ok && downloadFormat(f) != nil
	}
	return false
}
