package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"beibeimap/data"
	"beibeimap/data/check"
)

// Default folders of `data build`, relative to the working directory (the
// repository root when run by `make data`).
const (
	defaultSrcDir = "data/sources"
	defaultOutDir = "data/layers"
)

// runData runs `beibeimap data build [--src DIR] [--out DIR]` or
// `beibeimap data check [--data DIR]`. build needs the geos build tag;
// check runs the schema checks everywhere and the topology checks with
// geos. A failed check prints its report to stdout and returns errSilent.
func runData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: beibeimap data build [--src DIR] [--out DIR] | beibeimap data check [--data DIR]")
		return errSilent
	}
	switch args[0] {
	case "build":
		fset := flag.NewFlagSet("data build", flag.ContinueOnError)
		fset.SetOutput(stderr)
		src := fset.String("src", defaultSrcDir, "folder of the source files")
		out := fset.String("out", defaultOutDir, "folder the layers are written to")
		if err := fset.Parse(args[1:]); err != nil {
			return flagError(err)
		}
		if fset.NArg() > 0 {
			fmt.Fprintf(stderr, "data build: unexpected argument %q\n", fset.Arg(0))
			return errSilent
		}
		return buildData(ctx, *src, *out, stderr)
	case "check":
		fset := flag.NewFlagSet("data check", flag.ContinueOnError)
		fset.SetOutput(stderr)
		dir := fset.String("data", "", "folder of COLLECTION.geojson layers (default: the embedded layers)")
		if err := fset.Parse(args[1:]); err != nil {
			return flagError(err)
		}
		if fset.NArg() > 0 {
			fmt.Fprintf(stderr, "data check: unexpected argument %q\n", fset.Arg(0))
			return errSilent
		}
		var fsys fs.FS = data.Default()
		if *dir != "" {
			st, err := os.Stat(*dir)
			if err != nil {
				return fmt.Errorf("data check: %w", err)
			}
			if !st.IsDir() {
				return fmt.Errorf("data check: %s is not a folder", *dir)
			}
			fsys = os.DirFS(*dir)
		}
		ok, err := check.Run(fsys, stdout)
		if err != nil {
			return fmt.Errorf("data check: %w", err)
		}
		if !ok {
			return errSilent
		}
		return nil
	}
	fmt.Fprintf(stderr, "unknown data command %q (want build or check)\n", args[0])
	return errSilent
}

// flagError maps -h to success-less silence: the flag package has already
// printed usage or the parse error.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return errSilent
}
