package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// serving is a `beibeimap serve` started by a test, with its log lines.
type serving struct {
	base  string
	lines chan string
}

// startServe runs the serve command in this process on port 0 and returns
// once it listens; the test's end cancels it and checks it returned nil.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, io.Discard, pw)
		pw.Close()
	}()
	s := &serving{lines: make(chan string, 1<<16)}
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatalf("serve printed nothing: %v", <-done)
	}
	_, rest, ok := strings.Cut(sc.Text(), "listening on ")
	if !ok {
		t.Fatalf("unexpected first line %q", sc.Text())
	}
	s.base = strings.Fields(rest)[0]
	go func() {
		for sc.Scan() {
			select {
			case s.lines <- sc.Text():
			default: // a test that does not read its log must not block the server
			}
		}
		close(s.lines)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	})
	return s
}

// waitLog reads log lines until one contains want, failing after 30 s.
func (s *serving) waitLog(t *testing.T, want string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("log ended before a line with %q", want)
			}
			if strings.Contains(l, want) {
				return l
			}
		case <-timeout:
			t.Fatalf("no log line with %q within 30 s", want)
		}
	}
}

// getJSON fetches base+path and decodes a 200 JSON answer into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

type ready struct {
	Version     string
	Collections map[string]int
	LastLoad    struct {
		Error    string
		Failures int
	}
}

// withFeature returns the layer b with one more feature, whose geometry is
// the GeoJSON text g and whose properties are those of b's first feature
// (so that it follows the layer's schema) named id.
func withFeature(t *testing.T, b []byte, id, g string) []byte {
	t.Helper()
	var fc map[string]any
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	var geom any
	if err := json.Unmarshal([]byte(g), &geom); err != nil {
		t.Fatal(err)
	}
	feats := fc["features"].([]any)
	props := map[string]any{}
	if len(feats) > 0 {
		for k, v := range feats[0].(map[string]any)["properties"].(map[string]any) {
			props[k] = v
		}
	}
	props["name"] = id
	fc["features"] = append(feats, map[string]any{"type": "Feature", "id": id, "properties": props, "geometry": geom})
	out, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReloadUnderLoad serves a copy of the default layers under steady
// load, rewrites projects.geojson with each kind of bad file and sends
// SIGHUP after each: every reload must be refused (logged, in /readyz, in
// /metrics) with no failed request and the bad feature never served; then
// a good file is published and its new feature served.
func TestReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../data/layers")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "projects.geojson")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--data", dir, "--log-requests=false")
	var before ready
	getJSON(t, s.base+"/readyz", &before)

	bad := []struct {
		name, id string
		body     []byte
	}{
		{"unparsable", "", []byte(`{"type":"FeatureCollection","features":[{`)},
		{"half-written", "", orig[:len(orig)/2]},
		{"empty", "", nil},
		{"3-position unclosed ring", "bad-ring3", withFeature(t, orig, "bad-ring3", `{"type":"Polygon","coordinates":[[[106.4,29.8],[106.5,29.8],[106.5,29.9]]]}`)},
		{"empty ring", "bad-ring0", withFeature(t, orig, "bad-ring0", `{"type":"Polygon","coordinates":[[]]}`)},
		{"1-position ring", "bad-ring1", withFeature(t, orig, "bad-ring1", `{"type":"MultiPolygon","coordinates":[[[[106.4,29.8]]]]}`)},
		{"Point []", "bad-point", withFeature(t, orig, "bad-point", `{"type":"Point","coordinates":[]}`)},
		{"bow tie", "bad-bowtie", withFeature(t, orig, "bad-bowtie", `{"type":"Polygon","coordinates":[[[106.4,29.8],[106.5,29.9],[106.5,29.8],[106.4,29.9],[106.4,29.8]]]}`)},
	}
	badIDs := []string{}
	for _, b := range bad {
		if b.id != "" {
			badIDs = append(badIDs, b.id)
		}
	}

	// The load: lookups, items, tiles and the bad features' URLs, on
	// keep-alive connections, until stop.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var requests, failures, badServed atomic.Int64
	var firstFailure atomic.Value
	targets := []string{"/lookup?lon=106.43&lat=29.83", "/collections/projects/items?limit=100", "/tiles/12/3258/1692.mvt", "/collections/townships/items?limit=5&f=html"}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var path string
				want := 200
				if i%5 == 4 {
					path, want = "/collections/projects/items/"+badIDs[i%len(badIDs)], 404
				} else {
					path = targets[i%len(targets)]
				}
				res, err := http.Get(s.base + path)
				requests.Add(1)
				if err != nil {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if want == 404 && res.StatusCode == 200 {
					badServed.Add(1)
				} else if res.StatusCode != want {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s: %d", path, res.StatusCode))
				}
			}
		}(w)
	}

	for i, b := range bad {
		if err := os.WriteFile(file, b.body, 0o644); err != nil {
			t.Fatal(err)
		}
		syscall.Kill(os.Getpid(), syscall.SIGHUP)
		line := s.waitLog(t, "reload")
		if !strings.Contains(line, "reload failed") || !strings.Contains(line, "projects") {
			t.Errorf("%s: log line %q, want a refused reload naming projects", b.name, line)
		}
		var r ready
		getJSON(t, s.base+"/readyz", &r)
		if r.Version != before.Version || r.LastLoad.Failures != i+1 || !strings.Contains(r.LastLoad.Error, "projects") {
			t.Errorf("%s: /readyz %+v, want version %s still served and failure %d named", b.name, r, before.Version, i+1)
		}
	}

	good := withFeature(t, orig, "good-1", `{"type":"Point","coordinates":[106.44,29.84]}`)
	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	if line := s.waitLog(t, "reload"); !strings.Contains(line, "reloaded") {
		t.Fatalf("good file: log line %q", line)
	}
	close(stop)
	wg.Wait()

	var after ready
	getJSON(t, s.base+"/readyz", &after)
	if after.Version == before.Version || after.Collections["projects"] != before.Collections["projects"]+1 || after.LastLoad.Error != "" {
		t.Errorf("after the good file: /readyz %+v (before %+v)", after, before)
	}
	var f map[string]any
	getJSON(t, s.base+"/collections/projects/items/good-1", &f)
	res, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if want := fmt.Sprintf(`beibeimap_reloads_total{result="failed"} %d`, len(bad)); !bytes.Contains(m, []byte(want)) {
		t.Errorf("/metrics lacks %s", want)
	}
	t.Logf("%d requests during %d refused reloads and one good one", requests.Load(), len(bad))
	if failures.Load() != 0 || badServed.Load() != 0 {
		t.Errorf("%d failed requests (first: %v), bad features served %d times", failures.Load(), firstFailure.Load(), badServed.Load())
	}
	if requests.Load() < 100 {
		t.Errorf("only %d requests: the load proves little", requests.Load())
	}
}

// buildBinary builds the command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "beibeimap")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSIGTERMUnderLoad runs the binary, holds batch lookups in flight (the
// server is reading their bodies), opens a slow client that never finishes
// its headers, then sends SIGTERM: the held batches must be answered in
// full, and the process must exit 0 with a log line within the grace,
// although the slow client outlives it.
func TestSIGTERMUnderLoad(t *testing.T) {
	bin := buildBinary(t)
	const grace = 3 * time.Second
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--shutdown-grace", grace.String(), "--max-expensive", "8", "--log-requests=false")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stderr)
	if !sc.Scan() {
		t.Fatal("no output")
	}
	_, rest, _ := strings.Cut(sc.Text(), "listening on ")
	base := strings.Fields(rest)[0]
	var logMu sync.Mutex
	var log strings.Builder
	logDone := make(chan struct{})
	go func() {
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
		}
		close(logDone)
	}()

	// A slow client: half a request header, never finished.
	slow, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprint(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\n")

	// Held batches: 1,000 points each, the body sent in two halves.
	var pts []string
	for i := 0; i < 1000; i++ {
		pts = append(pts, fmt.Sprintf("[%.4f,%.4f]", 106.3+float64(i%100)*0.004, 29.7+float64(i/100)*0.03))
	}
	body := []byte("[" + strings.Join(pts, ",") + "]")
	const held = 6
	type result struct {
		code, n int
		err     error
	}
	results := make(chan result, held)
	writers := make([]*io.PipeWriter, held)
	for i := range writers {
		pr, pw := io.Pipe()
		writers[i] = pw
		go func() {
			req, _ := http.NewRequest(http.MethodPost, base+"/lookup", pr)
			req.Header.Set("Content-Type", "application/json")
			req.ContentLength = int64(len(body))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				results <- result{err: err}
				return
			}
			defer res.Body.Close()
			var answers []json.RawMessage
			err = json.NewDecoder(res.Body).Decode(&answers)
			results <- result{code: res.StatusCode, n: len(answers), err: err}
		}()
		pw.Write(body[:len(body)/2])
	}
	// Wait until the server counts every held batch in flight.
	inFlight := regexp.MustCompile(`(?m)^beibeimap_http_requests_in_flight (\d+)`)
	for deadline := time.Now().Add(20 * time.Second); ; {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if g := inFlight.FindSubmatch(m); g != nil && string(g[1]) == fmt.Sprint(held+1) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the held batches never showed in flight:\n%s", inFlight.Find(m))
		}
		time.Sleep(20 * time.Millisecond) // polling an observable condition, not synchronising on time
	}

	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Let the held requests finish after the signal.
	for _, pw := range writers {
		pw.Write(body[len(body)/2:])
		pw.Close()
	}
	for i := 0; i < held; i++ {
		r := <-results
		if r.err != nil || r.code != 200 || r.n != 1000 {
			t.Errorf("held batch cut off: status %d, %d answers, err %v", r.code, r.n, r.err)
		}
	}
	err = cmd.Wait()
	took := time.Since(sent)
	<-logDone
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Errorf("exit: %v, want 0; log:\n%s", err, log.String())
	}
	if took > grace+2*time.Second {
		t.Errorf("exited %v after SIGTERM; grace %v", took, grace)
	}
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(log.String(), "shutting down") || !strings.Contains(log.String(), "shutdown grace expired") {
		t.Errorf("log lacks the shutdown lines:\n%s", log.String())
	}
}

// TestWatchRefusesInvalidGeometry: --watch goes through the same
// validation as SIGHUP: a ring of 3 positions is refused, and the folder
// made good again is published.
func TestWatchRefusesInvalidGeometry(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "zones.geojson")
	if err := os.WriteFile(file, []byte(layerA), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--data", dir, "--watch", "20ms", "--log-requests=false", "--log-format", "json")
	bad := strings.Replace(layerA, `[[0,0],[1,0],[1,1],[0,1],[0,0]]`, `[[0,0],[1,0],[1,1]]`, 1)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	line := s.waitLog(t, "reload")
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("--log-format json wrote %q: %v", line, err)
	}
	if rec["level"] != "ERROR" || rec["why"] != "files changed" || !strings.Contains(fmt.Sprint(rec["err"]), "ring 1 has 3 positions") {
		t.Errorf("log record %v, want a refused reload saying why", rec)
	}
	good := strings.Replace(layerA, `"name":"x"`, `"name":"y"`, 1)
	if err := os.WriteFile(file, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if line := s.waitLog(t, "reload"); !strings.Contains(line, `"msg":"reloaded"`) {
		t.Errorf("good file: %s", line)
	}
	var f struct{ Properties map[string]any }
	getJSON(t, s.base+"/collections/zones/items/x", &f)
	if f.Properties["name"] != "y" {
		t.Errorf("after the good file the feature is %v", f.Properties)
	}
}

func TestParseServeProductionFlags(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := parseServe(nil, none, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CORS != "" || len(cfg.TrustedProxies) != 0 || cfg.BaseURL != "" || cfg.LogFormat != "text" || cfg.ShutdownGrace != 10*time.Second {
		t.Errorf("defaults %+v: CORS off, no trusted proxy, no base URL, text logs, 10 s grace", cfg)
	}
	cfg, err = parseServe([]string{"--trusted-proxies", "10.0.0.0/8, 192.168.1.7,::1", "--base-url", "https://maps.example.org/beibei/", "--log-format", "json", "--shutdown-grace", "3s"}, none, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cfg.TrustedProxies) != "[10.0.0.0/8 192.168.1.7/32 ::1/128]" || cfg.BaseURL != "https://maps.example.org/beibei" || cfg.LogFormat != "json" || cfg.ShutdownGrace != 3*time.Second {
		t.Errorf("parsed %+v", cfg)
	}
	env := map[string]string{"BEIBEIMAP_TRUSTED_PROXIES": "172.16.0.0/12"}
	if cfg, err := parseServe(nil, func(k string) string { return env[k] }, io.Discard); err != nil || fmt.Sprint(cfg.TrustedProxies) != "[172.16.0.0/12]" {
		t.Errorf("BEIBEIMAP_TRUSTED_PROXIES: %v %v", cfg.TrustedProxies, err)
	}
	for _, args := range [][]string{
		{"--trusted-proxies", "10.0.0.0/33"},
		{"--trusted-proxies", "example.org"},
		{"--base-url", "maps.example.org"},
		{"--base-url", "https://u:p@maps.example.org"},
		{"--log-format", "xml"},
		{"--shutdown-grace", "-1s"},
		{"--max-conns", "0"},
		{"--max-expensive", "0"},
	} {
		if _, err := parseServe(args, none, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestServeRequestLog: serve logs one line per request, batched but soon
// (well within the 30 s waitLog allows), with route and status, and never
// the query.
func TestServeRequestLog(t *testing.T) {
	s := startServe(t)
	res, err := http.Get(s.base + "/collections/districts/items?limit=1&bbox=106.3,29.7,106.5,29.9")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	l := s.waitLog(t, "msg=request")
	for _, want := range []string{"route=/collections/:collection/items", "status=200", "path=/collections/districts/items"} {
		if !strings.Contains(l, want) {
			t.Errorf("request line %q lacks %q", l, want)
		}
	}
	if strings.Contains(l, "106.3") {
		t.Errorf("request line %q logs the query", l)
	}
}
