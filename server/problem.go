package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"beibeimap/geo"
)

// Problem is an RFC 9457 problem details object. Param, when set, names the
// offending query parameter or field (an extension member).
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Param    string `json:"param,omitempty"`
}

// statusError is an error that carries its own HTTP status, for failures
// that geo does not classify (unsupported media type, method not allowed).
type statusError struct {
	status int
	param  string
	detail string
}

func (e *statusError) Error() string { return fmt.Sprintf("server: %d: %s", e.status, e.detail) }

// errStatus returns an error that the error handler renders with status.
func errStatus(status int, param, format string, args ...any) error {
	return &statusError{status: status, param: param, detail: fmt.Sprintf(format, args...)}
}

// classes maps geo's failure classes to statuses, most specific first (an
// InputError of kind ErrTooLarge also wraps nothing else).
var classes = []struct {
	err    error
	status int
}{
	{geo.ErrTooLarge, http.StatusRequestEntityTooLarge},
	{geo.ErrNotFound, http.StatusNotFound},
	{geo.ErrUnavailable, http.StatusServiceUnavailable},
	{geo.ErrInvalid, http.StatusBadRequest},
}

// problemFor classifies err into a Problem: an error with its own status
// (statusError, echo's HTTPError) keeps it; otherwise geo's failure class
// decides, and an *geo.InputError gives the parameter and a detail safe to
// show. The second result reports whether the error is internal (and so
// must be logged, not shown).
func problemFor(err error) (Problem, bool) {
	var se *statusError
	var he *echo.HTTPError
	p := Problem{Type: "about:blank"}
	switch {
	case errors.As(err, &se):
		p.Status, p.Param, p.Detail = se.status, se.param, se.detail
	case errors.As(err, &he):
		p.Status = he.Code
		if m, ok := he.Message.(string); ok {
			p.Detail = m
		}
	default:
		for _, c := range classes {
			if errors.Is(err, c.err) {
				p.Status = c.status
				break
			}
		}
		if p.Status == 0 {
			p.Status = http.StatusInternalServerError
			p.Detail = "internal error; it has been logged"
			p.Title = http.StatusText(p.Status)
			return p, true
		}
		p.Detail = err.Error()
		if ie := (*geo.InputError)(nil); errors.As(err, &ie) {
			p.Param, p.Detail = ie.Param, ie.Detail
		}
	}
	p.Title = http.StatusText(p.Status)
	return p, false
}

// handleError is the echo error handler: every error a handler or
// middleware returns becomes a problem+json response.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p, internal := problemFor(err)
	if internal {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	p.Instance = c.Request().URL.RequestURI()
	p.Instance, p.Detail, p.Param = clip(p.Instance, maxEcho), clip(p.Detail, maxEcho), clip(p.Param, maxEchoParam)
	b, _ := json.Marshal(p)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/problem+json")
	h.Del("ETag")
	h.Del("Content-Crs")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method != http.MethodHead {
		c.Response().Write(b)
	}
}

// maxEcho and maxEchoParam bound, in bytes, what a problem repeats of the
// request (its URI, a detail quoting a value, a parameter name), so that a
// 1 MiB address does not come back as a 1 MiB error.
const (
	maxEcho      = 512
	maxEchoParam = 128
)

// clip returns s cut to at most n bytes on a character boundary, with "…"
// appended when it was cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
