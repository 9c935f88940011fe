package server

import (
	"net/url"
	"strings"
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
