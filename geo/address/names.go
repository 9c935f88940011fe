package address

import (
	"fmt"
	"strings"
	"sync"

	"github.com/longbridgeapp/opencc"
	"github.com/mozillazg/go-pinyin"
)

// ethnic lists the names of the peoples that appear in the names of
// autonomous units (石柱土家族自治县), so that the short form drops them.
var ethnic = []string{"蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "普米", "塔吉克", "怒", "鄂温克", "保安", "裕固", "独龙", "鄂伦春", "赫哲"}

// suffixes by level, longest first: cutting one gives the short form.
var suffixes = map[Level][]string{
	Province: {"特别行政区", "自治区", "省", "市"},
	City:     {"自治州", "地区", "盟", "市"},
	District: {"自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗"},
	Township: {"街道办事处", "街道", "民族乡", "镇", "乡"},
	Village:  {"社区居民委员会", "居民委员会", "村民委员会", "村委会", "居委会"},
}

// cutSuffix returns the short form of the folded name f of a unit of level
// l, and the suffix cut ("" when none).
func cutSuffix(f string, l Level) (stem, suffix string) {
	for _, s := range suffixes[l] {
		st, ok := strings.CutSuffix(f, s)
		if !ok {
			continue
		}
		if strings.HasPrefix(s, "自治") || s == "特别行政区" {
			for changed := true; changed; {
				changed = false
				for _, e := range ethnic {
					if t, ok := strings.CutSuffix(st, e+"族"); ok && t != "" {
						st, changed = t, true
					}
				}
			}
		}
		if l == Village {
			// 印盒村村民委员会 → 印盒村, 温泉社区居民委员会 → 温泉社区:
			// the short form keeps 村 or 社区, as people write it.
			if s == "社区居民委员会" {
				st += "社区"
			}
			return st, s
		}
		return st, s
	}
	return f, ""
}

// suffixWords are the pinyin and English forms of a suffix.
func suffixWords(suffix string, l Level) []string {
	switch suffix {
	case "省":
		return []string{"sheng", "province"}
	case "市":
		return []string{"shi", "city"}
	case "自治区":
		return []string{"zizhiqu"}
	case "区":
		return []string{"qu", "district"}
	case "新区":
		return []string{"xinqu", "newarea", "qu", "district"}
	case "县", "自治县":
		return []string{"xian", "county"}
	case "街道", "街道办事处":
		return []string{"jiedao", "subdistrict", "street"}
	case "镇":
		return []string{"zhen", "town"}
	case "乡", "民族乡":
		return []string{"xiang", "township"}
	case "村民委员会", "村委会", "社区居民委员会", "居民委员会", "居委会":
		return []string{""}
	}
	return nil
}

// enSuffixes are English unit words, longest first, folded.
var enSuffixes = []string{"autonomouscounty", "subdistrict", "municipality", "newarea", "township", "district", "province", "county", "street", "town", "city"}

// maxReadings bounds the pinyin readings kept for one name (the product of
// its characters' readings).
const maxReadings = 4

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Heteronym = true
	return a
}()

// pinyinOf returns the toneless pinyin readings of the Han name s, all
// combinations of the characters' readings up to maxReadings; nil when a
// character has none.
func pinyinOf(s string) []string {
	if ps, ok := divisionPinyin()[s]; ok {
		return ps
	}
	return pinyinReadings(s)
}

// divisionPinyin holds the readings of the short forms of the embedded
// divisions, computed once per process (a table): go-pinyin's styling is
// the costly part of building an index.
var divisionPinyin = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	us, err := divisions()
	if err != nil {
		return m
	}
	for _, u := range us {
		stem, _ := cutSuffix(Fold(u.Name), u.Level)
		if _, done := m[stem]; !done && u.Level != Village {
			m[stem] = pinyinReadings(stem)
		}
	}
	return m
})

func pinyinReadings(s string) []string {
	readings := []string{""}
	for _, r := range s {
		ps := pinyin.SinglePinyin(r, pinyinArgs)
		if len(ps) == 0 {
			return nil
		}
		var next []string
		for _, prefix := range readings {
			for _, p := range ps {
				if len(next) < maxReadings {
					next = append(next, prefix+p)
				}
			}
		}
		readings = next
	}
	return readings
}

// converter returns the OpenCC traditional-to-simplified converter, built
// once per process (its dictionaries are a table).
var converter = sync.OnceValues(func() (*opencc.OpenCC, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, fmt.Errorf("address: opencc t2s: %w", err)
	}
	return cc, nil
})
