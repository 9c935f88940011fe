package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
	"beibeimap/tiles"
)

// mvtType is the media type of Mapbox Vector Tiles.
const mvtType = "application/vnd.mapbox-vector-tile"

// tileCacheSize bounds the rendered-tile cache (tiles of the embedded data
// are a few kilobytes each).
const tileCacheSize = 4096

// tileParams reads the query of a tile request: date (default today) and
// layers (comma-separated collection ids, default all). Unknown parameters
// are rejected.
func (s *Server) tileParams(c echo.Context, snap *geo.Snapshot) (time.Time, []string, error) {
	q := c.QueryParams()
	for k := range q {
		if k != "date" && k != "layers" {
			return time.Time{}, nil, geo.Invalidf(k, "unknown parameter %q (tiles take date and layers)", k)
		}
	}
	d := s.today()
	if v := q.Get("date"); v != "" {
		var err error
		if d, err = geo.ParseDate("date", v); err != nil {
			return time.Time{}, nil, err
		}
	}
	var layers []string
	if v := q.Get("layers"); v != "" {
		for _, id := range strings.Split(v, ",") {
			if _, err := snap.Collection(id); err != nil {
				return time.Time{}, nil, geo.Invalidf("layers", "unknown collection %q", id)
			}
			layers = append(layers, id)
		}
	}
	return d, layers, nil
}

// handleTile serves /tiles/{z}/{x}/{y}.mvt: every collection as one MVT
// layer, features valid on the requested date.
func (s *Server) handleTile(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	y, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return &geo.InputError{Param: "y", Detail: "tile paths end in .mvt", Kind: geo.ErrNotFound}
	}
	t, err := tiles.ParseTile(c.Param("z"), c.Param("x"), y)
	if err != nil {
		return err
	}
	d, layers, err := s.tileParams(c, snap)
	if err != nil {
		return err
	}
	key := tiles.NewKey(snap, t, d, layers...)
	if notModified(c, entityTag(key.String())) {
		return c.NoContent(http.StatusNotModified)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	rendered := false
	b, err := s.tiles.Get(key, func() ([]byte, error) { rendered = true; return tiles.Render(snap, t, d, layers...) })
	s.tileCacheResult(!rendered)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Blob(http.StatusOK, mvtType, b)
}

// tileURL is the absolute URL template of the tiles, with the query of the
// request (date, layers) carried over.
func (s *Server) tileURL(c echo.Context) string {
	u := requestBase(c) + "/tiles/{z}/{x}/{y}.mvt"
	q := url.Values{}
	for _, k := range []string{"date", "layers"} {
		if v := c.QueryParam(k); v != "" {
			q.Set(k, v)
		}
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// handleTileJSON serves the TileJSON 3.0.0 description of the tiles.
func (s *Server) handleTileJSON(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	_, layers, err := s.tileParams(c, snap)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tiles.Describe(snap, []string{s.tileURL(c)}, 0, tiles.MaxZoom, layers...))
}

// Colours of the map page (web/src/main.js COLOURS and PALETTE), so that
// the style draws what the page draws.
const (
	colourBeibei     = "#c62828"
	colourLiangjiang = "#1565c0"
	colourYubei      = "#6a1b9a"
	colourJiangbei   = "#00838f"
	colourOther      = "#8d8d8d"
	colourSeat       = "#424242"
	colourPalette0   = "#1f77b4"
	colourPalette1   = "#ff7f0e"
	colourPalette2   = "#2ca02c"
)

// districtColour picks a district's colour by its name, as the page does.
var districtColour = []any{"match", []any{"get", "name"},
	"北碚区", colourBeibei, "两江新区", colourLiangjiang, "渝北区", colourYubei, "江北区", colourJiangbei, colourOther}

// townshipColour colours a township by the district it belongs to from 2026.
var townshipColour = []any{"match", []any{"get", "district_after"},
	"500109-2026", colourBeibei, "liangjiang-2026", colourLiangjiang, colourOther}

// styleFill and styleLine are the fill and outline paint of the polygon
// and line layers of the default data; other layers get grey.
var styleFill = map[string]map[string]any{
	"districts":      {"fill-color": districtColour, "fill-opacity": 0.1},
	"townships":      {"fill-color": townshipColour, "fill-opacity": 0.2},
	"planning-zones": {"fill-color": colourPalette0, "fill-opacity": 0.2},
}

var styleLine = map[string]map[string]any{
	"districts":      {"line-color": districtColour, "line-width": 2.5},
	"townships":      {"line-color": "#ffffff", "line-width": 1},
	"planning-zones": {"line-color": colourPalette0, "line-width": 2, "line-dasharray": []any{4, 4}},
	"corridors":      {"line-color": colourPalette1, "line-width": 4, "line-dasharray": []any{10, 6}},
}

var stylePoint = map[string]map[string]any{
	"projects": {"circle-color": colourPalette2, "circle-radius": 7, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2},
	"seats":    {"circle-color": colourSeat, "circle-radius": 4, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5},
}

// styleLabels are the collections labelled with their name, and the zoom
// from which labels show.
var styleLabels = map[string]int{"districts": 7, "townships": 10, "seats": 11}

// handleStyle serves a MapLibre GL style over the tiles, which QGIS 3.22
// converts into its own symbology (it ignores TileJSON). The source points
// at the TileJSON and carries the attribution itself; promoteId makes the
// "id" property the feature id clients key feature-state by. Labels need
// glyphs: the style names the MapLibre demo glyph server, which clients
// with no internet cannot reach (QGIS draws labels with its own fonts).
func (s *Server) handleStyle(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if _, _, err := s.tileParams(c, snap); err != nil {
		return err
	}
	grey := "#888888"
	var layers []map[string]any
	for _, col := range snap.Collections() {
		id := col.ID
		fill := styleFill[id]
		if fill == nil {
			fill = map[string]any{"fill-color": grey, "fill-opacity": 0.15}
		}
		line := styleLine[id]
		if line == nil {
			line = map[string]any{"line-color": grey, "line-width": 1.5}
		}
		point := stylePoint[id]
		if point == nil {
			point = map[string]any{"circle-color": grey, "circle-radius": 4}
		}
		layers = append(layers,
			map[string]any{"id": id + "-fill", "type": "fill", "source": "beibeimap", "source-layer": id,
				"filter": []any{"==", "$type", "Polygon"}, "paint": fill},
			map[string]any{"id": id + "-line", "type": "line", "source": "beibeimap", "source-layer": id,
				"filter": []any{"!=", "$type", "Point"}, "paint": line},
			map[string]any{"id": id + "-point", "type": "circle", "source": "beibeimap", "source-layer": id,
				"filter": []any{"==", "$type", "Point"}, "paint": point},
		)
	}
	for _, col := range snap.Collections() {
		z, ok := styleLabels[col.ID]
		if !ok {
			continue
		}
		layers = append(layers, map[string]any{"id": col.ID + "-label", "type": "symbol", "source": "beibeimap", "source-layer": col.ID,
			"minzoom": z,
			"layout": map[string]any{"text-field": []any{"get", "name"}, "text-font": []any{"Noto Sans Regular"}, "text-size": 12,
				"text-offset": []any{0, 0.8}, "text-anchor": "top"},
			"paint": map[string]any{"text-color": "#212121", "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"version": 8,
		"name":    "beibeimap",
		"glyphs":  "https://demotiles.maplibre.org/font/{fontstack}/{range}.pbf",
		"sources": map[string]any{"beibeimap": map[string]any{
			"type": "vector", "url": s.tileJSONURL(c), "tiles": []string{s.tileURL(c)}, "minzoom": 0, "maxzoom": tiles.MaxZoom,
			"attribution": tiles.Attribution(snap), "promoteId": "id",
		}},
		"layers": layers,
	})
}

// tileJSONURL is the absolute URL of the TileJSON, with the query of the
// request (date, layers) carried over.
func (s *Server) tileJSONURL(c echo.Context) string {
	u := s.tileURL(c)
	return strings.Replace(u, "/tiles/{z}/{x}/{y}.mvt", "/tiles/tiles.json", 1)
}
