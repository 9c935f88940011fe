// Package gpkg writes and reads OGC GeoPackage 1.3 files of geo collections,
// with the pure-Go SQLite of modernc.org/sqlite.
//
// A collection is one feature table named by the collection id: an integer
// primary key fid (the feature's position, from 1), the feature id in a
// TEXT column "id", one column per property typed after the data (see
// Write) and the geometry in column "geom" as a standard GeoPackage binary
// geometry (header and little-endian WKB) in EPSG:4326, with an R-tree
// spatial index kept by the standard's triggers. Collection metadata
// (title, description, attribution, licence) go to gpkg_contents and
// gpkg_metadata; a GeoPackage-wide gpkg_metadata record lists the sources
// and licences of every table.
package gpkg

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"beibeimap/geo"
)

// Identifiers of the file format (GeoPackage 1.3, clause 1.1.1).
const (
	applicationID = 0x47504B47 // "GPKG"
	userVersion   = 10300
	srsWGS84      = 4326
)

// MetadataURI is the md_standard_uri of the per-table gpkg_metadata record
// this package writes and reads back: a JSON object with the collection's
// title, description, attribution and license, and under "absent" the
// properties each feature (by id) does not have at all, which SQL NULL
// cannot tell from a property that is present and null.
const MetadataURI = "urn:beibeimap:collection-metadata:1"

// Reserved column names; properties may not take them (compared without
// case, as SQLite does).
var reserved = []string{"fid", "id", "geom"}

// Layer is one feature table to write.
type Layer struct {
	// Collection gives the table name (its id) and metadata.
	Collection *geo.Collection
	// Features are written in this order.
	Features []*geo.Feature
	// Properties limits the columns to these properties; nil means all.
	Properties []string
}

// Options tune Write.
type Options struct {
	// Created is recorded as last_change and metadata timestamp; the zero
	// time means now. A fixed time gives byte-identical files.
	Created time.Time
	// Sources is free text added to the GeoPackage-wide metadata record
	// (where the data come from and under which licences).
	Sources string
	// Progress, when set, is called after each feature written with the
	// number written so far (of all layers).
	Progress func(done int)
}

// Write creates the GeoPackage file path (which must not exist) holding
// layers. Column types come from the data: a property whose non-null values
// are all YYYY-MM-DD strings is DATE (valid_from and valid_to always are),
// other strings TEXT, whole numbers up to 2^53 INTEGER, other numbers REAL,
// booleans BOOLEAN, and anything else (arrays, objects, mixed types) TEXT
// holding JSON, declared as application/json in gpkg_data_columns. The
// geometry column is typed after the geometries (GEOMETRY when they
// differ). It fails, leaving no file behind, when a property name clashes
// with fid, id or geom or with another property but for case, or when a
// geometry cannot be encoded. The file is written in one transaction, so
// memory stays flat whatever the number of features.
func Write(ctx context.Context, path string, layers []Layer, opt Options) (err error) {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("gpkg: %s already exists", path)
	}
	created := opt.Created
	if created.IsZero() {
		created = time.Now()
	}
	stamp := created.UTC().Format("2006-01-02T15:04:05.000Z")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("gpkg: close %s: %w", path, cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	db.SetMaxOpenConns(1)
	for _, p := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", applicationID),
		fmt.Sprintf("PRAGMA user_version = %d", userVersion),
		"PRAGMA journal_mode = OFF", // a new file: on failure it is removed
		"PRAGMA synchronous = OFF",
		"PRAGMA encoding = 'UTF-8'",
	} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("gpkg: %s: %w", p, err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("gpkg: begin: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	w := &writer{ctx: ctx, tx: tx, stamp: stamp, progress: opt.Progress}
	if err := w.exec(coreSchema...); err != nil {
		return err
	}
	var sources strings.Builder
	sources.WriteString("Sources and licences of the tables of this GeoPackage.\n")
	for _, l := range layers {
		if err := w.layer(l); err != nil {
			return fmt.Errorf("gpkg: table %s: %w", l.Collection.ID, err)
		}
		fmt.Fprintf(&sources, "\n%s (%s)\n  attribution: %s\n  licence: %s\n", l.Collection.ID, l.Collection.Title, l.Collection.Attribution, l.Collection.License)
	}
	if opt.Sources != "" {
		sources.WriteString("\n" + strings.TrimSpace(opt.Sources) + "\n")
	}
	if err := w.metadata("geopackage", "", "http://purl.org/dc/terms/", "text/plain", sources.String()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("gpkg: commit: %w", err)
	}
	return nil
}

// coreSchema creates the tables every GeoPackage with features and
// metadata has (GeoPackage 1.3, clauses 1.1.2, 1.1.3, 2.1.5, F.8, F.9),
// the three required spatial reference systems and the registration of
// the metadata and schema extensions.
var coreSchema = []string{
	`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
	`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system')`,
	`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')`,
	`INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
	`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
	`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
	`CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
	`CREATE TABLE gpkg_metadata (id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')`,
	`CREATE TABLE gpkg_metadata_reference (reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, row_id_value INTEGER, timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL, md_parent_id INTEGER, CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))`,
	`CREATE TABLE gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))`,
	`CREATE TABLE gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT, CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))`,
	`INSERT INTO gpkg_extensions VALUES ('gpkg_metadata', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec130/#extension_metadata', 'read-write')`,
	`INSERT INTO gpkg_extensions VALUES ('gpkg_metadata_reference', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec130/#extension_metadata', 'read-write')`,
	`INSERT INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec130/#extension_schema', 'read-write')`,
	`INSERT INTO gpkg_extensions VALUES ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec130/#extension_schema', 'read-write')`,
}

// rtreeTriggers are the triggers of the R-tree spatial index extension
// (GeoPackage 1.3, F.3), with %[1]s the table, %[2]s the geometry column,
// %[3]s the primary key and %[4]s the R-tree, all quoted. They call the
// ST_* functions a GeoPackage client provides; the writer fills the index
// itself before creating them.
var rtreeTriggers = []string{
	`CREATE TRIGGER %[5]s AFTER INSERT ON %[1]s WHEN (new.%[2]s NOT NULL AND NOT ST_IsEmpty(NEW.%[2]s)) BEGIN INSERT OR REPLACE INTO %[4]s VALUES (NEW.%[3]s, ST_MinX(NEW.%[2]s), ST_MaxX(NEW.%[2]s), ST_MinY(NEW.%[2]s), ST_MaxY(NEW.%[2]s)); END`,
	`CREATE TRIGGER %[6]s AFTER UPDATE OF %[2]s ON %[1]s WHEN OLD.%[3]s = NEW.%[3]s AND (NEW.%[2]s NOTNULL AND NOT ST_IsEmpty(NEW.%[2]s)) BEGIN INSERT OR REPLACE INTO %[4]s VALUES (NEW.%[3]s, ST_MinX(NEW.%[2]s), ST_MaxX(NEW.%[2]s), ST_MinY(NEW.%[2]s), ST_MaxY(NEW.%[2]s)); END`,
	`CREATE TRIGGER %[7]s AFTER UPDATE OF %[2]s ON %[1]s WHEN OLD.%[3]s = NEW.%[3]s AND (NEW.%[2]s ISNULL OR ST_IsEmpty(NEW.%[2]s)) BEGIN DELETE FROM %[4]s WHERE id = OLD.%[3]s; END`,
	`CREATE TRIGGER %[8]s AFTER UPDATE ON %[1]s WHEN OLD.%[3]s != NEW.%[3]s AND (NEW.%[2]s NOTNULL AND NOT ST_IsEmpty(NEW.%[2]s)) BEGIN DELETE FROM %[4]s WHERE id = OLD.%[3]s; INSERT OR REPLACE INTO %[4]s VALUES (NEW.%[3]s, ST_MinX(NEW.%[2]s), ST_MaxX(NEW.%[2]s), ST_MinY(NEW.%[2]s), ST_MaxY(NEW.%[2]s)); END`,
	`CREATE TRIGGER %[9]s AFTER UPDATE ON %[1]s WHEN OLD.%[3]s != NEW.%[3]s AND (NEW.%[2]s ISNULL OR ST_IsEmpty(NEW.%[2]s)) BEGIN DELETE FROM %[4]s WHERE id IN (OLD.%[3]s, NEW.%[3]s); END`,
	`CREATE TRIGGER %[10]s AFTER DELETE ON %[1]s WHEN old.%[2]s NOT NULL BEGIN DELETE FROM %[4]s WHERE id = OLD.%[3]s; END`,
}

// column kinds, in the order of generality for merging.
type kind uint8

const (
	kNone kind = iota // only nulls so far
	kDate
	kText
	kInteger
	kReal
	kBoolean
	kJSON
)

var sqlTypes = map[kind]string{kNone: "TEXT", kDate: "DATE", kText: "TEXT", kInteger: "INTEGER", kReal: "REAL", kBoolean: "BOOLEAN", kJSON: "TEXT"}

type column struct {
	name string
	kind kind
}

// dateProperties are typed DATE whatever their values (the validity of
// every layer; data/README.md).
var dateProperties = []string{"valid_from", "valid_to"}

// columns derives the property columns of l, sorted by name.
func columns(l Layer) ([]column, error) {
	kinds := map[string]kind{}
	for _, f := range l.Features {
		for k, v := range f.Properties {
			if l.Properties != nil && !slices.Contains(l.Properties, k) {
				continue
			}
			kinds[k] = merge(kinds[k], kindOf(v))
		}
	}
	for _, k := range l.Properties {
		if _, ok := kinds[k]; !ok {
			kinds[k] = kNone
		}
	}
	cols := make([]column, 0, len(kinds))
	seen := map[string]string{}
	for name, k := range kinds {
		low := strings.ToLower(name)
		if slices.Contains(reserved, low) {
			return nil, fmt.Errorf("property %q clashes with the column %s", name, low)
		}
		if other, ok := seen[low]; ok {
			return nil, fmt.Errorf("properties %q and %q differ only in case", name, other)
		}
		seen[low] = name
		if slices.Contains(dateProperties, name) && (k == kNone || k == kDate) {
			k = kDate
		}
		cols = append(cols, column{name, k})
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].name < cols[j].name })
	return cols, nil
}

func kindOf(v any) kind {
	switch v := v.(type) {
	case nil:
		return kNone
	case string:
		if isDate(v) {
			return kDate
		}
		return kText
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= 1<<53 {
			return kInteger
		}
		return kReal
	case bool:
		return kBoolean
	}
	return kJSON
}

func merge(a, b kind) kind {
	switch {
	case a == kNone:
		return b
	case b == kNone || a == b:
		return a
	case a == kDate && b == kText || a == kText && b == kDate:
		return kText
	case a == kInteger && b == kReal || a == kReal && b == kInteger:
		return kReal
	}
	return kJSON
}

// isDate reports whether s is a YYYY-MM-DD calendar date.
func isDate(s string) bool {
	if len(s) != len(geo.DateLayout) || s[4] != '-' || s[7] != '-' {
		return false
	}
	_, err := time.Parse(geo.DateLayout, s)
	return err == nil
}

// value returns v as stored in a column of kind k.
func value(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kDate, kText:
		return v.(string), nil
	case kInteger:
		return int64(v.(float64)), nil
	case kReal:
		return v.(float64), nil
	case kBoolean:
		if v.(bool) {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return marshalJSON(v)
}

// marshalJSON encodes v without HTML escaping, as the OGC API does.
func marshalJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// geometryType returns the geometry type name of gs for
// gpkg_geometry_columns: the common type, or GEOMETRY.
func geometryType(fs []*geo.Feature) string {
	name := ""
	for _, f := range fs {
		n := wkbName(f.Geometry)
		if name == "" {
			name = n
		} else if name != n {
			return "GEOMETRY"
		}
	}
	if name == "" {
		return "GEOMETRY"
	}
	return name
}

func wkbName(g orb.Geometry) string {
	switch g.(type) {
	case orb.Point:
		return "POINT"
	case orb.MultiPoint:
		return "MULTIPOINT"
	case orb.LineString:
		return "LINESTRING"
	case orb.MultiLineString:
		return "MULTILINESTRING"
	case orb.Polygon, orb.Ring, orb.Bound:
		return "POLYGON"
	case orb.MultiPolygon:
		return "MULTIPOLYGON"
	case orb.Collection:
		return "GEOMETRYCOLLECTION"
	}
	return "GEOMETRY"
}

// Geometry header flags (GeoPackage 1.3, 2.1.3.1.1).
const (
	flagLittleEndian = 0x01
	flagEnvelopeXY   = 0x02 // envelope contents indicator 1: minx, maxx, miny, maxy
	flagEmpty        = 0x10
)

// encodeGeometry returns g as a GeoPackage binary geometry in EPSG:4326:
// the header (with the envelope, except for points, which are their own
// envelope) and little-endian WKB. empty reports a geometry without
// coordinates, whose envelope is not in the R-tree.
func encodeGeometry(g orb.Geometry) (blob []byte, bound orb.Bound, empty bool, err error) {
	switch r := g.(type) {
	case nil:
		return nil, bound, false, fmt.Errorf("no geometry")
	case orb.Ring:
		g = orb.Polygon{r}
	case orb.Bound:
		g = r.ToPolygon()
	}
	g = nonNil(g)
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, bound, false, fmt.Errorf("encode geometry: %w", err)
	}
	empty = isEmpty(g)
	flags := byte(flagLittleEndian)
	_, isPoint := g.(orb.Point)
	withEnvelope := !empty && !isPoint
	if empty {
		flags |= flagEmpty
	} else if withEnvelope {
		flags |= flagEnvelopeXY
	}
	n := 8 + len(body)
	if withEnvelope {
		n += 32
	}
	blob = make([]byte, 8, n)
	blob[0], blob[1], blob[2], blob[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(blob[4:], uint32(int32(srsWGS84)))
	if !empty {
		bound = g.Bound()
	}
	if withEnvelope {
		for _, v := range []float64{bound.Min[0], bound.Max[0], bound.Min[1], bound.Max[1]} {
			blob = binary.LittleEndian.AppendUint64(blob, math.Float64bits(v))
		}
	}
	return append(blob, body...), bound, empty, nil
}

// nonNil replaces nil slices in g by empty ones: orb's WKB encoder writes
// nothing at all for a nil MultiPolygon, say, which no reader accepts.
func nonNil(g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.MultiPoint:
		if v == nil {
			return orb.MultiPoint{}
		}
	case orb.LineString:
		if v == nil {
			return orb.LineString{}
		}
	case orb.MultiLineString:
		if v == nil {
			return orb.MultiLineString{}
		}
	case orb.Polygon:
		if v == nil {
			return orb.Polygon{}
		}
	case orb.MultiPolygon:
		if v == nil {
			return orb.MultiPolygon{}
		}
	case orb.Collection:
		out := orb.Collection{}
		for _, s := range v {
			if s != nil {
				out = append(out, nonNil(s))
			}
		}
		return out
	}
	return g
}

// isEmpty reports whether g has no coordinates.
func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Point:
		return false
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) > 0 {
				return false
			}
		}
	case orb.Polygon:
		return len(g) == 0 || len(g[0]) == 0
	case orb.MultiPolygon:
		for _, p := range g {
			if !isEmpty(p) {
				return false
			}
		}
	case orb.Collection:
		for _, s := range g {
			if !isEmpty(s) {
				return false
			}
		}
	}
	return true
}

// quote quotes an SQL identifier.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// writer writes the tables of one GeoPackage in one transaction.
type writer struct {
	ctx      context.Context
	tx       *sql.Tx
	stamp    string
	progress func(int)
	done     int
	mdID     int64
}

func (w *writer) exec(stmts ...string) error {
	for _, s := range stmts {
		if _, err := w.tx.ExecContext(w.ctx, s); err != nil {
			return fmt.Errorf("gpkg: %.60s…: %w", s, err)
		}
	}
	return nil
}

// metadata adds a gpkg_metadata record and its reference (scope
// "geopackage" or "table").
func (w *writer) metadata(scope, table, uri, mime, text string) error {
	w.mdID++
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO gpkg_metadata (id, md_scope, md_standard_uri, mime_type, metadata) VALUES (?, 'dataset', ?, ?, ?)`, w.mdID, uri, mime, text); err != nil {
		return fmt.Errorf("gpkg: metadata: %w", err)
	}
	var tn any
	if table != "" {
		tn = table
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, timestamp, md_file_id) VALUES (?, ?, NULL, NULL, ?, ?)`, scope, tn, w.stamp, w.mdID); err != nil {
		return fmt.Errorf("gpkg: metadata reference: %w", err)
	}
	return nil
}

// collectionMeta is the JSON document of MetadataURI.
type collectionMeta struct {
	Title       string              `json:"title"`
	Description string              `json:"description"`
	Attribution string              `json:"attribution"`
	License     string              `json:"license"`
	Absent      map[string][]string `json:"absent,omitempty"`
}

func (w *writer) layer(l Layer) error {
	c := l.Collection
	cols, err := columns(l)
	if err != nil {
		return err
	}
	t, geom, fid := quote(c.ID), quote("geom"), quote("fid")
	gtype := geometryType(l.Features)
	var ddl strings.Builder
	fmt.Fprintf(&ddl, "CREATE TABLE %s (%s INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, %s %s, %s TEXT NOT NULL UNIQUE", t, fid, geom, gtype, quote("id"))
	for _, col := range cols {
		fmt.Fprintf(&ddl, ", %s %s", quote(col.name), sqlTypes[col.kind])
	}
	ddl.WriteString(")")
	if err := w.exec(ddl.String()); err != nil {
		return err
	}
	rtree := "rtree_" + c.ID + "_geom"
	if err := w.exec(fmt.Sprintf("CREATE VIRTUAL TABLE %s USING rtree(id, minx, maxx, miny, maxy)", quote(rtree))); err != nil {
		return err
	}
	var ins strings.Builder
	fmt.Fprintf(&ins, "INSERT INTO %s (%s, %s, %s", t, fid, geom, quote("id"))
	for _, col := range cols {
		ins.WriteString(", " + quote(col.name))
	}
	ins.WriteString(") VALUES (?, ?, ?" + strings.Repeat(", ?", len(cols)) + ")")
	stmt, err := w.tx.PrepareContext(w.ctx, ins.String())
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	defer stmt.Close()
	idx, err := w.tx.PrepareContext(w.ctx, fmt.Sprintf("INSERT INTO %s VALUES (?, ?, ?, ?, ?)", quote(rtree)))
	if err != nil {
		return fmt.Errorf("prepare index: %w", err)
	}
	defer idx.Close()
	var extent orb.Bound
	haveExtent := false
	absent := map[string][]string{}
	args := make([]any, 3+len(cols))
	for i, f := range l.Features {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		blob, b, empty, err := encodeGeometry(f.Geometry)
		if err != nil {
			return fmt.Errorf("feature %q: %w", f.ID, err)
		}
		args[0], args[1], args[2] = int64(i+1), blob, f.ID
		for j, col := range cols {
			v, ok := f.Properties[col.name]
			if !ok {
				absent[f.ID] = append(absent[f.ID], col.name)
			}
			if args[3+j], err = value(col.kind, v); err != nil {
				return fmt.Errorf("feature %q: property %s: %w", f.ID, col.name, err)
			}
		}
		if _, err := stmt.ExecContext(w.ctx, args...); err != nil {
			return fmt.Errorf("feature %q: %w", f.ID, err)
		}
		if !empty {
			if _, err := idx.ExecContext(w.ctx, int64(i+1), b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
				return fmt.Errorf("feature %q: index: %w", f.ID, err)
			}
			if haveExtent {
				extent = extent.Union(b)
			} else {
				extent, haveExtent = b, true
			}
		}
		w.done++
		if w.progress != nil {
			w.progress(w.done)
		}
	}
	var ext [4]any
	if haveExtent {
		ext = [4]any{extent.Min[0], extent.Min[1], extent.Max[0], extent.Max[1]}
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Title, c.Description, w.stamp, ext[0], ext[1], ext[2], ext[3], srsWGS84); err != nil {
		return fmt.Errorf("contents: %w", err)
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, c.ID, gtype, srsWGS84); err != nil {
		return fmt.Errorf("geometry columns: %w", err)
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec130/#extension_rtree', 'write-only')`, c.ID); err != nil {
		return fmt.Errorf("extensions: %w", err)
	}
	for _, col := range cols {
		if col.kind == kJSON {
			if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type) VALUES (?, ?, ?, 'application/json')`, c.ID, col.name, col.name); err != nil {
				return fmt.Errorf("data columns: %w", err)
			}
		}
	}
	names := []any{t, geom, fid, quote(rtree)}
	for _, s := range []string{"insert", "update1", "update2", "update3", "update4", "delete"} {
		names = append(names, quote(rtree+"_"+s))
	}
	for _, tr := range rtreeTriggers {
		if err := w.exec(fmt.Sprintf(tr, names...)); err != nil {
			return err
		}
	}
	meta := collectionMeta{Title: c.Title, Description: c.Description, Attribution: c.Attribution, License: c.License}
	if len(absent) > 0 {
		meta.Absent = absent
	}
	doc, err := marshalJSON(meta)
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	return w.metadata("table", c.ID, MetadataURI, "application/json", doc)
}

// ErrNotGeoPackage marks a file that is not a GeoPackage this package can
// read; it is wrapped together with geo.ErrInvalid.
var ErrNotGeoPackage = errors.New("not a GeoPackage")
