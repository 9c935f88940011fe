package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
func runData(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: beibeimap data build [--src DIR] [--out DIR] | beibeimap data check [--data DIR] | beibeimap data push --to postgres://… [--data DIR]")
		return errSilent
	}
	fset := flag.NewFlagSet("data "+args[0], flag.ContinueOnError)
	fset.SetOutput(stderr)
	switch args[0] {
	case "build":
		src := fset.String("src", defaultSrcDir, "folder of the source files")
		out := fset.String("out", defaultOutDir, "folder the layers are written to")
		if done, err := parseNoArgs(fset, args[1:], getenv, stderr); done {
			return err
		}
		return buildData(*src, *out, stderr)
	case "check":
		dir := fset.String("data", "", "folder of COLLECTION.geojson layers, or a .gpkg GeoPackage (default: the embedded layers)")
		if done, err := parseNoArgs(fset, args[1:], getenv, stderr); done {
			return err
		}
		if *dir != "" {
			st, err := os.Stat(*dir)
			if err != nil {
				return fmt.Errorf("data check: %w", err)
			}
			if !st.IsDir() && !data.IsGeoPackage(*dir) {
				return fmt.Errorf("data check: %s is neither a folder nor a .gpkg GeoPackage", *dir)
			}
		}
		ok, err := check.Run(layers(*dir), stdout)
		if err != nil {
			return fmt.Errorf("data check: %w", err)
		}
		if !ok {
			return errSilent
		}
		return nil
	case "push":
		return runDataPush(context.Background(), fset, args[1:], getenv, stdout, stderr)
	}
	fmt.Fprintf(stderr, "unknown data command %q (want build, check or push)\n", args[0])
	return errSilent
}

// parseNoArgs parses the flags of fset from args, then the BEIBEIMAP_*
// environment for the flags not given (envDefaults), and refuses
// positional arguments. done reports that the command must stop with err:
// nil after -h (the flag package printed usage), errSilent after a bad flag
// or an argument (the message is printed).
func parseNoArgs(fset *flag.FlagSet, args []string, getenv func(string) string, stderr io.Writer) (done bool, err error) {
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, errSilent
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fset.Name(), fset.Arg(0))
		return true, errSilent
	}
	if err := envDefaults(fset, getenv); err != nil {
		return true, fmt.Errorf("%s: %w", fset.Name(), err)
	}
	return false, nil
}
