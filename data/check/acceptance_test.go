package check_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"beibeimap/data"
	"beibeimap/geo"
)

// snapshot loads the embedded dataset.
func snapshot(t *testing.T) *geo.Snapshot {
	t.Helper()
	s, err := data.LoadSnapshot(data.Default())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func feature(t *testing.T, s *geo.Snapshot, coll, id string) *geo.Feature {
	t.Helper()
	f, err := s.Feature(coll, id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMovingSeats looks up the seats of the ten moving units on the last
// day of the old layout and the first day of the new one.
func TestMovingSeats(t *testing.T) {
	s := snapshot(t)
	before, _ := geo.ParseDate("d", "2026-01-24")
	after, _ := geo.ParseDate("d", "2026-01-25")
	tests := []struct {
		name, township, before, after string
	}{
		{"水土", "500109008", "500109", "liangjiang-2026"},
		{"复兴", "500109009", "500109", "liangjiang-2026"},
		{"蔡家岗", "500109006", "500109", "liangjiang-2026"},
		{"施家梁", "500109108", "500109", "liangjiang-2026"},
		{"童家溪", "500109104", "500109", "liangjiang-2026"},
		{"大湾", "500112135", "500112", "500109-2026"},
		{"统景", "500112133", "500112", "500109-2026"},
		{"大盛", "500112143", "500112", "500109-2026"},
		{"兴隆", "500112138", "500112", "500109-2026"},
		{"茨竹", "500112140", "500112", "500109-2026"},
	}
	seats := map[string]orb.Point{}
	c, _ := s.Collection("seats")
	for _, f := range c.Features {
		seats[f.String("township")] = f.Geometry.(orb.Point)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt, ok := seats[tc.township]
			if !ok {
				t.Fatalf("no seat for %s", tc.township)
			}
			for _, q := range []struct {
				date time.Time
				want string
			}{{before, tc.before}, {after, tc.after}} {
				var got []string
				s.Containing(pt, q.date, func(f *geo.Feature) bool {
					if f.Collection == "districts" {
						got = append(got, f.ID)
					}
					return true
				})
				if len(got) != 1 || got[0] != q.want {
					t.Errorf("%s on %s: districts %v, want [%s]", tc.name, q.date.Format(geo.DateLayout), got, q.want)
				}
			}
		})
	}
}

// TestAreas checks the geodesic area of the former 北碚区 against the
// official 755 km² and logs the areas the report quotes.
func TestAreas(t *testing.T) {
	s := snapshot(t)
	km2 := func(coll, id string) float64 { return orbgeo.Area(feature(t, s, coll, id).Geometry) / 1e6 }
	old := km2("districts", "500109")
	if math.Abs(old-755)/755 > 0.03 {
		t.Errorf("old 北碚区 is %.1f km², more than 3 %% from 755 km²", old)
	}
	t.Logf("old 北碚区 %.2f km² (%+.2f %% vs 755)", old, 100*(old-755)/755)
	t.Logf("new 北碚区 %.2f km², 两江新区 %.2f km²", km2("districts", "500109-2026"), km2("districts", "liangjiang-2026"))
	for _, code := range []string{"500112135", "500112133", "500112143", "500112138", "500112140"} {
		t.Logf("%s %s %.2f km²", code, feature(t, s, "townships", code).String("name"), km2("townships", code))
	}
}

// TestNamedPlaces checks that every place and project the seed article
// names is a feature of some layer.
func TestNamedPlaces(t *testing.T) {
	s := snapshot(t)
	var names []string
	for _, c := range s.Collections() {
		for _, f := range c.Features {
			names = append(names, f.String("name"))
		}
	}
	all := strings.Join(names, "\n")
	for _, want := range []string{
		"北碚区", "两江新区", "大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇",
		"北碚缙云中心", "川渝高竹新区北碚园区", "西部科学城歇马园区", "静观城乡融合园区",
		"缙云片区", "静观片区", "高竹片区", "统景片区",
		"时代长安动力电池项目", "川仪一厂、八厂", "渝西高铁北碚南站", "华蓥中学", "王朴中学",
		"北碚区第二社会福利院", "缙云山", "北温泉", "统景温泉", "金刀峡", "西南大学",
		"中国科学院重庆研究院", "歇马曲轴公司", "卢作孚", "百馆之城", "川渝高竹新区",
		"精品民宿集群", "生态农庄", "御临河", "华蓥山",
		"G351静观至大盛段", "轨道7号线北碚段", "渝西高铁", "川渝协同发展轴", "歇马—大盛城乡发展轴", "嘉陵江生态轴",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no feature named %q", want)
		}
	}
}

// TestProvenance checks that every feature says where it comes from and
// how accurate it is, and every layer credits GeoNames.
func TestProvenance(t *testing.T) {
	s := snapshot(t)
	for _, c := range s.Collections() {
		if !strings.Contains(c.Attribution, "GeoNames (geonames.org), CC BY 4.0") {
			t.Errorf("%s: attribution lacks GeoNames: %q", c.ID, c.Attribution)
		}
		for _, f := range c.Features {
			if f.String("source") == "" || f.String("accuracy") == "" || f.String("name_en") == "" {
				t.Errorf("%s/%s: source, accuracy or name_en missing", c.ID, f.ID)
			}
		}
	}
}
