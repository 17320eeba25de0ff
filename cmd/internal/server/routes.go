package server

import (
	"net/http"
)

// goappFiles are the paths go-app's handler answers itself: the
// bootstrap script, its stylesheet, the Go runtime glue, the service
// worker and the manifest. They change only with the version.
var goappFiles = []string{
	"/app.css", "/wasm_exec.js", "/app-worker.js",
	"/manifest.webmanifest", "/manifest.json", "/app.wasm", "/goapp.wasm",
}

// routes lists every route of the server in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /api/articles", s.listArticles)
	mux.HandleFunc("GET /api/articles/{id}", s.getArticle)
	mux.HandleFunc("GET /api/articles/{id}/html", s.getArticleHTML)
	mux.HandleFunc("/api/", s.apiMissing)
	mux.Handle("/web/", s.static)
	mux.HandleFunc("GET /robots.txt", s.robots)
	for _, p := range goappFiles {
		mux.Handle("GET "+p, s.app)
	}
	mux.HandleFunc("GET /app.js", s.serveAppJS)
	mux.HandleFunc("GET /goapp.js", s.serveAppJS)
	mux.HandleFunc("/", s.page)
	return securityHeaders(mux)
}
