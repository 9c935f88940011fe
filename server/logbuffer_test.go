package server_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"beibeimap/server"
)

// syncBuffer records each Write it gets.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	fail   bool
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return 0, errors.New("disk full")
	}
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) snapshot() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

// TestLogBuffer: 8 writers × 2,000 lines arrive whole, each line intact,
// each writer's in the order written, in far fewer writes than lines; a
// line waits at most the interval; Close writes the rest; an error of the
// writer is reported.
func TestLogBuffer(t *testing.T) {
	out := &syncBuffer{}
	lb := server.NewLogBuffer(out, time.Hour)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				fmt.Fprintf(lb, "level=INFO msg=request writer=%d line=%d path=/collections/townships/items\n", g, i)
			}
		}()
	}
	wg.Wait()
	if err := lb.Close(); err != nil {
		t.Fatal(err)
	}
	text, writes := out.snapshot()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 16000 {
		t.Fatalf("%d lines, want 16000", len(lines))
	}
	// Each writer's lines in the order written: a repeated line is one
	// out of order too.
	next := make([]int, 8)
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "level=INFO msg=request writer=%d line=%d path=/collections/townships/items", &g, &i); err != nil {
			t.Fatalf("line %q broken", l)
		}
		if g < 0 || g >= len(next) {
			t.Fatalf("line %q from no writer", l)
		}
		if i != next[g] {
			t.Fatalf("line %q repeated or out of order: writer %d's line %d was due", l, g, next[g])
		}
		next[g]++
	}
	if writes > 16000/100 {
		t.Errorf("%d writes for 16,000 lines", writes)
	}
	fmt.Fprintln(lb, "after close")
	if text, _ := out.snapshot(); !strings.HasSuffix(text, "after close\n") {
		t.Error("a write after Close was kept")
	}

	t.Run("interval", func(t *testing.T) {
		out := &syncBuffer{}
		lb := server.NewLogBuffer(out, 20*time.Millisecond)
		defer lb.Close()
		fmt.Fprintln(lb, "one line")
		deadline := time.Now().Add(5 * time.Second)
		for {
			if text, _ := out.snapshot(); text == "one line\n" {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the line was not written within 5 s of a 20 ms interval")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	t.Run("error", func(t *testing.T) {
		out := &syncBuffer{fail: true}
		lb := server.NewLogBuffer(out, time.Hour)
		fmt.Fprintln(lb, "lost")
		if err := lb.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Close: %v, want the writer's error", err)
		}
	})
}
