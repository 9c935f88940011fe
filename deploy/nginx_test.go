// Package deploy holds the example deployment files (nginx.conf) and the
// tests that run them with the real programs: Debian's nginx in front of
// replicas of the beibeimap binary.
package deploy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// host is the Host header every request carries, as a browser's would
// through the proxy: replicas write their links from it.
const host = "map.example.org"

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// need returns the path of program, skipping the test when it is missing
// unless BEIBEIMAP_REQUIRE_CLIENTS=1 (CI installs it with .ci/deps).
func need(t *testing.T, program string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath(program); err == nil {
		return p
	}
	if os.Getenv("BEIBEIMAP_REQUIRE_CLIENTS") == "1" {
		t.Fatalf("%s is not installed (.ci/deps installs it)", program)
	}
	t.Skipf("%s is not installed", program)
	return ""
}

// buildBinary builds cmd/beibeimap into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "beibeimap")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/beibeimap")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// replica is one beibeimap process on a fixed address.
type replica struct {
	t    *testing.T
	bin  string
	addr string
	args []string
	cmd  *exec.Cmd
	log  bytes.Buffer
}

// start starts the process and waits until /healthz answers 200.
func (r *replica) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, append([]string{"serve", "--addr", r.addr}, r.args...)...)
	r.cmd.Stderr = &r.log
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get("http://" + r.addr + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Since(start) > 30*time.Second {
			r.t.Fatalf("replica %s not healthy in 30 s\n%s", r.addr, r.log.String())
		}
	}
}

// stop sends SIGTERM, as systemd or Kubernetes do, and waits for the exit.
func (r *replica) stop() {
	r.t.Helper()
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	if err := r.cmd.Wait(); err != nil {
		r.t.Errorf("replica %s: %v\n%s", r.addr, err, r.log.String())
	}
	r.cmd = nil
}

// nginx runs deploy/nginx.conf with the replicas' addresses, a listen
// address and folders of the test's own.
type nginx struct {
	addr    string
	pmtiles string // the folder served at /pmtiles/
	cmd     *exec.Cmd
	log     bytes.Buffer
}

// startNginx starts nginx in the foreground and stops it when the test
// ends. Every replacement in nginx.conf must apply, so that the test
// fails when the file stops matching it.
func startNginx(t *testing.T, upstreams ...string) *nginx {
	t.Helper()
	bin := need(t, "nginx", "/usr/sbin/nginx")
	conf, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "beibeimap-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755) // nginx's workers may run as another user
	n := &nginx{addr: freeAddr(t), pmtiles: filepath.Join(dir, "pmtiles")}
	if err := os.Mkdir(n.pmtiles, 0o755); err != nil {
		t.Fatal(err)
	}
	site := string(conf)
	for _, r := range [][2]string{
		{"server 127.0.0.1:8081 max", "server " + upstreams[0] + " max"},
		{"server 127.0.0.1:8082 max", "server " + upstreams[1] + " max"},
		{"server 127.0.0.1:8081 backup", "server " + upstreams[0] + " backup"},
		{"server 127.0.0.1:8082 backup", "server " + upstreams[1] + " backup"},
		{"listen 80;", "listen " + n.addr + ";"},
		{"listen [::]:80;", ""},
		{"/var/cache/nginx/beibeimap", filepath.Join(dir, "cache")},
		{"/srv/beibeimap/pmtiles/", n.pmtiles + "/"},
	} {
		if !strings.Contains(site, r[0]) {
			t.Fatalf("deploy/nginx.conf no longer contains %q", r[0])
		}
		site = strings.Replace(site, r[0], r[1], 1)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the temporary folders are root's
	}
	main := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    include %[2]s/site.conf;
}
`, user, dir)
	os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o644)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644)
	n.cmd = exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", "stderr")
	n.cmd.Stderr = &n.log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.cmd.Process.Signal(syscall.SIGQUIT)
		n.cmd.Wait()
	})
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", n.addr); err == nil {
			c.Close()
			return n
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("nginx did not listen on %s in 10 s\n%s", n.addr, n.log.String())
		}
	}
}

// response is what the checks look at.
type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

// timeStamp is the one member of an answer that depends on when it was
// made (OGC API – Features).
var timeStamp = regexp.MustCompile(`"timeStamp":"[^"]*"`)

// Paths compared across replicas and cached by nginx: a township, the
// townships' items and a tile over Beibei.
var cachedPaths = []string{
	"/collections/townships/items/500109002",
	"/collections/townships/items?limit=5",
	"/tiles/10/814/423.mvt",
}

// TestReplicasBehindNginx: two replicas of the same data give the same
// answers and ETags; nginx with deploy/nginx.conf caches tiles and items
// and revalidates them; restarting one replica, then the other, under
// load fails no request through nginx.
func TestReplicasBehindNginx(t *testing.T) {
	need(t, "nginx", "/usr/sbin/nginx")
	bin := buildBinary(t)
	// As nginx.conf's header says: the replicas trust the proxy's headers.
	args := []string{"--trusted-proxies", "127.0.0.1/32", "--log-requests=false"}
	reps := []*replica{{t: t, bin: bin, addr: freeAddr(t), args: args}, {t: t, bin: bin, addr: freeAddr(t), args: args}}
	for _, r := range reps {
		r.start()
		defer r.stop()
	}
	for _, p := range cachedPaths {
		a, b := get(t, "http://"+reps[0].addr+p), get(t, "http://"+reps[1].addr+p)
		if a.status != http.StatusOK || b.status != http.StatusOK {
			t.Fatalf("%s: status %d and %d", p, a.status, b.status)
		}
		if tag := a.header.Get("ETag"); tag == "" || tag != b.header.Get("ETag") {
			t.Errorf("%s: ETag %q from one replica, %q from the other", p, tag, b.header.Get("ETag"))
		}
		if !bytes.Equal(timeStamp.ReplaceAll(a.body, nil), timeStamp.ReplaceAll(b.body, nil)) {
			t.Errorf("%s: the replicas' bodies differ", p)
		}
	}

	ng := startNginx(t, reps[0].addr, reps[1].addr)
	base := "http://" + ng.addr
	for _, p := range cachedPaths {
		direct := get(t, "http://"+reps[0].addr+p)
		first, second := get(t, base+p), get(t, base+p)
		if first.status != http.StatusOK || second.status != http.StatusOK {
			t.Fatalf("%s through nginx: %d, %d\n%s", p, first.status, second.status, ng.log.String())
		}
		if got := second.header.Get("X-Cache-Status"); got != "HIT" {
			t.Errorf("%s: second request X-Cache-Status %q, want HIT (first: %q)", p, got, first.header.Get("X-Cache-Status"))
		}
		if second.header.Get("ETag") != direct.header.Get("ETag") {
			t.Errorf("%s: ETag through nginx %q, from the replica %q", p, second.header.Get("ETag"), direct.header.Get("ETag"))
		}
		if nm := get(t, base+p, "If-None-Match", direct.header.Get("ETag")); nm.status != http.StatusNotModified {
			t.Errorf("%s: If-None-Match through nginx: %d, want 304", p, nm.status)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if h := get(t, base+p); h.status != http.StatusOK {
			t.Errorf("%s through nginx: %d", p, h.status)
		}
	}

	// Rolling restart under load: lookups (never cached) and items.
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				p := fmt.Sprintf("/lookup?lon=%.4f&lat=%.4f", 106.3+float64((i*7919+n)%400)/1000, 29.7+float64((i*104729+n)%300)/1000)
				if n%3 == 0 {
					p = cachedPaths[n%len(cachedPaths)]
				}
				req, _ := http.NewRequest(http.MethodGet, base+p, nil)
				req.Host = host
				res, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				if err != nil || res.StatusCode != http.StatusOK {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprint(p, " ", err, " ", res))
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	count := func() int64 { return ok.Load() + failed.Load() }
	waitFor := func(n int64) {
		for start := count(); count() < start+n; time.Sleep(5 * time.Millisecond) {
		}
	}
	waitFor(200)
	for _, r := range reps {
		r.stop()
		waitFor(200) // served by the other replica alone
		r.start()
		waitFor(200)
	}
	close(stop)
	wg.Wait()
	t.Logf("rolling restart through nginx: %d requests answered, %d failed", ok.Load(), failed.Load())
	if failed.Load() > 0 {
		t.Errorf("%d requests failed (first: %v)\nnginx:\n%s", failed.Load(), firstErr.Load(), ng.log.String())
	}
}
