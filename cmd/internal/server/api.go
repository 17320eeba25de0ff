package server

import (
	"errors"
	"net/http"

	"margin/app/library"
	"margin/app/ui"
	"margin/cmd/internal/respond"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.cfg.Articles.Summaries(r.Context()); err != nil {
		respond.Error(w, r, respond.Problem{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "The server cannot read its library."}, err)
		return
	}
	respond.JSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version()})
}

func (s *Server) listArticles(w http.ResponseWriter, r *http.Request) {
	items, err := s.cfg.Articles.Summaries(r.Context())
	if err != nil {
		respond.Error(w, r, respond.Internal(), err)
		return
	}
	if items == nil {
		items = []library.Summary{}
	}
	respond.JSON(w, http.StatusOK, map[string]any{"articles": items})
}

func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := ui.ArticleID("/a/" + id); !ok {
		respond.Error(w, r, respond.NotFound("article"), errors.New("malformed article id"))
		return
	}
	a, err := s.cfg.Articles.Article(r.Context(), id)
	if errors.Is(err, library.ErrNotFound) {
		respond.Error(w, r, respond.NotFound("article"), err)
		return
	}
	if err != nil {
		respond.Error(w, r, respond.Internal(), err)
		return
	}
	respond.JSON(w, http.StatusOK, a)
}

// apiMissing answers API paths and methods that do not exist, in the
// API's own error shape.
func (s *Server) apiMissing(w http.ResponseWriter, r *http.Request) {
	respond.Error(w, r, respond.Problem{Status: http.StatusNotFound, Code: "no_route",
		Message: "The API has nothing at this address. Check the method and the path."}, nil)
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("User-agent: *\nDisallow: /api/\n"))
}
