package server_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"beibeimap/server"
)

// hostileRequest is one line of testdata/hostile/requests.jsonl (written
// by gen.py there).
type hostileRequest struct {
	Name    string     `json:"name"`
	Method  string     `json:"method"`
	Target  string     `json:"target"`
	Headers [][]string `json:"headers"`
	Body    *string    `json:"body"`
	Repeat  []any      `json:"body_repeat"`
	Want    string     `json:"want"` // "4xx": must be refused; "any": 2xx is correct too
}

func loadHostile(t *testing.T) []hostileRequest {
	t.Helper()
	b, err := os.ReadFile("testdata/hostile/requests.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var reqs []hostileRequest
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var r hostileRequest
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("requests.jsonl line %d: %v", i+1, err)
		}
		reqs = append(reqs, r)
	}
	return reqs
}

// body returns the request body, or nil for none.
func (r hostileRequest) body() []byte {
	switch {
	case r.Body != nil:
		return []byte(*r.Body)
	case len(r.Repeat) == 2:
		part := r.Repeat[0].(string)
		n := int(r.Repeat[1].(float64))
		b := []byte("[" + strings.Repeat(part, n))
		return append(b[:len(b)-1], ']')
	}
	return nil
}

// sendRaw writes r on a fresh connection to addr exactly as given (the
// target is not encoded or checked, so that invalid ones reach the server)
// and reads the answer.
func sendRaw(addr string, r hostileRequest) (*http.Response, []byte, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", r.Method, r.Target)
	hasHost, hasLength := false, false
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
		switch strings.ToLower(h[0]) {
		case "host":
			hasHost = true
		case "content-length", "transfer-encoding":
			hasLength = true
		}
	}
	if !hasHost {
		b.WriteString("Host: " + addr + "\r\n")
	}
	body := r.body()
	if body != nil && !hasLength {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("Connection: close\r\n\r\n")
	b.Write(body)
	// Write and read at once: the server may answer (413) before it has
	// read all of a large body.
	go conn.Write(b.Bytes())
	res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: strings.ToUpper(r.Method)})
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	rd := io.Reader(res.Body)
	if res.Header.Get("Content-Encoding") == "gzip" {
		if rd, err = gzip.NewReader(res.Body); err != nil {
			return nil, nil, fmt.Errorf("gzip answer: %w", err)
		}
	}
	got, err := io.ReadAll(rd)
	return res, got, err
}

// TestHostileCorpus replays every request of the corpus against the server
// on the real net/http stack: no answer is a 5xx; a refusal is an RFC 9457
// problem (or net/http's own 400 for a request it cannot parse); a request
// marked 4xx is refused; a 2xx answer is well formed; and the server keeps
// answering throughout.
func TestHostileCorpus(t *testing.T) {
	reqs := loadHostile(t)
	if len(reqs) < 300 {
		t.Fatalf("corpus holds %d requests, want at least 300", len(reqs))
	}
	srv := httptest.NewServer(server.New(server.Config{Store: defaultStore(t), Now: func() time.Time { return fixedNow }}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	statuses := map[int]int{}
	for i, r := range reqs {
		res, body, err := sendRaw(addr, r)
		if err != nil {
			t.Errorf("%s: no answer: %v", r.Name, err)
			continue
		}
		statuses[res.StatusCode]++
		if msg := judge(r, res, body); msg != "" {
			t.Errorf("%s (%s %.60q): %d %s: %s", r.Name, r.Method, r.Target, res.StatusCode, res.Header.Get("Content-Type"), msg)
		}
		if i%50 == 49 {
			if res, err := http.Get(srv.URL + "/healthz"); err != nil || res.StatusCode != 200 {
				t.Fatalf("after %d hostile requests the server no longer answers: %v", i+1, err)
			} else {
				res.Body.Close()
			}
		}
	}
	res, err := http.Get(srv.URL + "/lookup?lon=106.43&lat=29.83")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("after the corpus a good lookup fails: %v", err)
	}
	res.Body.Close()
	var codes []string
	for c, n := range statuses {
		codes = append(codes, fmt.Sprintf("%d×%d", c, n))
	}
	sort.Strings(codes)
	t.Logf("%d hostile requests: %s", len(reqs), strings.Join(codes, " "))
}

// judge returns what is wrong with the answer res (body read) to r, or "".
func judge(r hostileRequest, res *http.Response, body []byte) string {
	code, ct := res.StatusCode, res.Header.Get("Content-Type")
	switch {
	case code == http.StatusNotImplemented && string(body) == "Unsupported transfer encoding":
		// net/http itself, before any handler, for Transfer-Encoding
		// other than chunked: nothing a handler can change.
	case code >= 500:
		return "a server error"
	case bytes.Contains(body, []byte("root:x:0:0")) || bytes.Contains(body, []byte("module beibeimap")):
		return "a file outside the served folder"
	case code >= 400 && ct == "application/problem+json":
		var p struct{ Status int }
		if strings.ToUpper(r.Method) == http.MethodHead {
			return ""
		}
		if err := json.Unmarshal(body, &p); err != nil || p.Status != code {
			return fmt.Sprintf("problem body %.80q does not parse or says another status", body)
		}
		if len(body) > 4096 {
			return fmt.Sprintf("problem body of %d bytes", len(body))
		}
	case code >= 400:
		// net/http answers requests it cannot parse itself, before any
		// handler: plain text, connection closed.
		if !strings.HasPrefix(ct, "text/plain") || !bytes.HasPrefix(body, []byte(fmt.Sprint(code))) {
			return fmt.Sprintf("refused without a problem body: %.80q", body)
		}
	case r.Want == "4xx":
		return "accepted, but the request is invalid"
	case r.Want == "rowerror":
		// A CSV batch answers a bad row in that row: some row's status
		// column must say it was not looked up.
		if !strings.HasPrefix(ct, "text/csv") {
			return "a row-by-row batch answered " + ct
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(recs) < 2 {
			return fmt.Sprintf("a CSV answer that does not parse: %v", err)
		}
		col := slices.Index(recs[0], "status")
		bad := false
		for _, rec := range recs[1:] {
			bad = bad || (col >= 0 && col < len(rec) && rec[col] != "ok")
		}
		if !bad {
			return "a bad row answered as ok"
		}
	case code == http.StatusNotModified || code == http.StatusNoContent || code == http.StatusMovedPermanently:
	case code >= 200 && code < 300:
		if strings.ToUpper(r.Method) == http.MethodHead || strings.ToUpper(r.Method) == http.MethodOptions || len(body) == 0 && code == http.StatusPartialContent {
			return ""
		}
		if strings.Contains(ct, "json") && !json.Valid(body) {
			return "a JSON answer that does not parse"
		}
		if strings.HasPrefix(ct, "text/html") && !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors") {
			return "an HTML answer without a frame-ancestors policy"
		}
	default:
		return "an unexpected status"
	}
	return ""
}
