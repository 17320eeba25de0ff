package server

import (
	"errors"
	"fmt"
	"net/http"

	"margin/app/article"
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
	if s.cfg.Store != nil {
		if err := s.cfg.Store.Ping(r.Context()); err != nil {
			respond.Error(w, r, respond.Problem{Status: http.StatusServiceUnavailable, Code: "unavailable",
				Message: "The server cannot reach its database."}, err)
			return
		}
	}
	respond.JSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version()})
}

// listArticles answers the reader's library: the shared articles, and a
// signed-in reader's own before them.
func (s *Server) listArticles(w http.ResponseWriter, r *http.Request) {
	userID, _, err := s.viewer(r)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	items, err := s.librarySummaries(r.Context(), userID)
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
	if a, ok := s.article(w, r); ok {
		respond.JSON(w, http.StatusOK, a)
	}
}

// getArticleHTML sends the reader's article element, which the app paints
// before it has decoded the article's model.
func (s *Server) getArticleHTML(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.article(w, r); ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(ui.ArticleHTML(a)))
	}
}

// article finds the article named in the path, shared or the signed-in
// reader's own, or answers why not: another reader's article is not
// found, like one that does not exist.
func (s *Server) article(w http.ResponseWriter, r *http.Request) (*article.Article, bool) {
	id := r.PathValue("id")
	if _, ok := ui.ArticleID("/a/" + id); !ok {
		respond.Error(w, r, respond.NotFound("article"), errors.New("malformed article id"))
		return nil, false
	}
	a, err := s.cfg.Articles.Article(r.Context(), id)
	if errors.Is(err, library.ErrNotFound) {
		var userID string
		var signedIn bool
		if userID, signedIn, err = s.viewer(r); err != nil {
			s.storeError(w, r, err)
			return nil, false
		}
		if signedIn {
			a, err = s.ownArticle(r.Context(), userID, id)
		} else {
			err = fmt.Errorf("article %q: %w", id, library.ErrNotFound)
		}
	}
	if errors.Is(err, library.ErrNotFound) {
		respond.Error(w, r, respond.NotFound("article"), err)
		return nil, false
	}
	if err != nil {
		respond.Error(w, r, respond.Internal(), err)
		return nil, false
	}
	return a, true
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
