package server

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RequestLog writes the request log: one line per answered request, the
// line log/slog's TextHandler (or, json, its JSONHandler) with default
// options writes for the record "request" at level INFO with the
// attributes method, route, path, status, duration, bytes and remote.
// Lines whose strings are all plain (see plainLogValue) are formatted
// directly, which costs a fifth of going through slog on every request;
// any other line goes through the slog handler itself. TestRequestLog
// holds both to slog's output. Each line is one Write. It is safe for
// concurrent use if w is.
type RequestLog struct {
	w    io.Writer
	json bool
	slow slog.Handler
	bufs sync.Pool // *[]byte
}

// NewRequestLog returns a RequestLog writing to w, in slog's JSON format
// when json is true and its text format otherwise.
func NewRequestLog(w io.Writer, json bool) *RequestLog {
	l := &RequestLog{w: w, json: json}
	if json {
		l.slow = slog.NewJSONHandler(w, nil)
	} else {
		l.slow = slog.NewTextHandler(w, nil)
	}
	l.bufs.New = func() any { b := make([]byte, 0, 256); return &b }
	return l
}

// requestLine is what the request log says of one answer.
type requestLine struct {
	at                  time.Time
	method, route, path string
	status              int
	took                time.Duration
	bytes               int64
	remote              string
}

// write writes ln as one line.
func (l *RequestLog) write(ln requestLine) {
	at := ln.at.Round(0) // as slog does: no monotonic reading
	if y := at.Year(); y < 0 || y > 9999 || !plainLogValue(ln.method) || !plainLogValue(ln.route) ||
		!plainLogValue(ln.path) || !plainLogValue(ln.remote) {
		r := slog.NewRecord(ln.at, slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("method", ln.method), slog.String("route", ln.route), slog.String("path", ln.path),
			slog.Int("status", ln.status), slog.Duration("duration", ln.took), slog.Int64("bytes", ln.bytes),
			slog.String("remote", ln.remote))
		l.slow.Handle(context.Background(), r)
		return
	}
	bp := l.bufs.Get().(*[]byte)
	b := (*bp)[:0]
	if l.json {
		b = append(b, `{"time":"`...)
		b = at.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"INFO","msg":"request","method":"`...)
		b = append(b, ln.method...)
		b = append(b, `","route":"`...)
		b = append(b, ln.route...)
		b = append(b, `","path":"`...)
		b = append(b, ln.path...)
		b = append(b, `","status":`...)
		b = strconv.AppendInt(b, int64(ln.status), 10)
		b = append(b, `,"duration":`...)
		b = strconv.AppendInt(b, int64(ln.took), 10)
		b = append(b, `,"bytes":`...)
		b = strconv.AppendInt(b, ln.bytes, 10)
		b = append(b, `,"remote":"`...)
		b = append(b, ln.remote...)
		b = append(b, "\"}\n"...)
	} else {
		b = append(b, "time="...)
		b = appendRFC3339(b, at, true) // slog: milliseconds, truncated
		b = append(b, " level=INFO msg=request method="...)
		b = append(b, ln.method...)
		b = append(b, " route="...)
		b = append(b, ln.route...)
		b = append(b, " path="...)
		b = append(b, ln.path...)
		b = append(b, " status="...)
		b = strconv.AppendInt(b, int64(ln.status), 10)
		b = append(b, " duration="...)
		b = append(b, ln.took.String()...)
		b = append(b, " bytes="...)
		b = strconv.AppendInt(b, ln.bytes, 10)
		b = append(b, " remote="...)
		b = append(b, ln.remote...)
		b = append(b, '\n')
	}
	l.w.Write(b)
	if cap(b) <= 4<<10 {
		*bp = b
		l.bufs.Put(bp)
	}
}

// plainLogValue reports whether s is written the same, unquoted and
// unescaped, by slog's text and JSON handlers: not empty, and only ASCII
// letters, digits and the punctuation of paths and addresses, none of
// which either handler quotes or escapes.
func plainLogValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte("/._~:-%+[],*@!$()';", c) < 0 {
			return false
		}
	}
	return true
}
