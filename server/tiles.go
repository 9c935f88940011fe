package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	key := fmt.Sprintf("%s/%s/%s/%d/%d/%d", snap.Version(), d.Format(geo.DateLayout), strings.Join(layers, ","), t.Z, t.X, t.Y)
	if notModified(c, entityTag(key)) {
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

// handleTileJSON serves a TileJSON 3.0 description of the tiles.
func (s *Server) handleTileJSON(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if _, _, err := s.tileParams(c, snap); err != nil {
		return err
	}
	var layers []map[string]any
	var attribution []string
	for _, col := range snap.Collections() {
		layers = append(layers, map[string]any{"id": col.ID, "description": col.Title, "fields": map[string]string{"id": "String"}})
		if col.Attribution != "" && !slices.Contains(attribution, col.Attribution) {
			attribution = append(attribution, col.Attribution)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"tilejson":      "3.0.0",
		"name":          "beibeimap",
		"tiles":         []string{s.tileURL(c)},
		"minzoom":       0,
		"maxzoom":       tiles.MaxZoom,
		"bounds":        []float64{105.28, 28.16, 110.2, 32.21},
		"center":        []float64{106.6, 29.85, 9},
		"attribution":   strings.Join(attribution, " · "),
		"vector_layers": layers,
	})
}

// styleColours are the fill/line colours of the default layers in the
// MapLibre style; other layers get grey.
var styleColours = map[string]string{
	"districts":      "#555555",
	"townships":      "#2b83ba",
	"planning-zones": "#d7191c",
	"corridors":      "#7b3294",
	"projects":       "#e66101",
	"seats":          "#1a9641",
}

// handleStyle serves a MapLibre GL style over the tiles, which QGIS 3.22
// converts into its own symbology (it ignores TileJSON).
func (s *Server) handleStyle(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if _, _, err := s.tileParams(c, snap); err != nil {
		return err
	}
	var layers []map[string]any
	for _, col := range snap.Collections() {
		colour := styleColours[col.ID]
		if colour == "" {
			colour = "#888888"
		}
		layers = append(layers,
			map[string]any{"id": col.ID + "-fill", "type": "fill", "source": "beibeimap", "source-layer": col.ID,
				"filter": []any{"==", "$type", "Polygon"}, "paint": map[string]any{"fill-color": colour, "fill-opacity": 0.15}},
			map[string]any{"id": col.ID + "-line", "type": "line", "source": "beibeimap", "source-layer": col.ID,
				"filter": []any{"!=", "$type", "Point"}, "paint": map[string]any{"line-color": colour, "line-width": 1.5}},
			map[string]any{"id": col.ID + "-point", "type": "circle", "source": "beibeimap", "source-layer": col.ID,
				"filter": []any{"==", "$type", "Point"}, "paint": map[string]any{"circle-color": colour, "circle-radius": 4}},
		)
	}
	return c.JSON(http.StatusOK, map[string]any{
		"version": 8,
		"name":    "beibeimap",
		"sources": map[string]any{"beibeimap": map[string]any{
			"type": "vector", "tiles": []string{s.tileURL(c)}, "minzoom": 0, "maxzoom": tiles.MaxZoom,
		}},
		"layers": layers,
	})
}
