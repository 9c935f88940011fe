package geo

import (
	"math"
	"sort"
	"time"
)

// Dataset is everything the service derives from one load of the data,
// built whole before it is published: the indexed snapshot, the lookup
// index with its gazetteer, and the generation that keys caches. A
// Dataset is immutable and safe for concurrent use.
type Dataset struct {
	// Snapshot is the indexed data; Locator answers lookups from it.
	Snapshot *Snapshot
	Locator  *Locator
	// Generation numbers the datasets a Store has published, from 1: a
	// cache keyed by it drops what an older generation made. Replicas of
	// the same data have different generations but the same
	// Snapshot.Version, which is what ETags use.
	Generation uint64
}

// NewDataset derives the lookup index of snap. Generation is left 0 for
// the Store to assign.
func NewDataset(snap *Snapshot) *Dataset {
	return &Dataset{Snapshot: snap, Locator: NewLocator(snap)}
}

// Field is one simple property of a collection as its data has it: every
// non-null value of the property has the same scalar type.
type Field struct {
	// Name is the property key.
	Name string
	// Type is "string", "integer", "number" or "boolean" (JSON Schema
	// names); an integer is a number without fraction within ±2^53.
	Type string
	// Format is "date" for strings that are all YYYY-MM-DD dates.
	Format string
}

// fieldsOf derives the simple fields of c, sorted by name: a property is a
// field when its non-null values share one scalar type (integers and other
// numbers mixed make a number). Properties that are only ever null, or
// that hold arrays, objects or mixed types, are left out.
func fieldsOf(c *Collection) []Field {
	types := map[string]string{}
	dates := map[string]bool{}
	for _, f := range c.Features {
		for k, v := range f.Properties {
			var t string
			switch v := v.(type) {
			case nil:
				if _, ok := types[k]; !ok {
					types[k] = ""
				}
				continue
			case string:
				t = "string"
				if isDateString(v) {
					if _, seen := dates[k]; !seen {
						dates[k] = true
					}
				} else {
					dates[k] = false
				}
			case float64:
				t = "integer"
				if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
					t = "number"
				}
			case bool:
				t = "boolean"
			default:
				t = "-"
			}
			old := types[k]
			switch {
			case old == "" || old == t:
				types[k] = t
			case old == "integer" && t == "number" || old == "number" && t == "integer":
				types[k] = "number"
			default:
				types[k] = "-"
			}
		}
	}
	var out []Field
	for k, t := range types {
		if t == "-" || t == "" {
			continue
		}
		fd := Field{Name: k, Type: t}
		if t == "string" && dates[k] {
			fd.Format = "date"
		}
		out = append(out, fd)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// isDateString reports whether s is a YYYY-MM-DD calendar date; the shape
// is checked first so that the common non-date string costs no parse
// error.
func isDateString(s string) bool {
	if len(s) != len(DateLayout) || s[4] != '-' || s[7] != '-' {
		return false
	}
	_, err := time.Parse(DateLayout, s)
	return err == nil
}
