package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp/web"
)

// mountWeb serves the browser app for every GET or HEAD that matches no
// route and lies outside /api/, so a client-side path such as
// /staff/complaints/12 survives a reload. Every other unmatched request,
// and any /api/ path, keeps the JSON 404.
func mountWeb(r *gin.Engine) {
	app := web.Handler()
	r.NoRoute(func(c *gin.Context) {
		m := c.Request.Method
		if (m == http.MethodGet || m == http.MethodHead) && !isAPIPath(c.Request.URL.Path) {
			app.ServeHTTP(c.Writer, c.Request)
			return
		}
		writeError(c, errNoRoute)
	})
}

func isAPIPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/")
}
