package geo_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"beibeimap/geo"
)

// TestAppendJSONFloat checks the hand-written float encoder against
// encoding/json on edge values and random ones of every magnitude.
func TestAppendJSONFloat(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 106.5, 29.8565, 1e-6, 9.99e-7, 1e-7, 1.5e-300, 1e20, 1e21, -1e21, 123456789.123, math.MaxFloat64, math.SmallestNonzeroFloat64}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		vals = append(vals, (rng.Float64()-0.5)*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, v := range vals {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := geo.AppendJSONFloat(nil, v); string(got) != string(want) {
			t.Errorf("AppendJSONFloat(%v) = %s, encoding/json %s", v, got, want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := geo.AppendJSONFloat(nil, v); string(got) != "null" {
			t.Errorf("AppendJSONFloat(%v) = %s, want null", v, got)
		}
	}
}
