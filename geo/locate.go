package geo

import (
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// Nearby defaults of a Locator.
const (
	// NearbyRadius is the radius in metres within which Locate reports
	// nearby features.
	NearbyRadius = 5000.0
	// NearbyLimit is the most nearby features Locate reports.
	NearbyLimit = 5
)

// nearbyCollections are the collections whose features Locate reports as
// nearby.
var nearbyCollections = []string{ProjectsID, CorridorsID}

// Place is a feature as it appears in a lookup answer: a district, a
// township, a planning zone or a nearby feature. Its JSON is encoded once,
// when the Locator is built. A Place is immutable and safe for concurrent
// use.
type Place struct {
	// Feature is the feature the place describes.
	Feature *Feature
	// Code is the administrative code ("" when the feature has none, as
	// 两江新区 has none yet); Name is Chinese, NameEn English.
	Code, Name, NameEn string
	// Accuracy and Kind are the properties of the same names, or "".
	Accuracy, Kind string

	order int    // position in its collection: the tie-breaker among overlaps
	raw   []byte // the JSON object of the answer's district/township/zones
	near  []byte // `{"collection":…,"id":…,"name":…,"name_en":…,"distance_m":`
}

// MarshalJSON returns the place's answer object: {"id","code","name",
// "name_en"} for a district, plus "accuracy" for a township, and
// {"id","name","name_en","kind"} for a planning zone. Absent values are null.
func (p *Place) MarshalJSON() ([]byte, error) { return p.raw, nil }

// Change is one change of the district a point belongs to: from Date on,
// the point lies in To instead of From. Either may be nil (no district).
type Change struct {
	Date     time.Time
	From, To *Place
	// Basis is the legal basis of the change.
	Basis string
}

// NearbyPlace is a feature within the nearby radius of the query point.
type NearbyPlace struct {
	Place *Place
	// Meters is the distance from the query point to the nearest point of
	// the feature, 0 inside a polygon.
	Meters float64
}

// Query is what a lookup was asked: a point in a CRS on a date, or an
// address.
type Query struct {
	// Lon and Lat are the query point as given, in CRS (for an address
	// query: the WGS84 point answered).
	Lon, Lat float64
	// CRS is the coordinate system of Lon/Lat; "" means WGS84.
	CRS CRS
	// Date is the calendar date (midnight UTC) of the layout asked for.
	Date time.Time
	// Address is the free text of an address query, "" otherwise.
	Address string
	// Precision is, for an address query, what the text was resolved to
	// (PrecisionPOI, PrecisionVillage, PrecisionTownship, …).
	Precision string
	// Point is, for an address query, what Lon/Lat stand for ("the seat
	// of 统景镇"); "" when the answer has no point (a township without a
	// boundary): Lon and Lat are then meaningless and not encoded.
	Point string
}

// Validate checks that Lon and Lat are finite and within [-180, 180] and
// [-90, 90] degrees, and that CRS is one of WGS84, EPSG4326 (the same
// datum: Lon and Lat are named, so axis order does not matter), GCJ02 and
// BD09. It
// returns an *InputError (wrapping ErrInvalid) that names "lon", "lat" or
// "crs".
func (q Query) Validate() error {
	switch q.CRS {
	case "", WGS84, EPSG4326, GCJ02, BD09:
	default:
		return Invalidf("crs", "lookup accepts wgs84 (or epsg:4326), gcj02 or bd09, not %q", string(q.CRS))
	}
	if math.IsNaN(q.Lon) || math.IsInf(q.Lon, 0) || q.Lon < -180 || q.Lon > 180 {
		return Invalidf("lon", "longitude must be a finite number of degrees in [-180, 180]")
	}
	if math.IsNaN(q.Lat) || math.IsInf(q.Lat, 0) || q.Lat < -90 || q.Lat > 90 {
		return Invalidf("lat", "latitude must be a finite number of degrees in [-90, 90]")
	}
	return nil
}

// Answer is the answer to a lookup. Its JSON form (AppendJSON) is the
// contract of GET /lookup. An Answer may be reused for many lookups (the
// locator resets it and reuses its slices); it is not safe for concurrent
// use.
type Answer struct {
	Query Query
	// WGS84 is the query point in WGS84 lon/lat, the point actually looked up.
	WGS84 orb.Point
	// District and Township contain the point on Query.Date; nil when none does.
	District, Township *Place
	// Zones are the planning zones containing the point on Query.Date, in
	// the order of their collection.
	Zones []*Place
	// Changes lists, oldest first, every date on which the district
	// containing the point changed.
	Changes []Change
	// Nearby lists the features of the nearby collections within the
	// locator's radius, nearest first.
	Nearby []NearbyPlace
	// Matched and Notices are set by address lookups: the names recognised
	// in the text and what the user should know about them; Unmatched
	// the parts of the (folded) text not recognised.
	Matched, Notices, Unmatched []string
	// DistrictBefore and DistrictAfter are set by address lookups: the
	// districts the place named lay in on the last day of the old layout
	// and the first day of the new one (several when its area was split).
	DistrictBefore, DistrictAfter []*Place
	// Candidates are set by address lookups: the best readings of the
	// text, the one answered first.
	Candidates []Candidate
	// Feature is the feature of the layers an address named, or nil.
	Feature *Place

	hits []*Place
	near []Near
}

// Candidate is one reading of an address text.
type Candidate struct {
	// Name is the Chinese name of the unit or feature read; Code its NBS
	// code ("" for features and informal areas).
	Name, Code string
	// Precision is what the reading resolves to, as Query.Precision.
	Precision string
	// Score weighs the characters the reading accounts for by how they
	// matched (a full name counts more than a short form, pinyin or a
	// corrected character); higher is better.
	Score float64
	// Reason says in words how the text was read.
	Reason string
}

// Reset clears the answer, keeping its slices' storage for reuse.
func (a *Answer) Reset() {
	*a = Answer{
		Zones:   a.Zones[:0],
		Changes: a.Changes[:0],
		Nearby:  a.Nearby[:0],
		Matched: a.Matched[:0],
		Notices: a.Notices[:0],

		Unmatched:      a.Unmatched[:0],
		DistrictBefore: a.DistrictBefore[:0],
		DistrictAfter:  a.DistrictAfter[:0],
		Candidates:     a.Candidates[:0],
		hits:           a.hits[:0],
		near:           a.near[:0],
	}
}

// Locator answers lookups — which district, township and planning zones
// contain a point, how its district changed, what lies nearby, where an
// address is — from one Snapshot. Everything it needs is prepared by
// NewLocator, so a lookup does not allocate beyond the Answer's own
// slices. It is immutable and safe for concurrent use.
type Locator struct {
	snap    *Snapshot
	places  map[*Feature]*Place
	bounds  []time.Time // dates on which some district starts or ends, sorted
	radius  float64
	limit   int
	gaz     *Gazetteer
	changed time.Time // date of the redrawing as the data has it
}

// NewLocator prepares the places of snap's districts, townships, planning
// zones and nearby collections (any of which may be missing) and the
// gazetteer of their names.
func NewLocator(snap *Snapshot) *Locator {
	l := &Locator{snap: snap, places: map[*Feature]*Place{}, radius: NearbyRadius, limit: NearbyLimit}
	seen := map[time.Time]bool{}
	for _, id := range []string{DistrictsID, TownshipsID, PlanningZonesID} {
		c, err := snap.Collection(id)
		if err != nil {
			continue
		}
		for i, f := range c.Features {
			l.places[f] = newPlace(f, i)
			if id != DistrictsID {
				continue
			}
			if !f.Valid.From.IsZero() {
				seen[f.Valid.From] = true
			}
			if !f.Valid.To.IsZero() {
				seen[f.Valid.To.AddDate(0, 0, 1)] = true
			}
		}
	}
	for d := range seen {
		l.bounds = append(l.bounds, d)
	}
	sort.Slice(l.bounds, func(i, j int) bool { return l.bounds[i].Before(l.bounds[j]) })
	l.changed = Redrawing2026.Date
	if len(l.bounds) > 0 {
		l.changed = l.bounds[len(l.bounds)-1]
	}
	for _, id := range nearbyCollections {
		c, err := snap.Collection(id)
		if err != nil {
			continue
		}
		for i, f := range c.Features {
			p := l.places[f]
			if p == nil {
				p = newPlace(f, i)
				l.places[f] = p
			}
		}
	}
	l.gaz = newGazetteer(l)
	return l
}

// Snapshot returns the snapshot the locator answers from.
func (l *Locator) Snapshot() *Snapshot { return l.snap }

// Gazetteer returns the gazetteer of the locator's snapshot.
func (l *Locator) Gazetteer() *Gazetteer { return l.gaz }

// propString returns property key of f as a string: strings as they are,
// numbers formatted, anything else "".
func propString(f *Feature, key string) string {
	switch v := f.Properties[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func newPlace(f *Feature, order int) *Place {
	p := &Place{
		Feature:  f,
		Code:     propString(f, "code"),
		Name:     propString(f, "name"),
		NameEn:   propString(f, "name_en"),
		Accuracy: propString(f, "accuracy"),
		Kind:     propString(f, "kind"),
		order:    order,
	}
	if p.Name == "" {
		p.Name = f.ID
	}
	b := []byte(`{"id":`)
	b = AppendJSONString(b, f.ID)
	if f.Collection != PlanningZonesID {
		b = append(b, `,"code":`...)
		b = appendNullable(b, p.Code)
	}
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, p.Name)
	b = append(b, `,"name_en":`...)
	b = appendNullable(b, p.NameEn)
	switch f.Collection {
	case TownshipsID:
		b = append(b, `,"accuracy":`...)
		b = appendNullable(b, p.Accuracy)
	case PlanningZonesID:
		b = append(b, `,"kind":`...)
		b = appendNullable(b, p.Kind)
	}
	p.raw = append(b, '}')
	n := []byte(`{"collection":`)
	n = AppendJSONString(n, f.Collection)
	n = append(n, `,"id":`...)
	n = AppendJSONString(n, f.ID)
	n = append(n, `,"name":`...)
	n = AppendJSONString(n, p.Name)
	n = append(n, `,"name_en":`...)
	n = appendNullable(n, p.NameEn)
	p.near = append(n, `,"distance_m":`...)
	return p
}

// Locate answers q into a (after resetting it): the point is converted to
// WGS84, then the district, township and planning zones containing it on
// q.Date (under the package's boundary rule), every change of its district
// over all dates of the districts layer, and the features of the nearby
// collections within NearbyRadius metres (at most NearbyLimit, nearest
// first). It returns the error of q.Validate and otherwise nil.
func (l *Locator) Locate(q Query, a *Answer) error {
	if err := q.Validate(); err != nil {
		return err
	}
	if q.CRS == "" {
		q.CRS = WGS84
	}
	a.Reset()
	a.Query = q
	a.WGS84 = q.CRS.ToWGS84(orb.Point{q.Lon, q.Lat})
	l.locate(a)
	return nil
}

// locate fills a for the point a.WGS84 on a.Query.Date.
func (l *Locator) locate(a *Answer) {
	pt, date := a.WGS84, a.Query.Date
	// One search over all dates: the changes need every version anyway.
	l.snap.Containing(pt, time.Time{}, func(f *Feature) bool {
		if p := l.places[f]; p != nil && f.Collection != ProjectsID && f.Collection != CorridorsID {
			a.hits = append(a.hits, p)
		}
		return true
	})
	for _, p := range a.hits {
		f := p.Feature
		if !f.Valid.Contains(date) {
			continue
		}
		switch f.Collection {
		case DistrictsID:
			if a.District == nil || p.order < a.District.order {
				a.District = p
			}
		case TownshipsID:
			if a.Township == nil || p.order < a.Township.order {
				a.Township = p
			}
		case PlanningZonesID:
			a.Zones = append(a.Zones, p)
		}
	}
	sortPlaces(a.Zones)
	for _, b := range l.bounds {
		from := l.districtOn(a.hits, b.AddDate(0, 0, -1))
		to := l.districtOn(a.hits, b)
		if samePlace(from, to) {
			continue
		}
		basis := Redrawing2026.Basis
		if to != nil && propString(to.Feature, "basis") != "" {
			basis = propString(to.Feature, "basis")
		} else if to == nil && from != nil && propString(from.Feature, "basis") != "" {
			basis = propString(from.Feature, "basis")
		}
		a.Changes = append(a.Changes, Change{Date: b, From: from, To: to, Basis: basis})
	}
	l.nearby(a)
}

// sortPlaces orders places by their collection order (insertion sort: the
// lists are short and this does not allocate).
func sortPlaces(ps []*Place) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].order < ps[j-1].order; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// districtOn returns the district among hits valid on d (the first in
// collection order when the data overlaps), or nil.
func (l *Locator) districtOn(hits []*Place, d time.Time) *Place {
	var best *Place
	for _, p := range hits {
		if p.Feature.Collection == DistrictsID && p.Feature.Valid.Contains(d) && (best == nil || p.order < best.order) {
			best = p
		}
	}
	return best
}

// samePlace reports whether two district versions are the same district
// for the purpose of a change record: same name and code.
func samePlace(a, b *Place) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Name == b.Name && a.Code == b.Code
}

// nearby fills a.Nearby with the nearest features of the nearby
// collections (Snapshot.Nearby).
func (l *Locator) nearby(a *Answer) {
	a.near = l.snap.Nearby(a.near[:0], a.WGS84, l.radius, a.Query.Date, l.limit, nearbyCollections...)
	for _, n := range a.near {
		p := l.places[n.Feature]
		if p == nil { // a feature of a nearby collection has a place
			continue
		}
		a.Nearby = append(a.Nearby, NearbyPlace{Place: p, Meters: n.Meters})
	}
}
