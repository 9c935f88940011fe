package tiles

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"beibeimap/geo"
)

// MaxZoom is the deepest zoom level served. The source outlines resolve
// about 100 m, so deeper tiles would only magnify them.
const MaxZoom = 18

// Extent is the MVT tile extent (coordinate units per tile side).
const Extent = mvt.DefaultExtent

// buffer is the tile buffer in tile units on each side, so that lines and
// outlines do not show seams at tile edges.
const buffer = 64

// ParseTile parses the z, x and y path elements of a tile address ("10",
// "830", "420") and checks that the tile exists at that zoom (0 <= x, y <
// 2^z, z <= MaxZoom). Errors wrap geo.ErrInvalid and name the element.
func ParseTile(z, x, y string) (maptile.Tile, error) {
	zi, err := strconv.ParseUint(z, 10, 8)
	if err != nil || zi > MaxZoom {
		return maptile.Tile{}, geo.Invalidf("z", "zoom %q must be an integer from 0 to %d", z, MaxZoom)
	}
	n := uint64(1) << zi
	xi, err := strconv.ParseUint(x, 10, 32)
	if err != nil || xi >= n {
		return maptile.Tile{}, geo.Invalidf("x", "column %q must be an integer from 0 to %d at zoom %d", x, n-1, zi)
	}
	yi, err := strconv.ParseUint(y, 10, 32)
	if err != nil || yi >= n {
		return maptile.Tile{}, geo.Invalidf("y", "row %q must be an integer from 0 to %d at zoom %d", y, n-1, zi)
	}
	return maptile.New(uint32(xi), uint32(yi), maptile.Zoom(zi)), nil
}

// Render encodes tile t of snap as an MVT 2.1 tile: for each collection
// (or only those named in layers) the features valid on date (zero: every
// version) whose parts meet the tile. Layers are version 2 with extent
// Extent, come in collection order, and empty ones are omitted. Geometry is
// projected, clipped to the tile plus a buffer, simplified by less than one
// tile unit and rounded to integer tile coordinates; polygons are valid
// after all of that (outer rings of positive area by the spec's formula,
// holes negative, rings that collapse dropped, nothing crossing) — a
// polygon that simplification would make invalid is kept unsimplified.
// Every feature has the integer id FeatureID(f.ID), carries its string id
// in the property "id" and its scalar properties except "attribution"
// (arrays and objects are JSON-encoded as strings). The result is not compressed, is empty when no
// feature meets the tile, and is the same for the same inputs.
func Render(snap *geo.Snapshot, t maptile.Tile, date time.Time, layers ...string) ([]byte, error) {
	want := map[string]bool{}
	for _, l := range layers {
		want[l] = true
	}
	byColl := map[string]*mvt.Layer{}
	pr := newProjector(t)
	bound := t.Bound(float64(buffer) / float64(Extent))
	snap.Intersecting(bound, func(f *geo.Feature) bool {
		if len(want) > 0 && !want[f.Collection] {
			return true
		}
		if !date.IsZero() && !f.Valid.Contains(date) {
			return true
		}
		g := pr.geometry(f.Geometry)
		if g == nil {
			return true
		}
		gf := geojson.NewFeature(g)
		gf.ID = FeatureID(f.ID)
		gf.Properties = scalarProperties(f)
		l := byColl[f.Collection]
		if l == nil {
			l = &mvt.Layer{Name: f.Collection, Version: 2, Extent: Extent}
			byColl[f.Collection] = l
		}
		l.Features = append(l.Features, gf)
		return true
	})
	// Layers in collection order, features by id, so that the same tile
	// encodes to the same bytes every time whatever order the index and
	// the map visit them in.
	var ls mvt.Layers
	for _, c := range snap.Collections() {
		if l := byColl[c.ID]; l != nil {
			slices.SortFunc(l.Features, func(a, b *geojson.Feature) int {
				return strings.Compare(a.Properties["id"].(string), b.Properties["id"].(string))
			})
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return nil, nil
	}
	b, err := mvt.Marshal(ls)
	if err != nil {
		return nil, fmt.Errorf("tiles: encode %v: %w", t, err)
	}
	return b, nil
}

// FeatureID is the MVT feature id of a feature with string id id: the
// number itself when id is the canonical decimal form of an integer below
// 2^52 (the administrative codes), otherwise 2^52 plus the low 52 bits of
// id's FNV-1a hash. Both stay below 2^53, so JavaScript clients read them
// exactly. It is the same in every tile, so clients can join a feature's
// parts across tiles; ids of one collection differ unless two non-numeric
// ids collide in 52 bits.
func FeatureID(id string) uint64 {
	if n, err := strconv.ParseUint(id, 10, 64); err == nil && n < 1<<52 && strconv.FormatUint(n, 10) == id {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return 1<<52 | h.Sum64()&(1<<52-1)
}

// attributionProperty is the per-feature credit some sources carry; tiles
// leave it out, as the TileJSON and the style carry every credit once.
const attributionProperty = "attribution"

func scalarProperties(f *geo.Feature) geojson.Properties {
	p := make(geojson.Properties, len(f.Properties)+1)
	for k, v := range f.Properties {
		if k == attributionProperty {
			continue
		}
		switch v := v.(type) {
		case nil:
		case string, bool, float64:
			p[k] = v
		default:
			if b, err := json.Marshal(v); err == nil {
				p[k] = string(b)
			}
		}
	}
	p["id"] = f.ID
	return p
}

// Key identifies one rendered tile: the snapshot generation it was drawn
// from (geo.Snapshot.Version), the date it was drawn for (YYYY-MM-DD, ""
// for every version), the layers asked for (comma-separated collection
// ids, "" for all) and the tile. It is comparable and used as a map key.
type Key struct {
	Version string
	Date    string
	Layers  string
	Tile    maptile.Tile
}

// NewKey returns the key of tile t of snap drawn for date (zero: every
// version) with the given layers (none: all), as Render takes them.
func NewKey(snap *geo.Snapshot, t maptile.Tile, date time.Time, layers ...string) Key {
	k := Key{Version: snap.Version(), Layers: strings.Join(layers, ","), Tile: t}
	if !date.IsZero() {
		k.Date = date.Format(geo.DateLayout)
	}
	return k
}

// String formats the key as "version/date/layers/z/x/y", unique per key
// (collection ids and versions contain no slash), for ETags and logs.
func (k Key) String() string {
	return fmt.Sprintf("%s/%s/%s/%d/%d/%d", k.Version, k.Date, k.Layers, k.Tile.Z, k.Tile.X, k.Tile.Y)
}

// Cache holds rendered tiles by Key and merges concurrent requests for the
// same missing tile into one render (as go-pmtiles does). It keeps the tiles
// of one generation (Key.Version): the first request for a generation it
// has not seen drops every tile of the others, and tiles of a generation it
// has seen replaced are rendered but not kept, so a request that started
// before a reload cannot bring old tiles back. At most max tiles are kept,
// the oldest evicted first. It is safe for concurrent use; the zero Cache
// is not usable: call NewCache.
type Cache struct {
	max int

	mu       sync.Mutex
	current  string          // the generation whose tiles are kept
	seen     map[string]bool // generations met so far (bounded: see Get)
	entries  map[Key][]byte
	order    []Key // insertion order, for eviction
	inflight map[Key]*call
}

type call struct {
	done chan struct{}
	b    []byte
	err  error
}

// maxSeen bounds the generations a Cache remembers as replaced.
const maxSeen = 64

// NewCache returns a cache holding at most max tiles.
func NewCache(max int) *Cache {
	if max < 1 {
		max = 1
	}
	return &Cache{max: max, seen: map[string]bool{}, entries: map[Key][]byte{}, inflight: map[Key]*call{}}
}

// Get returns the tile for key, calling render once to make it when it is
// not cached; concurrent callers of the same key wait for that one render.
// Errors are returned, not cached.
func (c *Cache) Get(key Key, render func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if key.Version != c.current && !c.seen[key.Version] {
		// A new generation: the old tiles will not be asked for again.
		if len(c.seen) >= maxSeen {
			clear(c.seen)
		}
		c.seen[c.current] = true
		c.seen[key.Version] = true
		c.current = key.Version
		clear(c.entries)
		c.order = c.order[:0]
	}
	if b, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return b, nil
	}
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.b, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()

	cl.b, cl.err = render()

	c.mu.Lock()
	delete(c.inflight, key)
	if cl.err == nil && key.Version == c.current {
		c.entries[key] = cl.b
		c.order = append(c.order, key)
		for len(c.order) > c.max {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.b, cl.err
}

// Len returns the number of tiles held.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
