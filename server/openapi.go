package server

// The OpenAPI 3.0 definition of the service, generated from the same
// tables the handlers use (parameters, limits, collections, queryables), so
// that it cannot drift from the real API.

import (
	"beibeimap/geo"
)

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/parameters/" + name} }

func jsonContent(mt string, schema obj) obj {
	return obj{mt: obj{"schema": schema}}
}

func response(desc string, content obj) obj {
	r := obj{"description": desc}
	if content != nil {
		r["content"] = content
	}
	return r
}

// problemResponses are the error responses every operation may give.
func problemResponses(r obj) obj {
	problem := jsonContent("application/problem+json", obj{"$ref": "#/components/schemas/problem"})
	r["400"] = response("Invalid parameter; the problem names it in param.", problem)
	r["404"] = response("Unknown collection or feature.", problem)
	r["503"] = response("No data loaded yet.", problem)
	return r
}

func getOp(summary, opID string, params []any, responses obj) obj {
	if params == nil {
		params = []any{}
	}
	return obj{"get": obj{
		"summary":     summary,
		"operationId": opID,
		"parameters":  params,
		"responses":   problemResponses(responses),
	}}
}

func okJSON(desc, mt string) obj {
	return obj{
		"200": response(desc, obj{mt: obj{"schema": obj{"type": "object"}}, mtHTML: obj{"schema": obj{"type": "string"}}}),
		"304": response("Not modified (If-None-Match matched the ETag).", nil),
	}
}

// itemsParameters returns the parameters of an items path; queryables of a
// known collection are added as form parameters for server-side filtering.
func itemsParameters(qs []geo.Field, withCollection bool) []any {
	var ps []any
	if withCollection {
		ps = append(ps, ref("collectionId"))
	}
	ps = append(ps, ref("f-items"), ref("limit"), ref("bbox"), ref("bbox-crs"), ref("datetime"),
		ref("filter"), ref("filter-lang"), ref("filter-crs"), ref("crs"), ref("properties"),
		ref("skipGeometry"), ref("cursor"), ref("bom"))
	for _, q := range qs {
		schema := obj{"type": q.Type}
		if q.Format != "" {
			schema["format"] = q.Format
		}
		ps = append(ps, obj{
			"name": q.Name, "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Selects features whose " + q.Name + " equals the value.",
			"schema":      schema,
		})
	}
	return ps
}

func param(name, in, desc string, schema obj) obj {
	p := obj{"name": name, "in": in, "description": desc, "schema": schema, "required": in == "path"}
	if in == "query" {
		p["style"] = "form"
		p["explode"] = false
	}
	return p
}

// buildOpenAPI returns the OpenAPI 3.0 document of the service.
func buildOpenAPI(b baseURL, snap *geo.Snapshot) obj {
	var ids []any
	for _, c := range snap.Collections() {
		ids = append(ids, c.ID)
	}
	var crsEnum []any
	for _, u := range geo.CRSURIs() {
		crsEnum = append(crsEnum, u)
	}
	params := obj{
		"collectionId": param("collectionId", "path", "Collection id.", obj{"type": "string", "enum": ids}),
		"featureId":    param("featureId", "path", "Feature id.", obj{"type": "string"}),
		"f":            param("f", "query", "Response format; default by Accept header (JSON unless text/html is preferred).", obj{"type": "string", "enum": []any{"json", "html"}}),
		"limit": param("limit", "query", "Features per page. Values above the maximum are clamped to it.",
			obj{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit}),
		"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Features intersecting the box minx,miny,maxx,maxy (or 6 numbers with heights), in bbox-crs (default CRS84 lon/lat).",
			"schema":      obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}},
		"bbox-crs": param("bbox-crs", "query", "CRS of bbox.", obj{"type": "string", "format": "uri", "enum": crsEnum, "default": crsCRS84}),
		"datetime": param("datetime", "query", "Date, timestamp or interval (start/end, .. for open); features whose validity overlaps it. Without it, every version (no temporal filter, as OGC API – Features Part 1 says).", obj{"type": "string"}),
		"filter":   param("filter", "query", "CQL2 filter (basic-cql2, LIKE/BETWEEN/IN, S_INTERSECTS and S_DISJOINT with any geometry literal).", obj{"type": "string"}),
		"filter-lang": param("filter-lang", "query", "Language of filter; cql-text is the draft name of cql2-text, accepted for GDAL 3.6.",
			obj{"type": "string", "enum": []any{"cql2-text", "cql2-json", "cql-text"}, "default": "cql2-text"}),
		"filter-crs":   param("filter-crs", "query", "CRS of geometry literals in filter.", obj{"type": "string", "format": "uri", "enum": crsEnum, "default": crsCRS84}),
		"crs":          param("crs", "query", "CRS of the response geometry (EPSG:4326 is lat/lon order).", obj{"type": "string", "format": "uri", "enum": crsEnum, "default": crsCRS84}),
		"properties":   obj{"name": "properties", "in": "query", "required": false, "style": "form", "explode": false, "description": "Properties to include.", "schema": obj{"type": "array", "items": obj{"type": "string"}}},
		"skipGeometry": param("skipGeometry", "query", "Leave geometry out (null).", obj{"type": "boolean", "default": false}),
		"cursor":       param("cursor", "query", "Paging cursor; follow the next and prev links.", obj{"type": "string"}),
		"f-items": param("f", "query", "Response format; default by Accept header (JSON unless text/html is preferred). gpkg, shp, kml and csv download every matching feature (all pages unless limit is given) as a GeoPackage, a zipped Shapefile, KML or CSV with WKT geometry.",
			obj{"type": "string", "enum": []any{"json", "html", "gpkg", "shp", "kml", "csv"}}),
		"bom": param("bom", "query", "With f=csv: start the file with a UTF-8 byte order mark, for spreadsheets.", obj{"type": "boolean", "default": false}),
	}
	fc := obj{"200": response("A page of features; next and prev links page through all of them.",
		obj{mtGeoJSON: obj{"schema": obj{"type": "object"}}, mtHTML: obj{"schema": obj{"type": "string"}}}),
		"304": response("Not modified.", nil)}
	paths := obj{
		"/":            getOp("Landing page", "getLandingPage", []any{ref("f")}, okJSON("Landing page.", mtJSON)),
		"/api":         getOp("This API definition", "getAPI", []any{ref("f")}, okJSON("OpenAPI 3.0 definition.", mtOpenAPI)),
		"/conformance": getOp("Conformance classes", "getConformance", []any{ref("f")}, okJSON("Conformance declaration.", mtJSON)),
		"/collections": getOp("Collections", "getCollections", []any{ref("f")}, okJSON("The collections.", mtJSON)),
		"/collections/{collectionId}": getOp("One collection", "describeCollection",
			[]any{ref("collectionId"), ref("f")}, okJSON("The collection.", mtJSON)),
		"/collections/{collectionId}/queryables": getOp("Queryable properties", "getQueryables",
			[]any{ref("collectionId"), ref("f")}, okJSON("JSON Schema of the queryables.", mtSchema)),
		"/collections/{collectionId}/items": getOp("Features of a collection", "getFeatures",
			itemsParameters(nil, true), fc),
		"/collections/{collectionId}/items/{featureId}": getOp("One feature (any version)", "getFeature",
			[]any{ref("collectionId"), ref("featureId"), ref("f"), ref("crs"), ref("properties"), ref("skipGeometry")},
			obj{"200": response("The feature.", obj{mtGeoJSON: obj{"schema": obj{"type": "object"}}}), "304": response("Not modified.", nil)}),
		"/download/{file}": obj{"get": obj{"summary": "Every collection, every version, as one file: beibeimap.gpkg (GeoPackage) or beibeimap.qgz (a QGIS project with that GeoPackage inside).", "operationId": "getDownload",
			"parameters": []any{obj{"name": "file", "in": "path", "required": true, "schema": obj{"type": "string", "enum": []any{datasetName + ".gpkg", datasetName + ".qgz"}}}},
			"responses":  obj{"200": response("The file, as an attachment.", obj{mtGeoPackage: obj{"schema": obj{"type": "string", "format": "binary"}}, "application/zip": obj{"schema": obj{"type": "string", "format": "binary"}}}), "304": response("Not modified.", nil), "404": response("No such file.", nil)}}},
		"/healthz": obj{"get": obj{"summary": "Health check: 200 once data is loaded, 503 before.", "operationId": "getHealth",
			"responses": obj{"200": response("Loaded.", jsonContent(mtJSON, obj{"type": "object"})), "503": response("No data yet.", nil)}}},
		"/readyz": obj{"get": obj{"summary": "Readiness: the served data's version, feature count per collection and the last reload's time and error; 503 before any data is loaded.", "operationId": "getReady",
			"responses": obj{"200": response("Serving.", jsonContent(mtJSON, obj{"type": "object"})), "503": response("No data yet.", nil)}}},
		"/metrics": obj{"get": obj{"summary": "Prometheus metrics in the text exposition format.", "operationId": "getMetrics",
			"responses": obj{"200": response("Metrics.", obj{"text/plain": obj{"schema": obj{"type": "string"}}})}}},
		"/map/": obj{"get": obj{"summary": "The interactive map page.", "operationId": "getMap",
			"responses": obj{"200": response("HTML page.", obj{mtHTML: obj{"schema": obj{"type": "string"}}})}}},
		"/lookup": obj{
			"get": obj{"summary": "Which district, township and planning zones contain a place today or on a date, how its district changed, and what is being built nearby; by point or by free-text address.",
				"operationId": "lookup",
				"parameters": []any{
					param("lon", "query", "Longitude in degrees (with lat; not with address).", obj{"type": "number", "minimum": -180, "maximum": 180}),
					param("lat", "query", "Latitude in degrees (with lon; not with address).", obj{"type": "number", "minimum": -90, "maximum": 90}),
					param("crs", "query", "Coordinate system of lon/lat.", obj{"type": "string", "enum": []any{"wgs84", "gcj02", "bd09"}, "default": "wgs84"}),
					param("date", "query", "Answer for the layout in force on this date (YYYY-MM-DD); default today in China.", obj{"type": "string", "format": "date"}),
					param("address", "query", "Free text naming districts and townships (Chinese, short forms, pinyin or English; abolished names too).", obj{"type": "string"}),
				},
				"responses": problemResponses(obj{
					"200": response("Lookup result.", jsonContent(mtJSON, obj{"type": "object"})),
					"404": response("No name recognised in address.", jsonContent("application/problem+json", obj{"$ref": "#/components/schemas/problem"})),
				})},
			"post": obj{"summary": "Batch lookup of up to 10,000 points, answered in input order and in the media type sent.", "operationId": "lookupBatch",
				"parameters": []any{
					param("crs", "query", "Coordinate system of every point.", obj{"type": "string", "enum": []any{"wgs84", "gcj02", "bd09"}, "default": "wgs84"}),
					param("date", "query", "Date of the layout (YYYY-MM-DD); default today in China.", obj{"type": "string", "format": "date"}),
				},
				"requestBody": obj{"required": true, "content": obj{
					mtJSON:     obj{"schema": obj{"type": "array", "maxItems": 10000, "items": obj{"type": "array", "minItems": 2, "maxItems": 2, "items": obj{"type": "number"}}}},
					mtGeoJSON:  obj{"schema": obj{"type": "object", "description": "A FeatureCollection of points."}},
					"text/csv": obj{"schema": obj{"type": "string", "description": "CSV with lon and lat columns; other columns are echoed."}},
				}},
				"responses": problemResponses(obj{
					"200": response("Lookup results in the request's media type.", obj{
						mtJSON:     obj{"schema": obj{"type": "array"}},
						mtGeoJSON:  obj{"schema": obj{"type": "object"}},
						"text/csv": obj{"schema": obj{"type": "string"}},
					}),
					"413": response("Body over 8 MiB or more than 10,000 points.", jsonContent("application/problem+json", obj{"$ref": "#/components/schemas/problem"})),
					"415": response("Unsupported Content-Type.", jsonContent("application/problem+json", obj{"$ref": "#/components/schemas/problem"})),
				})},
		},
		"/tiles/{z}/{x}/{y}.mvt": obj{"get": obj{"summary": "Mapbox Vector Tile (Web Mercator) with one layer per collection.", "operationId": "getTile",
			"parameters": []any{
				param("z", "path", "Zoom level, 0 to 18.", obj{"type": "integer", "minimum": 0, "maximum": 18}),
				param("x", "path", "Tile column.", obj{"type": "integer", "minimum": 0}),
				param("y", "path", "Tile row.", obj{"type": "integer", "minimum": 0}),
				param("date", "query", "Layout in force on this date; default today in China.", obj{"type": "string", "format": "date"}),
				param("layers", "query", "Comma-separated collection ids; default all.", obj{"type": "string"}),
			},
			"responses": problemResponses(obj{
				"200": response("The tile.", obj{"application/vnd.mapbox-vector-tile": obj{"schema": obj{"type": "string", "format": "binary"}}}),
				"204": response("No feature in this tile.", nil),
				"304": response("Not modified.", nil),
			})}},
		"/tiles/tiles.json": obj{"get": obj{"summary": "TileJSON 3.0 of the vector tiles.", "operationId": "getTileJSON",
			"responses": obj{"200": response("TileJSON.", jsonContent(mtJSON, obj{"type": "object"}))}}},
		"/tiles/style.json": obj{"get": obj{"summary": "MapLibre style of the vector tiles (QGIS reads it as styleUrl).", "operationId": "getTileStyle",
			"responses": obj{"200": response("Style.", jsonContent(mtJSON, obj{"type": "object"}))}}},
	}
	for _, c := range snap.Collections() {
		paths[collectionPath(c.ID)+"/items"] = getOp("Features of "+c.Title, "getFeatures_"+c.ID,
			itemsParameters(snap.Fields(c.ID), false), fc)
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       serviceTitle,
			"version":     "1.0.0",
			"description": serviceDescription,
		},
		"servers": []any{obj{"url": string(b)}},
		"paths":   paths,
		"components": obj{
			"parameters": params,
			"schemas": obj{"problem": obj{
				"type":        "object",
				"description": "RFC 9457 problem details; param names the offending parameter.",
				"properties": obj{
					"type": obj{"type": "string"}, "title": obj{"type": "string"}, "status": obj{"type": "integer"},
					"detail": obj{"type": "string"}, "instance": obj{"type": "string"}, "param": obj{"type": "string"},
				},
			}},
		},
	}
}
