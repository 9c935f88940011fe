//go:build !geos

package main

import (
	"errors"
	"io"
)

// errNoGEOS is returned by `data build` in a binary built without GEOS.
var errNoGEOS = errors.New("data build: built without GEOS: run `make data` (go run -tags geos ./cmd/beibeimap data build)")

// buildData is unavailable without the geos build tag.
func buildData(string, string, io.Writer) error {
	return errNoGEOS
}
