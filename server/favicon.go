package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// favicon is a 16×16 SVG of a map pin, served so that browsers do not log a
// 404 for every page.
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1a5 5 0 0 0-5 5c0 4 5 9 5 9s5-5 5-9a5 5 0 0 0-5-5z" fill="#c0392b"/><circle cx="8" cy="6" r="2" fill="#fff"/></svg>`

func (s *Server) handleFavicon(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(favicon))
}
