package geo_test

import (
	"testing"

	"beibeimap/geo/address"
)

func divisionNames(tb testing.TB) []string {
	us, err := address.Divisions()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}
