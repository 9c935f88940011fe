//go:build geos

package main

import (
	"io"

	"beibeimap/data/build"
)

// buildData regenerates the layers in out from the sources in src.
func buildData(src, out string, log io.Writer) error {
	return build.Run(src, out, log)
}
