package postgis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"beibeimap/data/postgis"
	"beibeimap/geo"
)

// TestLoadAppliesSchema: a default collection in PostGIS that breaks its
// schema (a township without district_before, a district drawn as a point)
// is refused exactly as the same layer file would be (data.ValidateSchema).
func TestLoadAppliesSchema(t *testing.T) {
	pg, _ := pushDefault(t)
	ctx := context.Background()
	cases := []struct {
		name, sql, want string
	}{
		{"township without district_before",
			`UPDATE beibeimap.townships SET properties = properties - 'district_before' WHERE position = 1`,
			"required properties missing or empty: district_before"},
		{"district as a point",
			`ALTER TABLE beibeimap.districts ALTER COLUMN geom TYPE geometry(Geometry, 4326);
UPDATE beibeimap.districts SET geom = ST_SetSRID(ST_MakePoint(106.4, 29.8), 4326) WHERE position = 1`,
			"geometry is Point, want polygon"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn := pg.Connect(ctx)
			defer conn.Close(ctx)
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, tc.sql); err != nil {
				t.Fatalf("PostGIS refused the edit itself: %v", err)
			}
			_, err = postgis.LoadSnapshot(ctx, tx)
			if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}
