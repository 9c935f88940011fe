//go:build geos

package build

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/twpayne/go-geos"
)

const (
	srcDir    = "../sources"
	layersDir = "../layers"
)

// TestStale rebuilds the layers into a temporary folder and compares them
// byte for byte with the committed ones: run `make data` when it fails.
func TestStale(t *testing.T) {
	out := t.TempDir()
	var log bytes.Buffer
	if err := Run(srcDir, out, &log); err != nil {
		t.Fatalf("build: %v\n%s", err, log.String())
	}
	built, _ := filepath.Glob(filepath.Join(out, "*.geojson"))
	committed, _ := filepath.Glob(filepath.Join(layersDir, "*.geojson"))
	if len(built) != len(committed) {
		t.Errorf("built %d layers, %d committed: run `make data`", len(built), len(committed))
	}
	for _, b := range built {
		want, err := os.ReadFile(filepath.Join(layersDir, filepath.Base(b)))
		if err != nil {
			t.Errorf("%s is not committed: run `make data`", filepath.Base(b))
			continue
		}
		got, _ := os.ReadFile(b)
		if !bytes.Equal(got, want) {
			t.Errorf("data/layers/%s is stale: run `make data`", filepath.Base(b))
		}
	}
}

func readLayer(t *testing.T, name string) *geojson.FeatureCollection {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(layersDir, name+".geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func toG(t *testing.T, ctx *geos.Context, g orb.Geometry) *geos.Geom {
	t.Helper()
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := ctx.NewGeomFromWKB(b)
	if err != nil {
		t.Fatal(err)
	}
	return gg
}

// TestNewDistrictsAreUnions checks that each 2026 district equals the union
// of the townships whose district_after it is (plus the former 江北区 for
// 两江新区), exactly (GEOS topological equality).
func TestNewDistrictsAreUnions(t *testing.T) {
	ctx := geos.NewContext()
	districts := map[string]*geos.Geom{}
	for _, f := range readLayer(t, "districts").Features {
		districts[f.ID.(string)] = toG(t, ctx, f.Geometry)
	}
	parts := map[string][]*geos.Geom{idLiangjiang: {districts[codeJiangbei].Clone()}}
	count := map[string]int{}
	for _, f := range readLayer(t, "townships").Features {
		id, _ := f.Properties["district_after"].(string)
		count[id]++
		parts[id] = append(parts[id], toG(t, ctx, f.Geometry))
	}
	if count[idNewBeibei] != 17 {
		t.Errorf("new 北碚区 has %d townships, want 17", count[idNewBeibei])
	}
	for _, id := range []string{idNewBeibei, idLiangjiang} {
		u := ctx.NewCollection(geos.TypeIDGeometryCollection, parts[id]).UnaryUnion()
		d := districts[id]
		if id == idNewBeibei {
			if !d.Equals(u) {
				t.Errorf("%s is not the union of its townships (sym. difference %.3g deg²)", id, d.SymDifference(u).Area())
			}
			continue
		}
		// 江北区's outline overlaps 渝北区's by slivers in the source, so
		// 两江新区 equals the union only up to those slivers.
		if r := d.SymDifference(u).Area() / d.Area(); r > 1e-4 {
			t.Errorf("%s differs from the union of its parts by %.4f %%", id, 100*r)
		}
	}
}

// TestSourceText checks that every source_text is a verbatim quotation of
// the seed article, which is not redistributed with the project: it is read
// from shared/ beside the repository. CI has it there, so in CI (CI=true) a
// missing article fails the test instead of skipping it.
func TestSourceText(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/seed/*.txt")
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("seed article not found at ../shared/seed beside the repository")
		}
		t.Skip("seed article not available (../shared/seed beside the repository)")
	}
	article, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	a, err := readArticle(srcDir)
	if err != nil {
		t.Fatal(err)
	}
	var quotes []string
	for _, p := range a.Projects {
		quotes = append(quotes, p.SourceText)
	}
	for _, c := range a.Corridors {
		quotes = append(quotes, c.SourceText)
	}
	for _, q := range quotes {
		if !strings.Contains(string(article), q) {
			t.Errorf("not in the article: %q", q)
		}
	}
}

func TestVoronoiCells(t *testing.T) {
	box := orb.Bound{Min: orb.Point{106, 29}, Max: orb.Point{107, 30}}
	tests := []struct {
		name  string
		seats []orb.Point
	}{
		{"one", []orb.Point{{106.5, 29.5}}},
		{"two", []orb.Point{{106.2, 29.5}, {106.8, 29.5}}},
		{"grid", []orb.Point{{106.1, 29.1}, {106.9, 29.1}, {106.1, 29.9}, {106.9, 29.9}, {106.5, 29.5}}},
		{"seat on box edge", []orb.Point{{106, 29.5}, {106.3, 29.2}, {106.7, 29.8}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells := voronoiCells(tc.seats, box)
			sum := 0.0
			for i, c := range cells {
				sum += math.Abs(planar.Area(c[0]))
				// every point of the cell is nearest to its own seat
				for _, p := range c[0] {
					for j, s := range tc.seats {
						if planeDist2(p, s) < planeDist2(p, tc.seats[i])-1e-9 {
							t.Errorf("cell %d vertex %v is nearer to seat %d", i, p, j)
						}
					}
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("cells cover %.12f deg², want the box's 1", sum)
			}
		})
	}
}

func TestCanonicalRing(t *testing.T) {
	tests := []struct {
		name  string
		in    orb.Ring
		outer bool
		want  orb.Ring
	}{
		{"outer clockwise is reversed", orb.Ring{{1, 1}, {1, 0}, {0, 0}, {0, 1}, {1, 1}}, true,
			orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
		{"hole counter-clockwise is reversed", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, false,
			orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 0}}},
		{"rounded, repeated points dropped", orb.Ring{{0.00000001, 0}, {1, 0}, {1, 0}, {0, 1}, {0, 0}}, true,
			orb.Ring{{0, 0}, {1, 0}, {0, 1}, {0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := canonicalRing(tc.in, tc.outer)
			if !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRunBadSource(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"unknown district", fileOutlines, `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"火星区"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`, "not a known district"},
		{"bad csv", fileNBS, "code,name\n1,x\n", "is not code,name,areaCode"},
		{"unknown field", fileArticle, `{"projects":[{"nope":1}]}`, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{fileOutlines, fileGeoNames, fileNBS, fileArticle} {
				b, err := os.ReadFile(filepath.Join(srcDir, f))
				if err != nil {
					t.Fatal(err)
				}
				if f == tc.file {
					b = []byte(tc.content)
				}
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := Run(dir, t.TempDir(), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestVoronoiPruned: on 2,000 random sites the grid-pruned cells tile the
// box, every vertex is nearest to its own site, and every edge labelled
// with a neighbour lies on the bisector of the two sites (the labels the
// midline split relies on).
func TestVoronoiPruned(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 1}}
	sites := make([]orb.Point, 2000)
	for i := range sites {
		sites[i] = orb.Point{rng.Float64() * 2, rng.Float64()}
	}
	d2 := func(a, b orb.Point) float64 { return (a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) }
	sum := 0.0
	for i, c := range voronoi(sites, box) {
		ring := append(orb.Ring(append([]orb.Point{}, c.poly...)), c.poly[0])
		sum += math.Abs(planar.Area(ring))
		for k, p := range c.poly {
			for j := 0; j < len(sites); j += 97 { // a spread of other sites
				if d2(p, sites[j]) < d2(p, sites[i])-1e-12 {
					t.Fatalf("cell %d vertex %v is nearer to site %d", i, p, j)
				}
			}
			if j := c.from[k]; j >= 0 {
				q := c.poly[(k+1)%len(c.poly)]
				for _, e := range []orb.Point{p, q} {
					if math.Abs(d2(e, sites[i])-d2(e, sites[j])) > 1e-9 {
						t.Fatalf("cell %d edge %d labelled %d is not on their bisector", i, k, j)
					}
				}
			}
		}
	}
	if math.Abs(sum-2) > 1e-9 {
		t.Errorf("cells cover %.12f, want the box's 2", sum)
	}
}
