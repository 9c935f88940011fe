package address

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks the invariants of Parse on any text: it does not panic,
// its chain is ordered from the outermost unit in, each unit of the chain
// lies in the one before it, every match and unmatched part is a piece of
// the folded text, and there are at most MaxCandidates candidates. Seeds:
// the texts of ../testdata/addresses.tsv.
func FuzzParse(f *testing.F) {
	fh, err := os.Open(filepath.Join("..", "testdata", "addresses.tsv"))
	if err != nil {
		f.Fatal(err)
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if cols := strings.Split(sc.Text(), "\t"); len(cols) > 1 && !strings.HasPrefix(cols[0], "#") {
			f.Add(cols[1])
		}
	}
	fh.Close()
	x := divisionIndex(f)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 {
			return
		}
		r := x.Parse(text)
		if !utf8.ValidString(r.Folded) {
			t.Fatalf("Fold(%q) = %q is not UTF-8", text, r.Folded)
		}
		for i, m := range r.Chain {
			if m.Start < 0 || m.End > len(r.Folded) || m.Start >= m.End || r.Folded[m.Start:m.End] != m.Text {
				t.Fatalf("match %+v is not a piece of %q", m, r.Folded)
			}
			if i > 0 {
				outer := r.Chain[i-1].Unit
				if x.Unit(outer).Level > x.Unit(m.Unit).Level || !x.Within(m.Unit, x.Unit(outer).ID) {
					t.Fatalf("chain of %q: %s does not lie in %s", text, x.Unit(m.Unit).Name, x.Unit(outer).Name)
				}
			}
		}
		for _, u := range r.Unmatched {
			if u == "" || !strings.Contains(r.Folded, u) {
				t.Fatalf("unmatched %q is not a piece of %q", u, r.Folded)
			}
		}
		if len(r.Candidates) > MaxCandidates || len(r.Chain) > 0 && len(r.Candidates) == 0 {
			t.Fatalf("%d candidates for a chain of %d", len(r.Candidates), len(r.Chain))
		}
	})
}
