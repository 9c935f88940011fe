//go:build geos

package build

import "beibeimap/geo"

// districtInfo is what the build knows about one district or county beyond
// its outline: the adcode of the Ministry of Civil Affairs and the names.
type districtInfo struct {
	code, name, nameEN string
}

// districtTable maps the name used in the ECharts outlines to the official
// code and current name. 梁平县 and 武隆县 became districts in 2016 (codes
// 500155, 500156); the outlines still carry the county names.
var districtTable = map[string]districtInfo{
	"万州区":        {"500101", "万州区", "Wanzhou District"},
	"涪陵区":        {"500102", "涪陵区", "Fuling District"},
	"渝中区":        {"500103", "渝中区", "Yuzhong District"},
	"大渡口区":       {"500104", "大渡口区", "Dadukou District"},
	"江北区":        {"500105", "江北区", "Jiangbei District"},
	"沙坪坝区":       {"500106", "沙坪坝区", "Shapingba District"},
	"九龙坡区":       {"500107", "九龙坡区", "Jiulongpo District"},
	"南岸区":        {"500108", "南岸区", "Nan'an District"},
	"北碚区":        {"500109", "北碚区", "Beibei District"},
	"綦江区":        {"500110", "綦江区", "Qijiang District"},
	"大足区":        {"500111", "大足区", "Dazu District"},
	"渝北区":        {"500112", "渝北区", "Yubei District"},
	"巴南区":        {"500113", "巴南区", "Banan District"},
	"黔江区":        {"500114", "黔江区", "Qianjiang District"},
	"长寿区":        {"500115", "长寿区", "Changshou District"},
	"江津区":        {"500116", "江津区", "Jiangjin District"},
	"合川区":        {"500117", "合川区", "Hechuan District"},
	"永川区":        {"500118", "永川区", "Yongchuan District"},
	"南川区":        {"500119", "南川区", "Nanchuan District"},
	"璧山区":        {"500120", "璧山区", "Bishan District"},
	"铜梁区":        {"500151", "铜梁区", "Tongliang District"},
	"潼南区":        {"500152", "潼南区", "Tongnan District"},
	"荣昌区":        {"500153", "荣昌区", "Rongchang District"},
	"开州区":        {"500154", "开州区", "Kaizhou District"},
	"梁平县":        {"500155", "梁平区", "Liangping District"},
	"武隆县":        {"500156", "武隆区", "Wulong District"},
	"城口县":        {"500229", "城口县", "Chengkou County"},
	"丰都县":        {"500230", "丰都县", "Fengdu County"},
	"垫江县":        {"500231", "垫江县", "Dianjiang County"},
	"忠县":         {"500233", "忠县", "Zhong County"},
	"云阳县":        {"500235", "云阳县", "Yunyang County"},
	"奉节县":        {"500236", "奉节县", "Fengjie County"},
	"巫山县":        {"500237", "巫山县", "Wushan County"},
	"巫溪县":        {"500238", "巫溪县", "Wuxi County"},
	"石柱土家族自治县":   {"500240", "石柱土家族自治县", "Shizhu Tujia Autonomous County"},
	"秀山土家族苗族自治县": {"500241", "秀山土家族苗族自治县", "Xiushan Tujia and Miao Autonomous County"},
	"酉阳土家族苗族自治县": {"500242", "酉阳土家族苗族自治县", "Youyang Tujia and Miao Autonomous County"},
	"彭水苗族土家族自治县": {"500243", "彭水苗族土家族自治县", "Pengshui Miao and Tujia Autonomous County"},
}

// The change of 2026, read from geo.Redrawing2026, the one home of its
// facts: the build derives every date, code and id it writes from there.
var (
	region      = geo.Redrawing2026
	changeDate  = region.Date.Format(geo.DateLayout)         // first day of the new layout
	lastOldDate = region.LastOldDay().Format(geo.DateLayout) // last day of the old one
	codeBeibei  = region.Target.Code
	// codeYubei is the abolished district split by the change (the towns
	// that join Beibei come from it), codeJiangbei the one that passes
	// whole to the new district.
	codeYubei    = splitDistrict(region)
	codeJiangbei = wholeDistrict(region)
	// Feature ids of the two districts of the new layout.
	idNewBeibei  = region.Target.ID
	idLiangjiang = region.Created[0].ID
	notice       = region.Notice()
	// movingUnits are the NBS codes of the units that change district.
	movingUnits = movingCodes(region)
)

func splitDistrict(r *geo.Redrawing) string {
	for _, m := range r.Moves {
		if m.To.Code == r.Target.Code {
			return m.From.Code
		}
	}
	panic("build: no town joins " + r.Target.Name)
}

func wholeDistrict(r *geo.Redrawing) string {
	for _, d := range r.Abolished {
		if d.Code != splitDistrict(r) {
			return d.Code
		}
	}
	panic("build: no abolished district passes whole")
}

func movingCodes(r *geo.Redrawing) map[string]bool {
	m := map[string]bool{}
	for _, mv := range r.Moves {
		m[mv.Code] = true
	}
	return m
}

// districtName is the Chinese name of a district of the change by code
// (old layout) or feature id (new layout); "" for others.
func districtName(id string) string {
	switch id {
	case region.Target.Code, region.Target.ID:
		return region.Target.Name
	case region.Created[0].ID:
		return region.Created[0].Name
	}
	for _, d := range region.Abolished {
		if d.Code == id {
			return d.Name
		}
	}
	return ""
}

// pinyin romanises the unit names (without 街道/镇) for units whose
// GeoNames row is missing or carries a different name (龙凤 for 龙凤桥).
var pinyin = map[string]string{
	"天生": "Tiansheng", "朝阳": "Chaoyang", "北温泉": "Beiwenquan", "东阳": "Dongyang",
	"龙凤桥": "Longfengqiao", "蔡家岗": "Caijiagang", "歇马": "Xiema", "水土": "Shuitu",
	"复兴": "Fuxing", "澄江": "Chengjiang", "童家溪": "Tongjiaxi", "天府": "Tianfu",
	"施家梁": "Shijialiang", "静观": "Jingguan", "柳荫": "Liuyin", "三圣": "Sansheng",
	"金刀峡": "Jindaoxia", "双龙湖": "Shuanglonghu", "回兴": "Huixing", "鸳鸯": "Yuanyang",
	"翠云": "Cuiyun", "人和": "Renhe", "天宫殿": "Tiangongdian", "龙溪": "Longxi",
	"龙山": "Longshan", "龙塔": "Longta", "大竹林": "Dazhulin", "悦来": "Yuelai",
	"两路": "Lianglu", "双凤桥": "Shuangfengqiao", "王家": "Wangjia", "礼嘉": "Lijia",
	"宝圣湖": "Baoshenghu", "金山": "Jinshan", "康美": "Kangmei", "仙桃": "Xiantao",
	"玉峰山": "Yufengshan", "龙兴": "Longxing", "统景": "Tongjing", "大湾": "Dawan",
	"兴隆": "Xinglong", "木耳": "Mu'er", "茨竹": "Cizhu", "古路": "Gulu",
	"石船": "Shichuan", "大盛": "Dasheng", "洛碛": "Luoqi",
}

// zone is one element of the seed article's spatial plan (一心三区四片),
// drawn as the union of the townships assigned to it.
type zone struct {
	id, name, nameEN, kind string
	units                  []string // NBS codes
	basis                  string   // why these units
}

// The GeoNames ids of the seats used as anchors of the four areas (四片):
// every unit of the new 北碚区 belongs to the area whose anchor seat is
// nearest to its own seat (see zoneLayer).
const (
	anchorJinyun   = 1816528 // 北温泉街道 seat, at the foot of 缙云山
	anchorJingguan = 1805661 // 静观镇 seat
	anchorGaozhu   = 1814712 // 茨竹镇 seat (the "竹" of 高竹)
	anchorTongjing = 1792636 // 统景镇 seat
)

// fixedZones are the centre and the three parks, by explicit assignment.
var fixedZones = []zone{
	{"centre-jinyun", "北碚缙云中心", "Beibei Jinyun Centre", "centre",
		[]string{"500109001", "500109002", "500109003", "500109004", "500109005"},
		"the five urban subdistricts of central Beibei (天生, 朝阳, 北温泉, 东阳, 龙凤桥), the city the article calls 北碚缙云中心"},
	{"park-gaozhu", "川渝高竹新区北碚园区", "Sichuan–Chongqing Gaozhu New Area, Beibei Park", "park",
		[]string{"500112140", "500112135"},
		"茨竹镇 and 大湾镇, the Chongqing-side towns of 川渝高竹新区 (whose name joins 高滩 in Sichuan and 茨竹); the park covers only parts of them"},
	{"park-xiema", "西部科学城歇马园区", "Western China Science City, Xiema Park", "park",
		[]string{"500109007"},
		"歇马街道, named by the park"},
	{"park-jingguan", "静观城乡融合园区", "Jingguan Urban–Rural Integration Park", "park",
		[]string{"500109110"},
		"静观镇, named by the park"},
}

// areaZones are the four areas; their units are computed from the anchors.
var areaZones = []struct {
	id, name, nameEN string
	anchor           int
}{
	{"area-jinyun", "缙云片区", "Jinyun Area", anchorJinyun},
	{"area-jingguan", "静观片区", "Jingguan Area", anchorJingguan},
	{"area-gaozhu", "高竹片区", "Gaozhu Area", anchorGaozhu},
	{"area-tongjing", "统景片区", "Tongjing Area", anchorTongjing},
}
