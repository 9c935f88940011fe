package server

import (
	"io"
	"sync"
	"time"
)

// LogBuffer batches the lines of a busy log, such as the request log, into
// few writes: a Write is kept in memory and written out with the others
// once maxBuffered bytes wait, every interval, and on Flush or Close. Each
// Write's bytes stay together, so the lines of a handler that writes one
// record per Write (as log/slog's do) are never split or interleaved. A
// line waits at most interval (and is lost if the process dies before).
// It is safe for concurrent use.
type LogBuffer struct {
	w    io.Writer
	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	buf    []byte
	err    error // the first write error, returned by Flush and Close
	closed bool
}

// maxBuffered is how many bytes a LogBuffer holds before it writes them.
const maxBuffered = 32 << 10

// NewLogBuffer returns a LogBuffer writing to w at least every interval.
// Close it to write what is left and stop its timer.
func NewLogBuffer(w io.Writer, interval time.Duration) *LogBuffer {
	b := &LogBuffer{w: w, stop: make(chan struct{}), done: make(chan struct{}), buf: make([]byte, 0, maxBuffered)}
	go func() {
		defer close(b.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.Flush()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

// Write keeps p to be written with the next batch; after Close it writes p
// at once.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	if len(b.buf)+len(p) > maxBuffered {
		b.flushLocked()
	}
	if len(p) >= maxBuffered {
		if _, err := b.w.Write(p); err != nil && b.err == nil {
			b.err = err
		}
		return len(p), nil
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes what waits and returns the first write error so far.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *LogBuffer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil && b.err == nil {
		b.err = err
	}
	b.buf = b.buf[:0]
}

// Close writes what waits and stops the timer; later Writes go straight
// to the writer. It returns the first write error.
func (b *LogBuffer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return b.err
	}
	b.closed = true
	b.flushLocked()
	err := b.err
	b.mu.Unlock()
	close(b.stop)
	<-b.done
	return err
}
