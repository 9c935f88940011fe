package main

import "beibeimap/geo"

// regionMetadata is the "region" member of an archive's metadata: the
// facts of the redrawing in the shape of /map/config.json's region (the
// server's regionConfig), so that the map page drawing the archive with
// no service behind it (web/src/tilesmode.js, ?tiles=URL) colours the
// target district, the created one and the moving townships as it does
// with the service.
func regionMetadata(r *geo.Redrawing) map[string]any {
	return map[string]any{
		"change_date":   r.Date.Format(geo.DateLayout),
		"last_old_date": r.LastOldDay().Format(geo.DateLayout),
		"basis":         r.Basis,
		"target":        r.Target,
		"abolished":     r.Abolished,
		"created":       r.Created,
		"moves":         r.Moves,
		"collections":   geo.CollectionIDs,
	}
}
