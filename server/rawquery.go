package server

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"beibeimap/geo"
)

// maxScannedPairs is the number of "&"-separated pairs above which
// queryFirst hands the query to url.ParseQuery, whose own limit on the
// number of parameters (GODEBUG urlmaxqueryparams) then decides.
const maxScannedPairs = 1000

// queryFirst returns the first value of key in the raw query raw, and
// whether key is there, exactly as url.ParseQuery(raw)[key] would give
// them (pairs holding ";" or a bad escape skipped, "+" a space), without
// building the map of every parameter. key must be a parameter name that
// needs no escaping ("f", "limit"). Handlers that need the answer before
// they parse the query (content negotiation, the expensive-request gate,
// the items answer cache) use it.
func queryFirst(raw, key string) (string, bool) {
	if strings.Count(raw, "&") >= maxScannedPairs {
		v, ok := parsedQuery(raw)[key]
		if !ok {
			return "", false
		}
		return v[0], true
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if k != key {
			if !strings.ContainsAny(k, "%+") {
				continue // cannot unescape to key
			}
			if u, err := url.QueryUnescape(k); err != nil || u != key {
				continue
			}
		}
		u, err := url.QueryUnescape(v) // v itself when there is nothing to unescape
		if err != nil {
			continue
		}
		return u, true
	}
	return "", false
}

// parsedQuery is url.ParseQuery's map, whatever its error (as echo's
// QueryParams keeps it).
func parsedQuery(raw string) url.Values {
	v, _ := url.ParseQuery(raw)
	return v
}

// queryList is a request's query as url.ParseQuery reads it — pairs
// holding ";" or a bad escape skipped, "+" a space, keys and values
// unescaped — in the order the request gives them, without the map. The
// items endpoint, which reads a few parameters each given once, reads it.
type queryList []queryPair

// queryPair is one parameter of a queryList.
type queryPair struct{ key, value string }

// parseQueryList returns the parameters of the raw query raw, appended to
// buf (a caller's array keeps a short query off the heap). From
// maxScannedPairs pairs on it takes them from url.ParseQuery, whose own
// limit on their number then decides, keys in sorted order, each key's
// values in the request's.
func parseQueryList(raw string, buf []queryPair) queryList {
	if strings.Count(raw, "&") >= maxScannedPairs {
		m := parsedQuery(raw)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			for _, v := range m[k] {
				buf = append(buf, queryPair{k, v})
			}
		}
		return buf
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k) // k itself when there is nothing to unescape
		if err != nil {
			continue
		}
		if v, err = url.QueryUnescape(v); err != nil {
			continue
		}
		buf = append(buf, queryPair{k, v})
	}
	return buf
}

// get returns the first value of key, or "" (url.Values.Get).
func (q queryList) get(key string) string {
	for _, p := range q {
		if p.key == key {
			return p.value
		}
	}
	return ""
}

// has reports whether key is there (url.Values.Has).
func (q queryList) has(key string) bool {
	for _, p := range q {
		if p.key == key {
			return true
		}
	}
	return false
}

// values returns every value of key in order, nil when there is none
// (url.Values[key]).
func (q queryList) values(key string) []string {
	var out []string
	for _, p := range q {
		if p.key == key {
			out = append(out, p.value)
		}
	}
	return out
}

// first reports whether q[i] is the first pair with its key.
func (q queryList) first(i int) bool {
	for _, p := range q[:i] {
		if p.key == q[i].key {
			return false
		}
	}
	return true
}

// check returns a 400 naming the first parameter (in request order) that
// is not in allowed (or accepted by extra), or that is given more than
// once.
func (q queryList) check(allowed []string, extra func(string) bool) error {
	for i, p := range q {
		if !slices.Contains(allowed, p.key) && (extra == nil || !extra(p.key)) {
			return geo.Invalidf(p.key, "unknown query parameter %q", p.key)
		}
		if !q.first(i) {
			continue
		}
		if n := q.count(i); n > 1 {
			return geo.Invalidf(p.key, "query parameter %q given %d times", p.key, n)
		}
	}
	return nil
}

// count returns how many pairs have the key of q[i].
func (q queryList) count(i int) int {
	n := 0
	for _, p := range q {
		if p.key == q[i].key {
			n++
		}
	}
	return n
}
