package geo

import (
	"errors"
	"fmt"
)

// Failure classes. Errors returned by this package (and by the packages that
// build on it) wrap one of these so that callers, the HTTP layer above all,
// can map a failure to a status without parsing messages.
var (
	// ErrInvalid marks input that can never succeed as given (bad coordinates,
	// bad dates, malformed GeoJSON).
	ErrInvalid = errors.New("invalid")
	// ErrNotFound marks a well-formed request for something that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable marks a request that may succeed later (data not loaded yet).
	ErrUnavailable = errors.New("unavailable")
	// ErrTooLarge marks input that exceeds a documented limit.
	ErrTooLarge = errors.New("too large")
)

// InputError is an invalid-input error that names the offending parameter.
// It wraps ErrInvalid unless Kind says otherwise.
type InputError struct {
	// Param is the name of the offending parameter or field ("lon", "bbox").
	Param string
	// Detail is a human-readable explanation, safe to show to the client.
	Detail string
	// Kind is the failure class; nil means ErrInvalid.
	Kind error
}

// Error implements error.
func (e *InputError) Error() string {
	if e.Param == "" {
		return "geo: " + e.Detail
	}
	return fmt.Sprintf("geo: %s: %s", e.Param, e.Detail)
}

// Unwrap returns the failure class.
func (e *InputError) Unwrap() error {
	if e.Kind == nil {
		return ErrInvalid
	}
	return e.Kind
}

// Invalidf returns an *InputError for param with a formatted detail.
func Invalidf(param, format string, args ...any) error {
	return &InputError{Param: param, Detail: fmt.Sprintf(format, args...)}
}
