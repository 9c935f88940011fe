// Package clienttest runs the outside programs that tests check the
// service against (GDAL's ogrinfo, QGIS's Python, Node's validators). A
// missing program skips the test, or fails it when BEIBEIMAP_REQUIRE_CLIENTS
// is 1, as `make test` and CI set it: a check against a real client can
// never pass by its absence there. Only tests import it.
package clienttest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Require returns the path of the program name (looked up in PATH, or a
// path as given), or ends the test: a failure under
// BEIBEIMAP_REQUIRE_CLIENTS=1, a skip otherwise.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
		t.Fatalf("%s is required (BEIBEIMAP_REQUIRE_CLIENTS=1) but missing: %v", name, err)
	}
	t.Skipf("%s not installed (.ci/deps installs it); set BEIBEIMAP_REQUIRE_CLIENTS=1 to make this a failure", name)
	return ""
}

// Run runs the program name (see Require) with args and returns its
// standard output. An error exit or anything on standard error — GDAL's
// "Warning 1: …" included — fails the test: real clients' warnings are
// failures.
func Run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(Require(t, name), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\nstderr: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}
