package server

import (
	"strconv"

	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the service, in one table.
func (s *Server) routes() {
	body := middleware.BodyLimit(byteSize(s.cfg.MaxBody))

	s.get("/healthz", s.handleHealth)
	s.get("/readyz", s.handleReady)
	s.get("/metrics", s.handleMetrics)
	s.get("/favicon.ico", s.handleFavicon)

	// "Which zone is this place in": one point, a free-text address, a batch.
	s.get("/lookup", s.handleLookup)
	s.post("/lookup", s.handleLookupBatch, body, s.expensive(nil))

	// Addresses: batch geocoding of spreadsheets, suggestions for the map
	// page's search box, and the AMap-compatible web-service face.
	s.post("/geocode", s.handleGeocode, body)
	s.get("/geocode/suggest", s.handleSuggest)
	s.get("/problems/outside-area", s.handleProblemOutside)
	s.get("/v3/geocode/geo", s.handleAMapGeo)
	s.get("/v3/geocode/regeo", s.handleAMapRegeo)

	// OGC API – Features (Parts 1, 2, 3).
	s.get("/", s.handleLanding)
	s.get("/api", s.handleAPI)
	s.get("/conformance", s.handleConformance)
	s.get("/collections", s.handleCollections)
	s.get("/collections/:collection", s.handleCollection)
	s.get("/collections/:collection/items", s.handleItemsOrDownload, s.expensive(expensiveItems)) // f=gpkg…: download.go
	s.get("/collections/:collection/items/:featureId", s.handleFeature)
	s.get("/collections/:collection/queryables", s.handleQueryables)

	// Downloads of the whole dataset (the items endpoint downloads one
	// collection).
	s.get("/download/:file", s.handleDatasetDownload, s.expensive(expensiveItems))

	// Vector tiles of every collection, with TileJSON and a MapLibre style
	// (QGIS reads the style).
	s.get("/tiles/tiles.json", s.handleTileJSON)
	s.get("/tiles/style.json", s.handleStyle)
	s.get("/tiles/:z/:x/:y", s.handleTile)

	// The map page.
	s.get("/map", s.handleMapRedirect)
	s.get("/map/*", s.handleMap)
}

// byteSize formats n for echo's body-limit middleware.
func byteSize(n int64) string { return strconv.FormatInt(n, 10) + "B" }
