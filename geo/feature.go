package geo

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// DateLayout is the layout of the calendar dates used for validity
// intervals and date queries (ISO 8601 calendar date).
const DateLayout = "2006-01-02"

// ParseDate parses a calendar date in DateLayout. The result is midnight UTC.
// It returns an error wrapping ErrInvalid for anything else.
func ParseDate(param, s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, Invalidf(param, "%q is not a date of the form YYYY-MM-DD", s)
	}
	return t, nil
}

// Interval is a closed interval of calendar dates [From, To]. A zero From or
// To is an open end. The zero Interval contains every date.
type Interval struct {
	From, To time.Time
}

// Contains reports whether the calendar date d lies in the interval,
// both ends included.
func (iv Interval) Contains(d time.Time) bool {
	if !iv.From.IsZero() && d.Before(iv.From) {
		return false
	}
	if !iv.To.IsZero() && d.After(iv.To) {
		return false
	}
	return true
}

// Overlaps reports whether the two closed intervals share at least one date.
func (iv Interval) Overlaps(o Interval) bool {
	if !iv.To.IsZero() && !o.From.IsZero() && iv.To.Before(o.From) {
		return false
	}
	if !o.To.IsZero() && !iv.From.IsZero() && o.To.Before(iv.From) {
		return false
	}
	return true
}

// Valid reports whether the interval is well formed: From is not after To.
func (iv Interval) Valid() bool {
	return iv.From.IsZero() || iv.To.IsZero() || !iv.From.After(iv.To)
}

// String formats the interval as "FROM/TO" with ".." for open ends, as in
// OGC API datetime parameters.
func (iv Interval) String() string {
	f, t := "..", ".."
	if !iv.From.IsZero() {
		f = iv.From.Format(DateLayout)
	}
	if !iv.To.IsZero() {
		t = iv.To.Format(DateLayout)
	}
	return f + "/" + t
}

// Feature is one geographic feature of a collection. Geometry is WGS84
// lon/lat. A Feature is immutable once it is part of a Snapshot and is then
// safe for concurrent reads.
type Feature struct {
	// ID is unique within the collection.
	ID string
	// Collection is the id of the collection the feature belongs to.
	Collection string
	// Properties are the feature's attributes as decoded from GeoJSON
	// (string, float64, bool, nil, []any, map[string]any). valid_from and
	// valid_to, when present, are mirrored in Valid.
	Properties map[string]any
	// Geometry is WGS84 lon/lat.
	Geometry orb.Geometry
	// Valid is the interval of dates in which the feature is in force.
	Valid Interval
}

// String returns the property key as a string, or "" when it is absent or
// not a string.
func (f *Feature) String(key string) string {
	s, _ := f.Properties[key].(string)
	return s
}

// Collection is a named layer of features. It is immutable once it is part
// of a Snapshot.
type Collection struct {
	// ID is the collection id used in URLs ("districts").
	ID string
	// Title and Description are human-readable, Description says how
	// versions work where the collection has several.
	Title, Description string
	// Attribution is the text that must accompany the data wherever it is
	// shown or exported; License names the licence(s).
	Attribution, License string
	// Features in a stable order (the order of the source file).
	Features []*Feature
}

// Extent returns the bounding box of all non-empty geometries (the zero
// Bound when there is none) and the interval that spans all the features'
// validity intervals.
func (c *Collection) Extent() (orb.Bound, Interval) {
	var b orb.Bound
	var iv Interval
	haveBound := false
	openFrom, openTo := false, false
	for i, f := range c.Features {
		if !IsEmpty(f.Geometry) {
			if fb := f.Geometry.Bound(); haveBound {
				b = b.Union(fb)
			} else {
				b, haveBound = fb, true
			}
		}
		if i == 0 {
			iv = f.Valid
		} else {
			if !f.Valid.From.IsZero() && f.Valid.From.Before(iv.From) {
				iv.From = f.Valid.From
			}
			if !f.Valid.To.IsZero() && f.Valid.To.After(iv.To) {
				iv.To = f.Valid.To
			}
		}
		openFrom = openFrom || f.Valid.From.IsZero()
		openTo = openTo || f.Valid.To.IsZero()
	}
	if openFrom {
		iv.From = time.Time{}
	}
	if openTo {
		iv.To = time.Time{}
	}
	return b, iv
}

// validate checks the invariants a snapshot relies on.
func (c *Collection) validate() error {
	if c.ID == "" {
		return fmt.Errorf("geo: collection without id: %w", ErrInvalid)
	}
	seen := make(map[string]bool, len(c.Features))
	for i, f := range c.Features {
		if f == nil || f.Geometry == nil {
			return fmt.Errorf("geo: collection %s: feature %d has no geometry: %w", c.ID, i, ErrInvalid)
		}
		if f.ID == "" {
			return fmt.Errorf("geo: collection %s: feature %d has no id: %w", c.ID, i, ErrInvalid)
		}
		if seen[f.ID] {
			return fmt.Errorf("geo: collection %s: duplicate feature id %q: %w", c.ID, f.ID, ErrInvalid)
		}
		seen[f.ID] = true
		if f.Collection != c.ID {
			return fmt.Errorf("geo: collection %s: feature %q claims collection %q: %w", c.ID, f.ID, f.Collection, ErrInvalid)
		}
		if !f.Valid.Valid() {
			return fmt.Errorf("geo: collection %s: feature %q: valid_from after valid_to: %w", c.ID, f.ID, ErrInvalid)
		}
		if err := ValidateGeometry(f.Geometry); err != nil {
			return fmt.Errorf("geo: collection %s: feature %q: %s: %w", c.ID, f.ID, err.(*GeometryError).Reason, ErrInvalid)
		}
	}
	return nil
}
