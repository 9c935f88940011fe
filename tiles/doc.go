// Package tiles renders Mapbox Vector Tiles of the collections of a
// geo.Snapshot, one MVT layer per collection, in Web Mercator tile
// coordinates (EPSG:3857, the only tiling QGIS 3.22 reads). The tiles follow
// MVT 2.1 exactly, because strict decoders (QGIS, GDAL) drop or mangle what
// does not: version 2 layers, outer rings of positive area by the spec's
// formula and holes negative after rounding, polygons valid by the OGC
// rules GEOS applies (clip.go cuts polygons at the tile edge without the
// zero-width bridges of Sutherland–Hodgman; valid.go checks the result and
// falls back ring by ring), and an integer id on every feature.
//
// Besides Render it has the tile cache (Cache, keyed by Key), the
// TileJSON 3.0.0 description of the tiles (Describe) and the list of tiles
// an export must visit (Candidates). It knows nothing of HTTP or archive
// formats: callers parse the tile address, serve the bytes or write them.
package tiles
