// Package server is the HTTP face of beibeimap: the lookup API, the OGC API –
// Features endpoints, the embedded map page and health checks, all on one
// echo router. Handlers are methods on Server; they parse and validate,
// call package geo, and render. Every error they return is turned into an
// RFC 9457 application/problem+json body by one error handler.
package server
