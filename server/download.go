package server

// Downloads: the items of a collection, with the filters of the items
// endpoint, as a file GIS software opens (f=gpkg, …), and the whole dataset
// as one GeoPackage. Files are written to a temporary directory and
// streamed from there, so memory stays flat whatever their size, and the
// length is known (Content-Length, ranges).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/data/gpkg"
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
	// write writes the layers to a new file path.
	write func(ctx context.Context, path string, layers []gpkg.Layer, created time.Time) error
}

// downloads lists the download formats, in the order of the links.
var downloads = []download{
	{f: "gpkg", ext: ".gpkg", mediaType: mtGeoPackage, title: "GeoPackage", write: writeGeoPackage},
}

// mtGeoPackage is the media type of GeoPackage files (OGC 12-128r18, IANA).
const mtGeoPackage = "application/geopackage+sqlite3"

// downloadSources is the GeoPackage-wide note on sources and licences,
// besides each table's attribution and licence.
const downloadSources = "Exported by beibeimap. Each feature's source, method and accuracy properties say where it comes from; data/sources/README.md of beibeimap gives the origin, version and licence of every source. GeoNames data (geonames.org) are licensed CC BY 4.0: credit GeoNames wherever the data are shown or passed on."

func writeGeoPackage(ctx context.Context, path string, layers []gpkg.Layer, created time.Time) error {
	return gpkg.Write(ctx, path, layers, gpkg.Options{Created: created, Sources: downloadSources})
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
// the items endpoint.
var downloadParams = itemsParams

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
	qs := s.derivedFor(snap).queryablesOf(col)
	if err := checkParams(c, downloadParams, isQueryableParam(qs)); err != nil {
		return err
	}
	q := c.QueryParams()
	iq, err := parseItemsQuery(q, col, qs)
	if err != nil {
		return err
	}
	if iq.crs.uri != crsCRS84 && iq.crs.uri != crsEPSG4326 {
		return geo.Invalidf("crs", "downloads are in WGS84 longitude/latitude (CRS84); %s is only served as GeoJSON", iq.crs.uri)
	}
	if iq.skipGeometry {
		return geo.Invalidf("skipGeometry", "a %s download always has geometry", d.title)
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
	return s.serveDownload(c, snap, d, fileName(name)+d.ext, layers)
}

// handleDatasetDownload serves every collection, every version, as one
// GeoPackage: /download/beibeimap.gpkg.
func (s *Server) handleDatasetDownload(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if err := checkParams(c, nil, nil); err != nil {
		return err
	}
	d := downloadFormat(strings.TrimPrefix(filepath.Ext(c.Param("file")), "."))
	if d == nil || c.Param("file") != datasetName+d.ext {
		return &geo.InputError{Param: "file", Detail: fmt.Sprintf("no download %q (try %s.gpkg)", c.Param("file"), datasetName), Kind: geo.ErrNotFound}
	}
	var layers []gpkg.Layer
	for _, col := range snap.Collections() {
		layers = append(layers, gpkg.Layer{Collection: col, Features: col.Features})
	}
	return s.serveDownload(c, snap, d, datasetName+d.ext, layers)
}

// datasetName is the file name (without extension) of the whole dataset.
const datasetName = "beibeimap"

// serveDownload writes layers as format d to a temporary file and streams
// it as an attachment called name. The file's time stamps are those of the
// snapshot, so the same data give the same bytes.
func (s *Server) serveDownload(c echo.Context, snap *geo.Snapshot, d *download, name string, layers []gpkg.Layer) error {
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
	if err := d.write(c.Request().Context(), path, layers, snap.Created()); err != nil {
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
	for _, d := range downloads {
		if slices.Contains([]string{"gpkg"}, d.f) {
			out = append(out, link{Href: b.at("/download/"+datasetName+d.ext, nil), Rel: "enclosure", Type: d.mediaType, Title: d.title + ": every collection, every version"})
		}
	}
	return out
}
