//go:build !geos

package check

import "beibeimap/geo"

// topology is skipped without GEOS: the report says so.
func (r *report) topology(map[string]*geo.Collection) {
	r.note("topology checks (valid geometry, hole nesting, self-intersections, township overlaps and gaps, overlaps and gaps between the districts of each day) need GEOS: " +
		"run `go run -tags geos ./cmd/beibeimap data check` (needs libgeos-dev)")
}
