package geo

import "time"

// This file is the one home of the facts of the region: the collection ids
// of the service and the 2026 redrawing of the districts around Beibei.
// Every package reads them from here and the map page reads them from
// /map/config.json; nothing else spells them.

// Collection ids. They are part of the API: the data build writes them, the
// lookup answer is composed from them and the map page draws them.
const (
	DistrictsID     = "districts"
	TownshipsID     = "townships"
	SeatsID         = "seats"
	PlanningZonesID = "planning-zones"
	ProjectsID      = "projects"
	CorridorsID     = "corridors"
)

// CollectionIDs lists the default collections in their documented order
// (data/README.md): the order of the collections document and of the
// layers of a tile. The slice must not be modified.
var CollectionIDs = []string{DistrictsID, TownshipsID, SeatsID, PlanningZonesID, ProjectsID, CorridorsID}

// chinaTime is China Standard Time, fixed at UTC+8 (no daylight saving
// since 1991), so that no time zone database is needed.
var chinaTime = time.FixedZone("CST", 8*3600)

// ChinaDate returns the calendar date in China (UTC+8) of the instant t,
// at midnight UTC like every date of the package: "today" for the service
// is ChinaDate(time.Now()), and a timestamp counts by its date in China.
func ChinaDate(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Unit is an administrative unit named by the facts of a redrawing.
type Unit struct {
	// Code is the NBS/MCA code ("500109" for a district, 9 digits for a
	// township); "" where none exists (两江新区 has none as a district).
	Code string `json:"code"`
	// Name is the Chinese name, NameEn the English one.
	Name   string `json:"name"`
	NameEn string `json:"name_en"`
	// ID is, for a district of the new layout, the id of its feature in
	// the districts collection; "" otherwise.
	ID string `json:"id,omitempty"`
}

// Move is a township that changes district in a redrawing.
type Move struct {
	Unit
	// From and To are the districts before and after.
	From Unit `json:"from"`
	To   Unit `json:"to"`
}

// Redrawing is a change of the district layout, in force from Date.
type Redrawing struct {
	// Date is the first day of the new layout (a calendar date, midnight
	// UTC like every date of the package); Announced the day it was made
	// public.
	Date, Announced time.Time
	// Basis is the legal basis, quoted in change records and notices.
	Basis string
	// Target is the district the service maps, as it is after the change.
	Target Unit
	// Abolished are the districts that cease on Date; Created those set
	// up on it.
	Abolished, Created []Unit
	// Moves are the townships that change district, by code order within
	// each direction: those that join Target first.
	Moves []Move
}

// LastOldDay is the last day of the old layout, the day before Date.
func (r *Redrawing) LastOldDay() time.Time { return r.Date.AddDate(0, 0, -1) }

// Notice is the basis with the dates it was announced and came into force,
// as the data's source notes quote it.
func (r *Redrawing) Notice() string {
	return r.Basis + " (announced " + r.Announced.Format(DateLayout) + ", in force " + r.Date.Format(DateLayout) + ")"
}

// Move returns the move of the township with the given code, if it moves.
func (r *Redrawing) Move(code string) (Move, bool) {
	for _, m := range r.Moves {
		if m.Code == code {
			return m, true
		}
	}
	return Move{}, false
}

// Joins reports whether the township with the given code joins Target.
func (r *Redrawing) Joins(code string) bool {
	m, ok := r.Move(code)
	return ok && m.To.Code == r.Target.Code
}

// Leaves reports whether the township with the given code leaves Target.
func (r *Redrawing) Leaves(code string) bool {
	m, ok := r.Move(code)
	return ok && m.From.Code == r.Target.Code
}

func mustDate(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic("geo: bad date in the region's facts: " + s)
	}
	return t
}

// The districts of the 2026 redrawing.
var (
	beibei     = Unit{Code: "500109", Name: "北碚区", NameEn: "Beibei District"}
	yubei      = Unit{Code: "500112", Name: "渝北区", NameEn: "Yubei District"}
	jiangbei   = Unit{Code: "500105", Name: "江北区", NameEn: "Jiangbei District"}
	liangjiang = Unit{Name: "两江新区", NameEn: "Liangjiang New Area", ID: "liangjiang-2026"}
	beibeiNew  = Unit{Code: "500109", Name: "北碚区", NameEn: "Beibei District", ID: "500109-2026"}
)

func move(code, name, en string, from, to Unit) Move {
	from.ID, to.ID = "", ""
	return Move{Unit: Unit{Code: code, Name: name, NameEn: en}, From: from, To: to}
}

// Redrawing2026 is the change this service maps: notice 渝府发〔2025〕15号,
// in force 2026-01-25. 江北区 and 渝北区 gave way to 两江新区; five towns of
// former 渝北区 joined 北碚区 and five units of 北碚区 went to 两江新区.
// It is a table: callers must not modify it.
var Redrawing2026 = &Redrawing{
	Date:      mustDate("2026-01-25"),
	Announced: mustDate("2025-11-07"),
	Basis:     "渝府发〔2025〕15号",
	Target:    beibeiNew,
	Abolished: []Unit{jiangbei, yubei},
	Created:   []Unit{liangjiang},
	Moves: []Move{
		move("500112133", "统景镇", "Tongjing Town", yubei, beibei),
		move("500112135", "大湾镇", "Dawan Town", yubei, beibei),
		move("500112138", "兴隆镇", "Xinglong Town", yubei, beibei),
		move("500112140", "茨竹镇", "Cizhu Town", yubei, beibei),
		move("500112143", "大盛镇", "Dasheng Town", yubei, beibei),
		move("500109006", "蔡家岗街道", "Caijiagang Subdistrict", beibei, liangjiang),
		move("500109008", "水土街道", "Shuitu Subdistrict", beibei, liangjiang),
		move("500109009", "复兴街道", "Fuxing Subdistrict", beibei, liangjiang),
		move("500109104", "童家溪镇", "Tongjiaxi Town", beibei, liangjiang),
		move("500109108", "施家梁镇", "Shijialiang Town", beibei, liangjiang),
	},
}

// RegionFacts is a redrawing as the map page reads it: the "region" member
// of /map/config.json and of a tile archive's metadata, so that the page
// spells none of the facts itself. Dates are YYYY-MM-DD.
type RegionFacts struct {
	ChangeDate  string   `json:"change_date"`
	LastOldDate string   `json:"last_old_date"`
	Basis       string   `json:"basis"`
	Target      Unit     `json:"target"`
	Abolished   []Unit   `json:"abolished"`
	Created     []Unit   `json:"created"`
	Moves       []Move   `json:"moves"`
	Collections []string `json:"collections"`
}

// Facts returns r with the collection ids in the page's shape.
func (r *Redrawing) Facts() RegionFacts {
	return RegionFacts{
		ChangeDate:  r.Date.Format(DateLayout),
		LastOldDate: r.LastOldDay().Format(DateLayout),
		Basis:       r.Basis,
		Target:      r.Target,
		Abolished:   r.Abolished,
		Created:     r.Created,
		Moves:       r.Moves,
		Collections: CollectionIDs,
	}
}
