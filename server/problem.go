package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

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

// problemFor classifies err into a Problem. The second result reports
// whether the error is internal (and so must be logged, not shown).
func problemFor(err error) (Problem, bool) {
	var se *statusError
	var ie *geo.InputError
	var he *echo.HTTPError
	p := Problem{Type: "about:blank"}
	switch {
	case errors.As(err, &se):
		p.Status, p.Param, p.Detail = se.status, se.param, se.detail
	case errors.As(err, &ie):
		p.Param, p.Detail = ie.Param, ie.Detail
		switch {
		case errors.Is(err, geo.ErrTooLarge):
			p.Status = http.StatusRequestEntityTooLarge
		case errors.Is(err, geo.ErrNotFound):
			p.Status = http.StatusNotFound
		case errors.Is(err, geo.ErrUnavailable):
			p.Status = http.StatusServiceUnavailable
		default:
			p.Status = http.StatusBadRequest
		}
	case errors.Is(err, geo.ErrNotFound):
		p.Status, p.Detail = http.StatusNotFound, err.Error()
	case errors.Is(err, geo.ErrInvalid):
		p.Status, p.Detail = http.StatusBadRequest, err.Error()
	case errors.Is(err, geo.ErrTooLarge):
		p.Status, p.Detail = http.StatusRequestEntityTooLarge, err.Error()
	case errors.Is(err, geo.ErrUnavailable):
		p.Status, p.Detail = http.StatusServiceUnavailable, err.Error()
	case errors.As(err, &he):
		p.Status = he.Code
		if m, ok := he.Message.(string); ok {
			p.Detail = m
		}
	default:
		p.Status = http.StatusInternalServerError
		p.Detail = "internal error; it has been logged"
		p.Title = http.StatusText(p.Status)
		return p, true
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
