package cql2_test

import (
	"bufio"
	"os"
	"testing"

	"beibeimap/geo/cql2"
)

// seeds reads one expression a line from testdata/seeds.txt.
func seeds(f *testing.F, file string) {
	fh, err := os.Open(file)
	if err != nil {
		f.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f.Add(sc.Text())
	}
}

// FuzzParseText checks that any input either fails with an error or gives
// an expression that evaluates without panicking and whose canonical text
// parses back to the same canonical text.
func FuzzParseText(f *testing.F) {
	seeds(f, "testdata/seeds.txt")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := cql2.ParseText(s)
		if err != nil {
			return
		}
		e.Match(square)
		e.Bound()
		e2, err := cql2.ParseText(e.String())
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", s, e.String(), err)
		}
		if e2.String() != e.String() {
			t.Fatalf("%q: canonical text not stable: %q vs %q", s, e.String(), e2.String())
		}
	})
}

// FuzzParseJSON checks that any input fails cleanly or evaluates.
func FuzzParseJSON(f *testing.F) {
	seeds(f, "testdata/seeds_json.txt")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := cql2.ParseJSON([]byte(s))
		if err != nil {
			return
		}
		e.Match(square)
		if _, err := cql2.ParseText(e.String()); err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", s, e.String(), err)
		}
	})
}
