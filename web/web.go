// Package web holds the built map page — the bundle that `make web` writes
// into web/dist from the sources in web/src — embedded in the binary. It
// exposes only the files; package server decides how to serve them.
package web

import (
	"embed"
	"io/fs"
)

// dist is the build output. It always holds README.txt, so that a fresh
// clone compiles before the front end is built.
//
//go:embed dist
var dist embed.FS

// FS returns the built files of the map page, rooted at the build folder:
// index.html, app.js, app.css and their assets once `make web` has run;
// only README.txt before. The result is read-only and safe for concurrent
// use.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // cannot happen: the folder is embedded
		panic(err)
	}
	return sub
}
