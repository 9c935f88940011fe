package address

import (
	"strings"
	"testing"
)

func divisionIndex(t testing.TB) *Index {
	t.Helper()
	us, err := Divisions()
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewIndex(us, "50")
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Tǒngjǐng Zhèn", "tongjingzhen"},
		{"tong3 jing3 zhen4", "tongjingzhen"},
		{"ＣＨＯＮＧＱＩＮＧ　ＢＥＩＢＥＩ", "chongqingbeibei"},
		{"张三 13812345678 重庆市，北碚区 400700", "张三重庆市北碚区"},
		{"建国路88号", "建国路88号"},
		{"023-68251234", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParseChain checks the chain read from texts against the NBS codes
// alone: the deepest unit's code, or "" for none.
func TestParseChain(t *testing.T) {
	x := divisionIndex(t)
	tests := []struct{ text, want string }{
		{"北京市朝阳区建国路88号", "110105"},
		{"北京朝阳区", "110105"},
		{"吉林省长春市朝阳区", "220104"},
		{"重庆市北碚区静观镇", "500109110"},
		{"重庆市渝北区统景镇印盒村", "500112133218"},
		{"朝阳", "500109002"},
		{"宁波江北", "330205"},
		{"江北区", "500105"},
		{"北碚区天津路12号", "500109"},
		{"Chongqing Shi Beibei Qu Jingguan Zhen", "500109110"},
		{"Jingguan Town, Beibei District, Chongqing", "500109110"},
		{"重庆市北倍区澄江镇", "500109102"},
		{"北碚区静官镇", "500109110"},
		{"渝北区龙海街道", "500112"},
		{"重慶市北碚區靜觀鎮", "500109110"},
		{"asdf", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := x.Parse(tt.text)
			got := ""
			if d := r.Deepest(); d >= 0 {
				got = x.Unit(d).ID
			}
			if got != tt.want {
				var chain []string
				for _, m := range r.Chain {
					chain = append(chain, x.Unit(m.Unit).Name+"/"+m.Kind.String())
				}
				t.Errorf("Parse(%q) deepest %q, want %q; chain %s, candidates %+v, notes %q, unmatched %q", tt.text, got, tt.want, strings.Join(chain, " "), r.Candidates, r.Notes, r.Unmatched)
			}
		})
	}
}
