package geo

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	orbgeo "github.com/paulmach/orb"
)

// MaxAddressLen bounds the free text of an address query, in bytes.
const MaxAddressLen = 512

// Kinds of gazetteer entries, as reported in Match.Kind.
const (
	KindDistrict = "district"
	KindTownship = "township"
	KindAlias    = "alias"
)

// alias is a name that is not (or not only) a feature of the data: an
// abolished unit or an informal area, with the district that took it over.
type alias struct {
	name, en  string
	successor string   // Chinese name of the district that now holds the area
	note      string   // {date} and {basis} are replaced by the change's date and basis
	also      []string // further names of the same area
	at        string   // a township whose point answers for the area, if any
}

// aliasesOf lists the names people still write that the layout after
// redrawing r no longer has — its abolished districts and the informal
// areas around Beibei — and its new districts. Names that are also features
// of the data (江北区, 渝北区 while their old versions are loaded) merge
// with them.
func aliasesOf(r *Redrawing) []alias {
	heir := r.Target.Name
	if len(r.Created) > 0 {
		heir = r.Created[0].Name
	}
	var out []alias
	for _, d := range r.Abolished {
		note := d.Name + " was abolished on {date} ({basis}); "
		var joined []string
		for _, m := range r.Moves {
			if m.From.Code == d.Code && m.To.Name != heir {
				joined = append(joined, m.Name)
			}
		}
		if len(joined) > 0 {
			note += strings.Join(joined, ", ") + " joined " + r.Target.Name + ", the rest is part of " + heir
		} else {
			note += "its area is part of " + heir
		}
		out = append(out, alias{name: d.Name, en: d.NameEn, successor: heir, note: note})
	}
	for _, d := range r.Created {
		out = append(out, alias{name: d.Name, en: d.NameEn, successor: d.Name})
	}
	// Informal names: 北部新区 was a development zone, never a district;
	// the Chongqing part of 川渝高竹新区 lies in 茨竹镇 and 大湾镇.
	out = append(out,
		alias{name: "北部新区", en: "Beibu New Area", successor: heir, note: "北部新区 is not an administrative district; its area is part of " + heir},
		alias{name: "川渝高竹新区", en: "Sichuan-Chongqing Gaozhu New Area", successor: r.Target.Name,
			note: "the Chongqing part of 川渝高竹新区 is under the direct management of " + r.Target.Name + " since {date} ({basis})",
			also: []string{"高竹新区", "Gaozhu New Area"}, at: "茨竹镇"})
	return out
}

// Chinese unit suffixes, longest first, with their pinyin; stripping one
// gives a short form (统景镇 → 统景).
var zhSuffixes = []struct{ zh, pinyin string }{
	{"土家族苗族自治县", "xian"},
	{"苗族土家族自治县", "xian"},
	{"土家族自治县", "xian"},
	{"自治县", "xian"},
	{"街道", "jiedao"},
	{"新区", "xinqu"},
	{"镇", "zhen"},
	{"乡", "xiang"},
	{"区", "qu"},
	{"县", "xian"},
}

// English unit suffixes (normalised: lower case, no spaces), longest first.
var enSuffixes = []string{"autonomouscounty", "subdistrict", "newarea", "township", "district", "county", "street", "town"}

// gazEntry is one named unit of the gazetteer.
type gazEntry struct {
	name   string
	kind   string
	places []*Place // district versions, or the township (one)
	alias  *alias
	order  int
	anchor []orbgeo.Point // per place: the point answered for it; none for a township without area
	// before and after are the Chinese names of a township's district on
	// either side of the change.
	before, after string
}

// Gazetteer recognises district and township names — Chinese, short forms
// without the unit suffix, pinyin without tones and English, case- and
// space-insensitively, including abolished names — in free text and turns
// them into a point to look up. It is built from a snapshot by NewLocator,
// is immutable and safe for concurrent use.
type Gazetteer struct {
	// changed is the first day of the current layout, as the data has it.
	changed time.Time
	keys    map[string][]*gazEntry
	maxKey  int
	entries []*gazEntry
}

// Match is a name recognised in a text.
type Match struct {
	// Name is the canonical Chinese name of the unit ("统景镇").
	Name string
	// Kind is KindDistrict, KindTownship or KindAlias.
	Kind string
	// Key is the normalised form that matched ("tongjing", "统景").
	Key string
}

// Resolution is where an address text points to.
type Resolution struct {
	// Point is the WGS84 lon/lat point answered: the seat of the township
	// named, else a point inside it, else a point inside the district named.
	Point orbgeo.Point
	// Matched lists the canonical names recognised, in text order.
	Matched []string
	// Notices say what changed for the units named.
	Notices []string
	// DistrictOnly is set when the text resolves to a district and no
	// township with an area: Point then stands for the district, and
	// the township, zones and nearby features at it mean nothing.
	DistrictOnly bool
}

// newGazetteer builds the gazetteer of the places l has prepared. It keeps
// no reference to l.
func newGazetteer(l *Locator) *Gazetteer {
	g := &Gazetteer{changed: l.changed, keys: map[string][]*gazEntry{}}
	byName := map[string]*gazEntry{}
	add := func(e *gazEntry) {
		g.entries = append(g.entries, e)
		e.order = len(g.entries)
	}
	if c, err := l.snap.Collection(DistrictsID); err == nil {
		for _, f := range c.Features {
			p := l.places[f]
			e := byName[p.Name]
			if e == nil {
				e = &gazEntry{name: p.Name, kind: KindDistrict}
				byName[p.Name] = e
				add(e)
			}
			e.places = append(e.places, p)
		}
	}
	var towns []*gazEntry
	if c, err := l.snap.Collection(TownshipsID); err == nil {
		for _, f := range c.Features {
			e := &gazEntry{name: l.places[f].Name, kind: KindTownship, places: []*Place{l.places[f]},
				before: l.districtRef(f, "district_before"), after: l.districtRef(f, "district_after")}
			add(e)
			towns = append(towns, e)
		}
	}
	aliases := aliasesOf(Redrawing2026)
	for i := range aliases {
		a := &aliases[i]
		if e := byName[a.name]; e != nil {
			e.alias = a
			continue
		}
		e := &gazEntry{name: a.name, kind: KindAlias, alias: a}
		byName[a.name] = e
		add(e)
	}
	seats := seatsByTownship(l.snap)
	for _, e := range towns {
		p := e.places[0]
		pt, ok := orbgeo.Point{}, false
		if s, found := seats[p.Code]; found && p.Code != "" && Contains(p.Feature.Geometry, s) {
			pt, ok = s, true
		} else {
			pt, ok = InteriorPoint(p.Feature.Geometry)
		}
		if ok {
			e.anchor = []orbgeo.Point{pt}
		}
	}
	// A district's point: the seat of its first township (by code) that lies
	// inside it, the district's own interior point otherwise.
	sort.SliceStable(towns, func(i, j int) bool { return towns[i].places[0].Code < towns[j].places[0].Code })
	seatOf := map[*Feature]orbgeo.Point{}
	for _, t := range towns {
		if len(t.anchor) == 0 || t.places[0].Code == "" {
			continue
		}
		l.snap.Containing(t.anchor[0], time.Time{}, func(f *Feature) bool {
			if _, done := seatOf[f]; !done && f.Collection == DistrictsID {
				seatOf[f] = t.anchor[0]
			}
			return true
		})
	}
	for _, e := range g.entries {
		if e.kind != KindDistrict {
			continue
		}
		for _, p := range e.places {
			pt, ok := seatOf[p.Feature]
			if !ok {
				pt, ok = InteriorPoint(p.Feature.Geometry)
			}
			if !ok {
				pt = p.Feature.Geometry.Bound().Center()
			}
			e.anchor = append(e.anchor, pt)
		}
	}
	for _, e := range g.entries {
		en := ""
		if len(e.places) > 0 {
			en = e.places[0].NameEn
		}
		if en == "" && e.alias != nil {
			en = e.alias.en
		}
		for _, k := range nameKeys(e.name, en) {
			g.addKey(k, e)
		}
		if e.alias != nil {
			for _, n := range e.alias.also {
				for _, k := range nameKeys(n, "") {
					g.addKey(k, e)
				}
			}
		}
	}
	return g
}

func (g *Gazetteer) addKey(k string, e *gazEntry) {
	for _, o := range g.keys[k] {
		if o == e {
			return
		}
	}
	g.keys[k] = append(g.keys[k], e)
	if len(k) > g.maxKey {
		g.maxKey = len(k)
	}
}

// nameKeys returns the normalised keys of a unit named zh (Chinese) and en
// (English, may be empty): the names, the short forms without the unit
// suffix (at least two characters, or three letters), and the pinyin of
// the short form with the suffix's pinyin ("tongjingzhen").
func nameKeys(zh, en string) []string {
	var keys []string
	add := func(k string) {
		if k != "" {
			keys = append(keys, k)
		}
	}
	nzh := normalize(zh)
	add(nzh)
	var pinSuffix string
	for _, s := range zhSuffixes {
		if stem, ok := strings.CutSuffix(nzh, s.zh); ok {
			if utf8.RuneCountInString(stem) >= 2 {
				add(stem)
			}
			pinSuffix = s.pinyin
			break
		}
	}
	nen := normalize(en)
	add(nen)
	stem := nen
	for _, s := range enSuffixes {
		if st, ok := strings.CutSuffix(nen, s); ok {
			stem = st
			break
		}
	}
	if len(stem) >= 3 && isASCII(stem) {
		add(stem)
		if pinSuffix != "" {
			add(stem + pinSuffix)
		}
	}
	return keys
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalize folds s for matching: full-width ASCII to ASCII, lower case,
// and everything but letters and digits dropped (spaces, punctuation).
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// seatsByTownship maps township codes to the seat points of the seats
// collection (property "township_code", or "township").
func seatsByTownship(s *Snapshot) map[string]orbgeo.Point {
	m := map[string]orbgeo.Point{}
	c, err := s.Collection(SeatsID)
	if err != nil {
		return m
	}
	for _, f := range c.Features {
		pt, ok := f.Geometry.(orbgeo.Point)
		if !ok {
			continue
		}
		code := propString(f, "township_code")
		if code == "" {
			code = propString(f, "township")
		}
		if _, dup := m[code]; code != "" && !dup {
			m[code] = pt
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

// Match returns the names recognised in text, in text order: at each
// position the longest known key wins and matching resumes after it. Text
// that fails validation (empty, longer than MaxAddressLen, not UTF-8)
// matches nothing.
func (g *Gazetteer) Match(text string) []Match {
	if checkAddress(text) != nil {
		return nil
	}
	var out []Match
	g.scan(normalize(text), func(key string, es []*gazEntry) {
		for _, e := range es {
			out = append(out, Match{Name: e.name, Kind: e.kind, Key: key})
		}
	})
	return out
}

// scan calls fn for each leftmost-longest key found in the normalised s.
func (g *Gazetteer) scan(s string, fn func(key string, es []*gazEntry)) {
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		found := 0
		end := min(len(s), i+g.maxKey)
		for j := end; j > i; j-- {
			if j < len(s) && !utf8.RuneStart(s[j]) {
				continue
			}
			if es, ok := g.keys[s[i:j]]; ok {
				fn(s[i:j], es)
				found = j - i
				break
			}
		}
		if found > 0 {
			i += found
		} else {
			i += size
		}
	}
}

// Resolve finds the units named in text and the point to answer for date:
// a township named (disambiguated by a district named with it) gives its
// seat or a point inside it; otherwise the first district named gives a
// point inside its version in force on date (the latest version when none
// is), an abolished name without features the point of its successor. It
// returns an *InputError naming "address" that wraps ErrInvalid for empty,
// over-long or non-UTF-8 text, and ErrNotFound when nothing is recognised.
func (g *Gazetteer) Resolve(text string, date time.Time) (Resolution, error) {
	if err := checkAddress(text); err != nil {
		return Resolution{}, err
	}
	var found []*gazEntry
	var r Resolution
	g.scan(normalize(text), func(_ string, es []*gazEntry) {
		found = append(found, es...)
	})
	if len(found) == 0 {
		return r, &InputError{Param: "address", Detail: fmt.Sprintf("no district or township name of Chongqing recognised in %q", text), Kind: ErrNotFound}
	}
	named := map[string]bool{}
	for _, e := range found {
		if e.kind != KindTownship {
			named[e.name] = true
		}
	}
	var town, dist *gazEntry
	for _, e := range found {
		if e.kind == KindTownship {
			if town == nil || (townFits(e, named) && !townFits(town, named)) {
				town = e
			}
		} else if dist == nil {
			dist = e
		}
	}
	var extra string
	chosen := town
	if town != nil && len(town.anchor) == 0 {
		// A township without area in the data: answer its district.
		name := town.after
		if date.Before(g.changed) {
			name = town.before
		}
		dist = g.entryNamed(name)
		if dist == nil {
			return r, &InputError{Param: "address", Detail: fmt.Sprintf("%s is recognised but the data has no area for it", town.name), Kind: ErrNotFound}
		}
		extra = fmt.Sprintf("%s has no boundary in the data; the answer is for its district %s", town.name, dist.name)
		town = nil
	}
	switch {
	case town != nil:
		r.Point = town.anchor[0]
	default:
		r.DistrictOnly = true
		pt, ok := g.districtPoint(dist, date)
		if !ok {
			return r, &InputError{Param: "address", Detail: fmt.Sprintf("%s is recognised but the data has no area for it", dist.name), Kind: ErrNotFound}
		}
		r.Point = pt
	}
	seen, matched := map[string]bool{}, map[string]bool{}
	note := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			r.Notices = append(r.Notices, s)
		}
	}
	for _, e := range found {
		if matched[e.name] {
			continue
		}
		matched[e.name] = true
		r.Matched = append(r.Matched, e.name)
		if e.kind == KindTownship && e != chosen {
			continue
		}
		for _, n := range g.notices(e) {
			note(n)
		}
	}
	note(extra)
	return r, nil
}

// townFits reports whether township entry e belongs, before or after the
// change, to one of the districts named.
func townFits(e *gazEntry, named map[string]bool) bool {
	return named[e.before] || named[e.after]
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

// entryNamed returns the district or alias entry of name, or nil.
func (g *Gazetteer) entryNamed(name string) *gazEntry {
	for _, e := range g.entries {
		if e.name == name && e.kind != KindTownship {
			return e
		}
	}
	return nil
}

// districtPoint returns the point answered for district (or alias) entry e
// on date.
func (g *Gazetteer) districtPoint(e *gazEntry, date time.Time) (orbgeo.Point, bool) {
	if len(e.places) == 0 && e.alias != nil && e.alias.at != "" {
		for _, t := range g.entries {
			if t.kind == KindTownship && t.name == e.alias.at && len(t.anchor) > 0 {
				return t.anchor[0], true
			}
		}
	}
	if len(e.places) == 0 {
		if e.alias == nil || e.alias.successor == e.name {
			return orbgeo.Point{}, false
		}
		for _, o := range g.entries {
			if o.name == e.alias.successor && len(o.places) > 0 {
				return g.districtPoint(o, date)
			}
		}
		return orbgeo.Point{}, false
	}
	best := -1
	for i, p := range e.places {
		if p.Feature.Valid.Contains(date) {
			best = i
			break
		}
		if best < 0 || laterThan(p.Feature.Valid, e.places[best].Feature.Valid) {
			best = i
		}
	}
	return e.anchor[best], true
}

// laterThan reports whether interval a ends after b (an open end is latest).
func laterThan(a, b Interval) bool {
	if a.To.IsZero() {
		return !b.To.IsZero()
	}
	return !b.To.IsZero() && a.To.After(b.To)
}

// notices returns what a user naming e should know: that a township moved
// to another district, that a district was set up or abolished, and the
// alias note.
func (g *Gazetteer) notices(e *gazEntry) []string {
	var out []string
	date := g.changed.Format(DateLayout)
	switch e.kind {
	case KindTownship:
		if e.before != "" && e.after != "" && e.before != e.after {
			out = append(out, fmt.Sprintf("原%s%s joined %s on %s (%s)", e.before, e.name, e.after, date, Redrawing2026.Basis))
		}
	case KindDistrict:
		from, to := time.Time{}, time.Time{}
		allFrom, allTo := true, true
		for _, p := range e.places {
			v := p.Feature.Valid
			allFrom = allFrom && !v.From.IsZero()
			allTo = allTo && !v.To.IsZero()
			if !v.From.IsZero() && (from.IsZero() || v.From.Before(from)) {
				from = v.From
			}
			if v.To.After(to) {
				to = v.To
			}
		}
		if allTo && e.alias == nil {
			out = append(out, fmt.Sprintf("%s was abolished on %s", e.name, to.AddDate(0, 0, 1).Format(DateLayout)))
		}
		if allFrom && !allTo {
			out = append(out, fmt.Sprintf("%s was set up as a district on %s (%s)", e.name, from.Format(DateLayout), Redrawing2026.Basis))
		}
	}
	if e.alias != nil && e.alias.note != "" {
		out = append(out, strings.NewReplacer("{date}", date, "{basis}", Redrawing2026.Basis).Replace(e.alias.note))
	}
	return out
}

// LocateAddress resolves text with the gazetteer and answers the point
// found on date into a, as Locate does, with Query.Address, Matched and
// Notices set. It returns the errors of Gazetteer.Resolve.
func (l *Locator) LocateAddress(text string, date time.Time, a *Answer) error {
	r, err := l.gaz.Resolve(text, date)
	if err != nil {
		return err
	}
	a.Reset()
	a.Query = Query{Lon: round7(r.Point[0]), Lat: round7(r.Point[1]), CRS: WGS84, Date: date, Address: text}
	a.WGS84 = r.Point
	l.locate(a)
	if r.DistrictOnly {
		// The point only stands for the district: say nothing finer.
		a.Township = nil
		a.Zones = a.Zones[:0]
		a.Nearby = a.Nearby[:0]
	}
	a.Matched = append(a.Matched, r.Matched...)
	a.Notices = append(a.Notices, r.Notices...)
	return nil
}
