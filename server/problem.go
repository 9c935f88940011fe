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

// Problem is an RFC 9457 problem details object. Code is the member the
// OGC API – Features exception schema requires (an OGC exception code, see
// problemCodes); Param, when set, names the offending query parameter or
// field. Both are extension members.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Code     string `json:"code"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Param    string `json:"param,omitempty"`
}

// problemCodes maps a status to the exception code of the body, after the
// OGC Web Service exception codes (OGC 06-121r9, table 27) where one fits.
var problemCodes = map[int]string{
	http.StatusBadRequest:            "InvalidParameterValue",
	http.StatusNotFound:              "NotFound",
	http.StatusMethodNotAllowed:      "OperationNotSupported",
	http.StatusNotAcceptable:         "InvalidFormat",
	http.StatusRequestEntityTooLarge: "RequestTooLarge",
	http.StatusUnsupportedMediaType:  "InvalidFormat",
	http.StatusTooManyRequests:       "TooManyRequests",
	http.StatusInternalServerError:   "NoApplicableCode",
	http.StatusServiceUnavailable:    "ServiceUnavailable",
}

// problemCode returns the exception code of status.
func problemCode(status int) string {
	if c, ok := problemCodes[status]; ok {
		return c
	}
	if status >= 500 {
		return "NoApplicableCode"
	}
	return "InvalidRequest"
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
		if errors.Is(err, geo.ErrOutside) {
			p.Type = problemOutside
		}
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
	p.Code = problemCode(p.Status)
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
