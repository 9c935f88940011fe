package gpkg

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"beibeimap/geo"
)

// Application ids a GeoPackage may carry: 'GPKG' (1.2 and later) and the
// 'GP10' and 'GP11' of 1.0 and 1.1.
var applicationIDs = []int64{applicationID, 0x47503130, 0x47503131}

// Read opens the GeoPackage path read-only and returns one collection per
// features table, ordered by table name, each with its features in primary
// key order. The feature id is the TEXT column "id" when the table has one
// (as Write makes it), else the primary key. Property values are typed
// after the declared column types: integers and reals become float64,
// BOOLEAN becomes bool, TEXT, DATE and DATETIME strings, columns declared
// application/json in gpkg_data_columns their decoded JSON; NULL is a
// property present and null, unless the table's MetadataURI record lists it
// as absent. Geometries must be in EPSG:4326 (WGS84 lon/lat, as
// GeoPackage stores x = longitude) and not use extended geometry types.
// The collections' Valid intervals are left for the caller to set. Any
// failure is an error wrapping ErrNotGeoPackage and geo.ErrInvalid that
// names the table and feature; nothing partial is returned.
func Read(ctx context.Context, path string) ([]*geo.Collection, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, invalid("open %s: %v", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var app int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return nil, invalid("%s: %v", path, err)
	}
	known := false
	for _, a := range applicationIDs {
		known = known || a == app
	}
	if !known {
		return nil, invalid("%s: application_id is %#x, not 'GPKG'", path, app)
	}
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, COALESCE(c.identifier, ''), COALESCE(c.description, ''), g.column_name, g.srs_id, COALESCE(s.organization, ''), COALESCE(s.organization_coordsys_id, 0)
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
		WHERE c.data_type = 'features' ORDER BY c.table_name`)
	if err != nil {
		return nil, invalid("%s: gpkg_contents: %v", path, err)
	}
	type table struct {
		name, title, description, geom string
		srs, coordsys                  int64
		org                            string
	}
	var tables []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.name, &t.title, &t.description, &t.geom, &t.srs, &t.org, &t.coordsys); err != nil {
			rows.Close()
			return nil, invalid("%s: gpkg_contents: %v", path, err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, invalid("%s: gpkg_contents: %v", path, err)
	}
	if len(tables) == 0 {
		return nil, invalid("%s: no features table in gpkg_contents", path)
	}
	var cols []*geo.Collection
	for _, t := range tables {
		if t.srs != srsWGS84 && !(strings.EqualFold(t.org, "EPSG") && t.coordsys == srsWGS84) {
			return nil, invalid("table %s: SRS %d (%s:%d) is not EPSG:4326; convert it first (ogr2ogr -t_srs EPSG:4326)", t.name, t.srs, t.org, t.coordsys)
		}
		title := t.title
		if title == "" {
			title = t.name
		}
		c := &geo.Collection{ID: t.name, Title: title, Description: t.description}
		meta, err := tableMeta(ctx, db, t.name)
		if err != nil {
			return nil, err
		}
		if meta != nil {
			c.Attribution, c.License = meta.Attribution, meta.License
		}
		if err := readFeatures(ctx, db, c, t.geom, meta); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// checkHeader tells a file that is not SQLite at all from a broken
// GeoPackage, with a clear message.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer f.Close()
	var h [16]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || string(h[:]) != "SQLite format 3\x00" {
		return invalid("%s is not an SQLite database", path)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("gpkg: "+format+": %w (%w)", append(args, ErrNotGeoPackage, geo.ErrInvalid)...)
}

func hasTable(ctx context.Context, db *sql.DB, name string) bool {
	var n int
	db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&n)
	return n > 0
}

// tableMeta returns the MetadataURI record of a table, or nil.
func tableMeta(ctx context.Context, db *sql.DB, table string) (*collectionMeta, error) {
	if !hasTable(ctx, db, "gpkg_metadata") || !hasTable(ctx, db, "gpkg_metadata_reference") {
		return nil, nil
	}
	var doc string
	err := db.QueryRowContext(ctx, `SELECT m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r ON r.md_file_id = m.id
		WHERE r.reference_scope = 'table' AND r.table_name = ? AND m.md_standard_uri = ? ORDER BY m.id DESC LIMIT 1`, table, MetadataURI).Scan(&doc)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, invalid("table %s: metadata: %v", table, err)
	}
	var m collectionMeta
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return nil, invalid("table %s: metadata record is not JSON: %v", table, err)
	}
	return &m, nil
}

type readColumn struct {
	name, typ string
	json, pk  bool
}

func readFeatures(ctx context.Context, db *sql.DB, c *geo.Collection, geomCol string, meta *collectionMeta) error {
	info, err := db.QueryContext(ctx, "SELECT name, upper(type), pk FROM pragma_table_info(?)", c.ID)
	if err != nil {
		return invalid("table %s: %v", c.ID, err)
	}
	var rcols []readColumn
	for info.Next() {
		var rc readColumn
		var pk int
		if err := info.Scan(&rc.name, &rc.typ, &pk); err != nil {
			info.Close()
			return invalid("table %s: %v", c.ID, err)
		}
		rc.pk = pk > 0
		rcols = append(rcols, rc)
	}
	info.Close()
	if len(rcols) == 0 {
		return invalid("table %s does not exist", c.ID)
	}
	if hasTable(ctx, db, "gpkg_data_columns") {
		for i := range rcols {
			var mime sql.NullString
			db.QueryRowContext(ctx, "SELECT mime_type FROM gpkg_data_columns WHERE table_name = ? AND column_name = ?", c.ID, rcols[i].name).Scan(&mime)
			rcols[i].json = strings.EqualFold(mime.String, "application/json")
		}
	}
	pk, geomAt, idAt := "", -1, -1
	sel := make([]string, len(rcols))
	for i, rc := range rcols {
		sel[i] = quote(rc.name)
		if strings.Contains(rc.typ, "DATE") || strings.Contains(rc.typ, "TIME") {
			// The driver turns DATE and DATETIME values into time.Time;
			// the text is what the data said.
			sel[i] = "CAST(" + sel[i] + " AS TEXT)"
		}
		switch {
		case rc.pk:
			pk = rc.name
		case strings.EqualFold(rc.name, geomCol):
			geomAt = i
		case rc.name == "id":
			idAt = i
		}
	}
	if geomAt < 0 {
		return invalid("table %s has no geometry column %s", c.ID, geomCol)
	}
	order := "rowid"
	if pk != "" {
		order = quote(pk)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", strings.Join(sel, ", "), quote(c.ID), order))
	if err != nil {
		return invalid("table %s: %v", c.ID, err)
	}
	defer rows.Close()
	vals := make([]any, len(rcols))
	ptrs := make([]any, len(rcols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for n := 1; rows.Next(); n++ {
		if err := rows.Scan(ptrs...); err != nil {
			return invalid("table %s: row %d: %v", c.ID, n, err)
		}
		f := &geo.Feature{Collection: c.ID, Properties: map[string]any{}}
		for i, rc := range rcols {
			v := vals[i]
			switch {
			case i == geomAt:
				b, ok := v.([]byte)
				if !ok {
					return invalid("table %s: row %d has no geometry", c.ID, n)
				}
				if f.Geometry, err = decodeGeometry(b); err != nil {
					return invalid("table %s: row %d: %v", c.ID, n, err)
				}
			case rc.pk:
				if idAt < 0 {
					f.ID = fmt.Sprint(v)
				}
			case i == idAt && v != nil:
				f.ID = fmt.Sprint(text(v))
			default:
				if f.Properties[rc.name], err = property(rc, v); err != nil {
					return invalid("table %s: row %d: column %s: %v", c.ID, n, rc.name, err)
				}
			}
		}
		if f.ID == "" {
			f.ID = strconv.Itoa(n)
		}
		if meta != nil {
			for _, k := range meta.Absent[f.ID] {
				delete(f.Properties, k)
			}
		}
		c.Features = append(c.Features, f)
	}
	if err := rows.Err(); err != nil {
		return invalid("table %s: %v", c.ID, err)
	}
	return nil
}

// text returns a TEXT value scanned as []byte or string as a string.
func text(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// property converts a column value after the column's declared type.
func property(rc readColumn, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	v = text(v)
	if rc.json {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("JSON column holds %T", v)
		}
		var out any
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		return out, nil
	}
	switch {
	case rc.typ == "BOOLEAN":
		switch b := v.(type) {
		case int64:
			return b != 0, nil
		case bool:
			return b, nil
		}
	case strings.Contains(rc.typ, "INT"), rc.typ == "REAL", rc.typ == "FLOAT", rc.typ == "DOUBLE":
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		}
	}
	switch x := v.(type) {
	case string, float64, bool:
		return x, nil
	case int64:
		return float64(x), nil
	case []byte:
		return nil, fmt.Errorf("BLOB values are not supported")
	}
	return fmt.Sprint(v), nil
}

// decodeGeometry parses a standard GeoPackage binary geometry.
func decodeGeometry(b []byte) (orb.Geometry, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, fmt.Errorf("not a GeoPackage geometry")
	}
	if b[2] != 0 {
		return nil, fmt.Errorf("geometry version %d is not 0", b[2])
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return nil, fmt.Errorf("extended geometry types are not supported")
	}
	var env int
	switch (flags >> 1) & 0x07 {
	case 0:
	case 1:
		env = 32
	case 2, 3:
		env = 48
	case 4:
		env = 64
	default:
		return nil, fmt.Errorf("bad envelope indicator")
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	if srs := int32(order.Uint32(b[4:8])); srs != srsWGS84 && srs != 0 {
		return nil, fmt.Errorf("geometry SRS %d is not EPSG:4326", srs)
	}
	if len(b) < 8+env {
		return nil, fmt.Errorf("geometry is truncated")
	}
	g, err := wkb.Unmarshal(b[8+env:])
	if err != nil {
		return nil, fmt.Errorf("geometry: %v", err)
	}
	if r, ok := g.(orb.Ring); ok {
		g = orb.Polygon{r}
	}
	return g, nil
}
