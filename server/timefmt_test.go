package server

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendTime holds the written-out layouts to time.Format, on times
// across years, zones (whole hours, half hours, negative, with seconds),
// millisecond boundaries and years time.Format writes its own way.
func TestAppendTime(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("IST", 5*3600+1800),
		time.FixedZone("NST", -(3*3600 + 1800)), time.FixedZone("LMT", 7*3600+6*60+36), time.FixedZone("W", -12*3600)}
	times := []time.Time{
		time.Date(2026, 1, 25, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 1e6, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 12, 0, 0, 0, time.UTC),
		time.Now(),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		times = append(times, time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)))
	}
	for _, base := range times {
		for _, z := range zones {
			at := base.In(z)
			for _, c := range []struct {
				layout string
				got    []byte
			}{
				{"2006-01-02", appendDate([]byte("x"), at)},
				{time.RFC3339, appendRFC3339([]byte("x"), at, false)},
				{"2006-01-02T15:04:05.000Z07:00", appendRFC3339([]byte("x"), at, true)},
			} {
				if want := "x" + at.Format(c.layout); string(c.got) != want {
					t.Fatalf("%v as %q: got %q, want %q", at, c.layout, c.got, want)
				}
			}
		}
	}
}
