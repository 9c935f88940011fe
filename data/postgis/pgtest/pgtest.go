// Package pgtest starts a throw-away PostgreSQL cluster with PostGIS for
// tests: Debian's postgresql and postgis packages, initdb and pg_ctl run
// in a temporary folder on a free loopback port, as the postgres user when
// the test runs as root (initdb refuses root). Nothing here is a mock.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running temporary cluster. Its methods are not safe for
// concurrent use.
type Cluster struct {
	t    testing.TB
	bin  string // folder of initdb, pg_ctl, postgres
	dir  string // data folder
	port int
	as   string // user the server runs as ("" for the current one)
}

// Start starts a cluster with the postgis extension available and stops
// and removes it when the test ends. It skips the test when PostgreSQL or
// PostGIS is not installed, unless BEIBEIMAP_REQUIRE_CLIENTS=1 (then it
// fails: CI installs them with .ci/deps).
func Start(t testing.TB) *Cluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(bins)
	missing := func(what string) {
		if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
			t.Fatalf("%s is not installed (.ci/deps installs it)", what)
		}
		t.Skipf("%s is not installed", what)
	}
	if len(bins) == 0 {
		missing("PostgreSQL (postgresql)")
	}
	c := &Cluster{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	share := filepath.Join("/usr/share/postgresql", filepath.Base(filepath.Dir(c.bin)), "extension", "postgis.control")
	if _, err := os.Stat(share); err != nil {
		missing("PostGIS (postgresql-" + filepath.Base(filepath.Dir(c.bin)) + "-postgis-3)")
	}
	// t.TempDir is private to root; the server's user must own its folder.
	dir, err := os.MkdirTemp("", "beibeimap-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c.dir = filepath.Join(dir, "data")
	if os.Geteuid() == 0 {
		c.as = "postgres"
		u, err := user.Lookup(c.as)
		if err != nil {
			t.Fatalf("running as root needs a postgres user to run the server: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(c.dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(c.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	c.run("initdb", "-D", c.dir, "-U", "beibeimap", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nfsync = off\nlog_min_messages = warning\n", c.port, c.dir)
	f, err := os.OpenFile(filepath.Join(c.dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(conf)
	f.Close()
	c.ctl("start")
	t.Cleanup(func() { c.ctl("stop", "-m", "immediate") })
	conn := c.Connect(context.Background())
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE EXTENSION postgis"); err != nil {
		t.Fatalf("create extension postgis: %v", err)
	}
	return c
}

// URL is the connection URL of the cluster's postgres database (trust
// authentication, loopback only).
func (c *Cluster) URL() string {
	return fmt.Sprintf("postgres://beibeimap@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// Connect opens a connection, failing the test on error.
func (c *Cluster) Connect(ctx context.Context) *pgx.Conn {
	c.t.Helper()
	conn, err := pgx.Connect(ctx, c.URL())
	if err != nil {
		c.t.Fatalf("connect %s: %v", c.URL(), err)
	}
	return conn
}

// Exec runs sql on a new connection, failing the test on error.
func (c *Cluster) Exec(sql string, args ...any) {
	c.t.Helper()
	ctx := context.Background()
	conn := c.Connect(ctx)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		c.t.Fatalf("%s: %v", sql, err)
	}
}

// Stop stops the server (fast shutdown: connections are cut).
func (c *Cluster) Stop() { c.ctl("stop", "-m", "fast") }

// Begin starts a stopped server again.
func (c *Cluster) Begin() { c.ctl("start") }

// Restart stops the server (fast shutdown) and starts it again.
func (c *Cluster) Restart() { c.ctl("restart", "-m", "fast") }

func (c *Cluster) ctl(args ...string) {
	c.t.Helper()
	c.run("pg_ctl", append([]string{"-D", c.dir, "-w", "-l", filepath.Join(c.dir, "server.log")}, args...)...)
}

func (c *Cluster) run(prog string, args ...string) {
	c.t.Helper()
	name, argv := filepath.Join(c.bin, prog), args
	if c.as != "" {
		name, argv = "runuser", append([]string{"-u", c.as, "--", filepath.Join(c.bin, prog)}, args...)
	}
	cmd := exec.Command(name, argv...)
	cmd.Dir = os.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
}
