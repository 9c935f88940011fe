package geo_test

import (
	"strings"
	"testing"
	"time"

	"beibeimap/data"
	"beibeimap/geo"
)

// addressTexts are the texts of the address table the benchmarks run.
func addressTexts(b *testing.B) []string {
	var out []string
	for _, c := range readAddressCases(b) {
		out = append(out, c.text)
	}
	return out
}

// BenchmarkLocateAddress resolves every text of the address table in turn.
func BenchmarkLocateAddress(b *testing.B) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	loc := geo.NewLocator(snap)
	texts := addressTexts(b)
	date := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var a geo.Answer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = loc.LocateAddress(texts[i%len(texts)], date, &a)
	}
}

// BenchmarkLocateAddressBruteForce is the baseline: for each text, every
// name of the NBS tables and the layers is searched for in the text with
// strings.Contains, the longest found wins — what a naive resolver does
// (and gets wrong: it is the 北京市朝阳区 → 朝阳街道 bug), measured for
// its cost only.
func BenchmarkLocateAddressBruteForce(b *testing.B) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, id := range geo.CollectionIDs {
		c, err := snap.Collection(id)
		if err != nil {
			continue
		}
		for _, f := range c.Features {
			if n, ok := f.Properties["name"].(string); ok {
				names = append(names, n)
			}
		}
	}
	names = append(names, divisionNames(b)...)
	texts := addressTexts(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text := texts[i%len(texts)]
		best := ""
		for _, n := range names {
			if len(n) > len(best) && strings.Contains(text, n) {
				best = n
			}
		}
		_ = best
	}
}

func BenchmarkNewLocator(b *testing.B) {
	snap, err := data.LoadSnapshot(data.Default())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		geo.NewLocator(snap)
	}
}
