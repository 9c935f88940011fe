package server

// Downloads: the items of a collection, with the filters of the items
// endpoint, as a file GIS software opens (f=gpkg, shp, kml, csv), and the
// whole dataset as one GeoPackage or as a QGIS project beside that
// GeoPackage (datasetFiles). Files are written to a temporary directory and
// streamed from there, so memory stays flat whatever their size, and the
// length is known (Content-Length, ranges).

import (
	"bufio"
	"context"
	"fmt"
	"io"
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
	if f, ok := c.QueryParams()["f"]; ok {
		if d := downloadFormat(f[0]); d != nil {
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
// same way), and the geometry cannot be skipped.
func (s *Server) handleItemsDownload(c echo.Context, d *download) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	col, err := collectionParam(c, snap)
	if err != nil {
		return err
	}
	qs := snap.Fields(col.ID)
	if err := checkParams(c, downloadParams, isQueryableParam(qs)); err != nil {
		return err
	}
	q := c.QueryParams()
	iq, err := parseItemsQuery(q, col, qs)
	if err != nil {
		return err
	}
	if iq.crs != geo.WGS84 && iq.crs != geo.EPSG4326 {
		return geo.Invalidf("crs", "downloads are in WGS84 longitude/latitude (CRS84); %s is only served as GeoJSON", iq.crs.URI())
	}
	if iq.skipGeometry {
		return geo.Invalidf("skipGeometry", "a %s download always has geometry", d.title)
	}
	o := downloadOptions{created: snap.Created()}
	if q.Has("bom") {
		if d.f != "csv" {
			return geo.Invalidf("bom", "bom applies to f=csv only")
		}
		if o.bom, err = strconv.ParseBool(q.Get("bom")); err != nil {
			return geo.Invalidf("bom", "%q is not true or false", q.Get("bom"))
		}
	}
	all := selectFeatures(snap, col, iq)
	if q.Has("limit") || q.Has("cursor") {
		all = iq.page(all)
	}
	name := col.ID
	if q.Has("datetime") {
		name += "-" + q.Get("datetime")
	}
	layers := []gpkg.Layer{{Collection: col, Features: all, Properties: iq.properties}}
	return s.serveDownload(c, snap, d, fileName(name)+d.ext, layers, o)
}

// handleDatasetDownload serves every collection, every version, as one
// file of datasetFiles: /download/beibeimap.gpkg, the GeoPackage, and
// /download/beibeimap-qgis.zip, a QGIS project beside it.
func (s *Server) handleDatasetDownload(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if err := checkParams(c, nil, nil); err != nil {
		return err
	}
	var d *download
	for i := range datasetFiles {
		if c.Param("file") == datasetFiles[i].f {
			d = &datasetFiles[i]
		}
	}
	if d == nil {
		return &geo.InputError{Param: "file", Detail: fmt.Sprintf("no download %q (try %s.gpkg or %s-qgis.zip)", c.Param("file"), datasetName, datasetName), Kind: geo.ErrNotFound}
	}
	var layers []gpkg.Layer
	for _, col := range snap.Collections() {
		layers = append(layers, gpkg.Layer{Collection: col, Features: col.Features})
	}
	return s.serveDownload(c, snap, d, d.f, layers, downloadOptions{created: snap.Created()})
}

// datasetName is the file name (without extension) of the whole dataset.
const datasetName = "beibeimap"

// datasetFiles are the whole-dataset downloads, f being the file name.
var datasetFiles = []download{
	{f: datasetName + ".gpkg", ext: ".gpkg", mediaType: mtGeoPackage, title: "GeoPackage", write: writeGeoPackage},
	{f: datasetName + "-qgis.zip", ext: ".zip", mediaType: "application/zip", title: "QGIS project (" + qgis.ProjectName + ") with its GeoPackage, styled as the map page, temporal controller on valid_from/valid_to", write: writeQGIS},
}

// writeQGIS writes the GeoPackage of layers aside, then the ZIP of the
// QGIS project and the GeoPackage.
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
		return qgis.WriteZIP(w, cols, data, downloadSources, o.created)
	})(ctx, path, layers[:1], o)
}

// serveDownload writes layers as format d to a temporary file and streams
// it as an attachment called name. The file's time stamps are those of the
// snapshot, so the same data give the same bytes.
func (s *Server) serveDownload(c echo.Context, snap *geo.Snapshot, d *download, name string, layers []gpkg.Layer, o downloadOptions) error {
	h := c.Response().Header()
	if notModified(c, entityTag(snap.Version(), "download", d.f, c.Request().URL.RequestURI())) {
		return c.NoContent(http.StatusNotModified)
	}
	dir, err := os.MkdirTemp("", "beibeimap-download-")
	if err != nil {
		return fmt.Errorf("server: download: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := d.write(c.Request().Context(), path, layers, o); err != nil {
		return fmt.Errorf("server: download %s: %w", name, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("server: download: %w", err)
	}
	defer f.Close()
	h.Set(echo.HeaderContentType, d.mediaType)
	h.Set(echo.HeaderContentDisposition, contentDisposition(name))
	http.ServeContent(c.Response(), c.Request(), name, snap.Created(), f)
	return nil
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
// download format, every feature and version.
func downloadLinks(b baseURL, c *geo.Collection) []link {
	var out []link
	for _, d := range downloads {
		out = append(out, link{Href: b.at(collectionPath(c.ID)+"/items", url.Values{"f": {d.f}}), Rel: "enclosure", Type: d.mediaType, Title: d.title + ": every feature and version of " + c.Title})
	}
	return out
}

// datasetLinks returns the enclosure links of the whole dataset.
func datasetLinks(b baseURL) []link {
	var out []link
	for _, d := range datasetFiles {
		out = append(out, link{Href: b.at("/download/"+d.f, nil), Rel: "enclosure", Type: d.mediaType, Title: d.title + ": every collection, every version"})
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
		f, ok := c.QueryParams()["f"]
		return ok && downloadFormat(f[0]) != nil
	}
	return false
}
