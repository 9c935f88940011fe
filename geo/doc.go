// Package geo is the spatial domain of beibeimap: features with validity
// intervals, collections (layers), an immutable R-tree indexed snapshot of
// all collections with a prepared point-in-polygon test, and conversions
// between WGS84 and the other coordinate systems met at the edges
// (GCJ-02, BD-09, Web Mercator).
//
// All geometry inside the package is WGS84 longitude/latitude in degrees
// (EPSG:4326 values in CRS84 axis order: X is longitude, Y is latitude).
//
// Boundary rule: a polygon contains the points of its interior and of its
// "west and south" boundary, not of its "east and north" boundary. Precisely,
// a point on an edge is inside when the polygon's interior lies to the east of
// the point (for non-horizontal edges) or to the north of it (for horizontal
// edges). Two polygons that share a border with identical vertices thus never
// both contain a point of that border, and a point on it is in exactly one of
// them: the answer is deterministic and does not depend on ring orientation
// or on which polygon was indexed first.
package geo
