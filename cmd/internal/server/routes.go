package server

import (
	"fmt"
	"net/http"

	"margin/cmd/internal/respond"
)

// goappFiles are the paths go-app's handler answers itself: the
// bootstrap script, its stylesheet, the Go runtime glue, the service
// worker and the manifest. They change only with the version.
var goappFiles = []string{
	"/app.css", "/wasm_exec.js", "/app-worker.js",
	"/manifest.webmanifest", "/manifest.json", "/app.wasm", "/goapp.wasm",
}

// routes lists every route of the server in one place.
func (s *Server) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /api/articles", s.listArticles)
	mux.HandleFunc("GET /api/articles/{id}", s.getArticle)
	mux.HandleFunc("GET /api/articles/{id}/html", s.getArticleHTML)
	if s.cfg.Store != nil {
		mux.HandleFunc("POST /api/users", s.signUp)
		mux.HandleFunc("POST /api/session", s.signIn)
		mux.HandleFunc("GET /api/session", s.signedIn(s.whoAmI))
		mux.HandleFunc("DELETE /api/session", s.signOut)
		mux.HandleFunc("POST /api/account/password", s.signedIn(s.changePassword))
		mux.HandleFunc("DELETE /api/account", s.signedIn(s.deleteAccount))
		mux.HandleFunc("POST /api/sync/push", s.signedIn(s.push))
		mux.HandleFunc("GET /api/sync/pull", s.signedIn(s.pull))
		mux.HandleFunc("GET /api/sync/events", s.signedIn(s.events))
		mux.HandleFunc("DELETE /api/articles/{id}", s.signedIn(s.deleteArticle))
		mux.HandleFunc("POST /api/import", s.importArticle)
		mux.HandleFunc("GET /media/{hash}", s.media)
		mux.HandleFunc("POST /api/tokens", s.signedIn(s.createToken))
		mux.HandleFunc("GET /api/tokens", s.signedIn(s.listTokens))
		mux.HandleFunc("DELETE /api/tokens/{id}", s.signedIn(s.deleteToken))
		for path := range corsPaths {
			mux.HandleFunc("OPTIONS "+path, s.preflight)
		}
	}
	mux.HandleFunc("/api/", s.apiMissing)
	mux.Handle("/web/", s.static)
	mux.HandleFunc("GET /robots.txt", s.robots)
	manifest, err := manifestHandler(s.app)
	if err != nil {
		return nil, err
	}
	for _, p := range goappFiles {
		if p == "/manifest.webmanifest" || p == "/manifest.json" {
			mux.Handle("GET "+p, manifest)
			continue
		}
		mux.Handle("GET "+p, s.app)
	}
	mux.HandleFunc("GET /app.js", s.serveAppJS)
	mux.HandleFunc("GET /goapp.js", s.serveAppJS)
	mux.HandleFunc("/", s.page)

	// Browsers say where a request comes from (Sec-Fetch-Site, Origin);
	// a state-changing request from another site is refused, so a page
	// elsewhere cannot act with the reader's session cookie.
	csrf := http.NewCrossOriginProtection()
	if s.cfg.PublicURL != "" {
		if err := csrf.AddTrustedOrigin(s.cfg.PublicURL); err != nil {
			return nil, fmt.Errorf("public URL: %w", err)
		}
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond.Error(w, r, respond.Problem{Status: http.StatusForbidden, Code: "cross_origin",
			Message: "The request came from another site, so it was refused."}, nil)
	}))
	var h http.Handler = csrf.Handler(mux)
	if s.cfg.Store != nil {
		h = s.withTokens(mux, h)
	}
	return s.idle.wrap(securityHeaders(contentSecurityPolicy(s.style.hash), s.isHTTPS, h)), nil
}
